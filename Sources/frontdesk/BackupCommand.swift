import ArgumentParser
import Foundation
import Server

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent, verified copy of the database, while the server keeps running.",
        discussion: """
            The copy holds every transaction committed before the backup started (SQLite VACUUM INTO on a read \
            snapshot; the server keeps reading and writing meanwhile). It is written under a temporary name beside \
            FILE, fsynced, checked (integrity_check ok, migrations present) and only then given the name FILE, so \
            FILE is either absent or complete. An existing FILE is never overwritten. To restore, start the server \
            on the copy: frontdesk serve --db FILE.
            """
    )

    @Option(help: ArgumentHelp("The new backup file; it must not exist yet.", valueName: "FILE"))
    var to: String

    @Option(help: "SQLite database file to copy (env FRONTDESK_DB; default ./frontdesk.sqlite).")
    var db: String?

    func run() throws {
        let source: String
        if let db {
            source = db
        } else {
            do { source = try AppConfig(environment: ProcessInfo.processInfo.environment).databasePath }
            catch { throw ValidationError("\(error)") }
        }
        let started = Date()
        let summary: AppDatabase.BackupSummary
        do {
            summary = try AppDatabase.backup(databaseAt: source, to: to)
        } catch let error as AppDatabase.BackupError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let seconds = Date().timeIntervalSince(started)
        let size = ByteCountFormatter.string(fromByteCount: summary.bytes, countStyle: .file)
        print("backup written: \(summary.path)")
        print("size: \(size) (\(summary.bytes) bytes) in \(String(format: "%.2f", seconds)) s")
        print("verified: integrity_check ok, \(summary.migrations.count) migrations (latest \(summary.migrations.last ?? "none"))")
        print("rows: " + summary.tables.map { "\($0.table) \($0.rows)" }.joined(separator: ", "))
        print("restore: frontdesk serve --db \(summary.path)")
    }
}
