import ArgumentParser
import Foundation
import Logging
import Server
import Synchronization

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy a whole SQLite database into an empty PostgreSQL database and verify the copy.",
        discussion: """
            Copies every table (all tenants, knowledge with embeddings, calls, customers, events, queued work), \
            each row with its id, in one PostgreSQL transaction: either all of it is there afterwards or none. The \
            PostgreSQL schema is created first if needed; its FrontDesk tables must be empty (a non-empty database \
            is refused and left untouched). Identity sequences continue past the highest ids SQLite ever used. Both \
            schemas are compared column by column first: a table or column only one side has stops the copy. \
            Prints each table's row count on both sides; exits 0 only if every count matches.

            The SQLite file is read from one snapshot, but stop the server first so no write lands after it. The \
            file is migrated to this build's schema on opening, as `serve` would. Then start the nodes with \
            --database-url.

            Example: frontdesk migrate --from sqlite:/var/lib/frontdesk/frontdesk.sqlite \
            --to postgres://frontdesk@db.internal:5432/frontdesk
            """
    )

    @Option(help: ArgumentHelp(
        "The SQLite database to copy: sqlite:PATH (a plain PATH, or sqlite:///ABSOLUTE/PATH, also works).",
        valueName: "sqlite:PATH"))
    var from: String

    @Option(help: ArgumentHelp(
        "The empty PostgreSQL database to fill, postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=…] "
            + "(env FRONTDESK_DATABASE_URL). The password is never printed.",
        valueName: "URL"))
    var to: String?

    @Option(help: ArgumentHelp("Rows read and sent at a time.", visibility: .hidden))
    var batchRows: Int = 2_000

    func validate() throws {
        guard batchRows > 0 else { throw ValidationError("--batch-rows must be at least 1") }
    }

    func run() async throws {
        let path = try Self.sqlitePath(from)
        let environment = ProcessInfo.processInfo.environment["FRONTDESK_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        guard let urlText = to ?? environment else {
            throw ValidationError("name the PostgreSQL database with --to postgres://… or FRONTDESK_DATABASE_URL")
        }
        let url: PostgresURL
        do { url = try PostgresURL(urlText) } catch { throw ValidationError("\(error)") }

        var logger = Logger(label: "frontdesk.migrate")
        logger.logLevel = .warning
        print("copying sqlite:\(path) into \(url)")
        let source: AppDatabase
        let target: PGDatabase
        do {
            source = try AppDatabase.openExisting(path: path)
        } catch {
            throw Self.failure("\(error)")
        }
        do {
            target = try await PGDatabase.open(url: url, maximumConnections: 2, logger: logger)
        } catch {
            try? source.close()
            throw Self.failure("\(error)")
        }

        let report: StorageMigration.Report
        do {
            let clock = ContinuousClock()
            let lastTable = Mutex(clock.now)
            report = try await StorageMigration.run(from: source, to: target, batchRows: batchRows) { copied in
                let now = clock.now
                let took = lastTable.withLock { last in
                    defer { last = now }
                    return now - last
                }
                FileHandle.standardError.write(Data(
                    "  \(copied.table): \(copied.rows) rows (\(String(format: "%.2f", Self.seconds(took))) s)\n".utf8))
            }
        } catch {
            await target.close()
            try? source.close()
            throw Self.failure("\(error)")
        }
        await target.close()
        try? source.close()

        Self.printTable(report)
        let seconds = Self.seconds(report.duration)
        guard report.isVerified else {
            throw Self.failure("row counts differ between SQLite and PostgreSQL after the commit (was something writing to PostgreSQL?)")
        }
        print("verified: \(report.counts.count) tables, \(report.rows) rows, every count equal "
            + "(\(String(format: "%.2f", seconds)) s)")
        let next = report.nextIds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("next ids: \(next)")
        print("next: start the nodes with --database-url \(url)")
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The file `--from` names: `sqlite:PATH`, `sqlite://PATH` or a plain path.
    static func sqlitePath(_ from: String) throws -> String {
        var path = from
        if path.hasPrefix("sqlite://") {
            path.removeFirst("sqlite://".count)
        } else if path.hasPrefix("sqlite:") {
            path.removeFirst("sqlite:".count)
        } else if path.contains("://") {
            throw ValidationError("--from must be an SQLite database (sqlite:PATH); migrate copies from SQLite only")
        }
        guard !path.isEmpty else { throw ValidationError("--from names no file (sqlite:PATH)") }
        return path
    }

    private static func printTable(_ report: StorageMigration.Report) {
        let width = max(5, report.counts.map(\.table.count).max() ?? 0)
        func line(_ table: String, _ source: String, _ target: String, _ verdict: String) -> String {
            table.padding(toLength: width, withPad: " ", startingAt: 0)
                + String(repeating: " ", count: max(1, 12 - source.count)) + source
                + String(repeating: " ", count: max(1, 12 - target.count)) + target + "  " + verdict
        }
        print(line("table", "sqlite", "postgresql", ""))
        for count in report.counts {
            print(line(count.table, String(count.source), String(count.target), count.source == count.target ? "ok" : "DIFFERS"))
        }
        let source = report.counts.reduce(0) { $0 + $1.source }
        print(line("total", String(source), String(report.rows), source == report.rows ? "ok" : "DIFFERS"))
    }

    /// Writes `message` to standard error; exit status 1.
    private static func failure(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return ExitCode.failure
    }
}
