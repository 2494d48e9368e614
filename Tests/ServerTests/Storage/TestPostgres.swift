import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real PostgreSQL server for tests, and a fresh empty database on it per test:
///
///     let url = try TestPostgres.freshDatabase()          // postgres://postgres@127.0.0.1:PORT/t_3f9c…
///     defer { TestPostgres.dropDatabase(url: url) }
///
/// The server is `FRONTDESK_TEST_POSTGRES_URL` when set (`make test` sets it: `scripts/with_postgres.sh` runs the
/// whole suite against one throwaway cluster; CI may point it at its own server). Otherwise the first call starts
/// a throwaway cluster for this process with `scripts/pg_test_cluster.sh`, stopped at exit (and by the script's
/// watchdog if the process dies without exiting). When neither works the call throws an error saying what is
/// missing: a test that needs PostgreSQL fails, it is never skipped.
///
/// Talks to the server through Debian's `psql` binary, so the harness itself depends on no PostgreSQL driver.
enum TestPostgres {
    /// Why there is no server, or what psql said.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let environmentKey = "FRONTDESK_TEST_POSTGRES_URL"
    static let installHint = "install Debian's postgresql package: apt-get install postgresql"

    /// The URL of the process-wide server (`postgres://USER@HOST:PORT/DATABASE`), started on first use.
    static func serverURL() throws -> String {
        if let url = ProcessInfo.processInfo.environment[environmentKey], !url.isEmpty { return url }
        return try ownCluster.get().url
    }

    /// A new, empty database on the server, named `<prefix>_<16 hex digits>`; returns its URL (the server's URL
    /// with this database as its path). `prefix` is a lowercase SQL identifier, e.g. the suite's name.
    static func freshDatabase(prefix: String = "t") throws -> String {
        precondition(isIdentifier(prefix) && prefix.count <= 40, "prefix must be a lowercase identifier: \(prefix)")
        let server = try serverURL()
        let name = prefix + "_" + (0..<8).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        try psql("CREATE DATABASE \(name)", url: server)
        return try replacingDatabase(of: server, with: name)
    }

    /// Drops the database `url` names, closing its open connections first. Best effort: a database that is
    /// already gone, or a server that has stopped, is not an error.
    ///
    /// Does not wait: `DROP DATABASE` waits for every backend of the cluster to absorb a barrier, and a backend
    /// idle in a transaction absorbs it only when its client speaks again. Parallel tests hold such transactions
    /// on Swift's cooperative threads (as many as cores: two here); two tests each blocking a thread on a drop
    /// starved the others, whose transactions then never ended — the whole run hung. The drop finishes on its own
    /// once the others move on (or with the throwaway cluster). ``dropDatabaseAndWait(url:)`` waits.
    static func dropDatabase(url: String) {
        guard let (name, admin) = dropTarget(url) else { return }
        DispatchQueue.global().async {
            _ = try? psql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", url: admin)
        }
    }

    /// ``dropDatabase(url:)``, returning once the database is gone (or after a minute): it suspends while it
    /// polls, so it holds no thread the other tests need.
    static func dropDatabaseAndWait(url: String) async {
        guard let (name, admin) = dropTarget(url) else { return }
        dropDatabase(url: url)
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline,
              (try? psql("SELECT count(*) FROM pg_database WHERE datname = '\(name)'", url: admin)) != "0" {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    private static func dropTarget(_ url: String) -> (name: String, admin: String)? {
        guard let name = try? databaseName(of: url), isIdentifier(name), let server = try? serverURL(),
              let admin = try? replacingDatabase(of: url, with: databaseName(of: server))
        else { return nil }
        return (name, admin)
    }

    /// Runs `sql` (one or more statements, stopping at the first error) on the database `url` names and returns
    /// psql's unaligned, tuples-only output without the final newline: `SELECT 1` gives "1", two rows "a\nb".
    @discardableResult
    static func psql(_ sql: String, url: String) throws -> String {
        let result = try run(try psqlPath.get(),
                             ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
                             environment: ["PGCONNECT_TIMEOUT": "10"])
        guard result.status == 0 else {
            throw Failure(description: "psql failed (exit \(result.status)) running \(sql): \(result.stderr)")
        }
        var output = result.stdout
        if output.hasSuffix("\n") { output.removeLast() }
        return output
    }

    // MARK: - The process's own cluster

    private struct Cluster: Sendable {
        let url: String
        let directory: String
        let script: String
    }

    /// Started once, on first use (a `static let` is initialised lazily and thread-safely).
    private static let ownCluster: Result<Cluster, any Error> = Result { try startOwnCluster() }

    private static func startOwnCluster() throws -> Cluster {
        let root = URL(fileURLWithPath: #filePath)  // Tests/ServerTests/Storage/TestPostgres.swift
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let script = root.appendingPathComponent("scripts/pg_test_cluster.sh").path
        guard FileManager.default.fileExists(atPath: script) else {
            throw Failure(description: "no PostgreSQL server for the tests: \(environmentKey) is unset and "
                + "\(script), which would start one, is missing")
        }
        guard FileManager.default.isExecutableFile(atPath: "/bin/bash") else {
            throw Failure(description: "no PostgreSQL server for the tests: \(environmentKey) is unset and "
                + "/bin/bash, which runs \(script), is missing")
        }
        // A short private directory under /tmp: the server's Unix socket lives in it (paths are capped at 107 bytes).
        var template = Array("/tmp/frontdesk-pg.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw Failure(description: "no PostgreSQL server for the tests: cannot make a directory under /tmp "
                + "(errno \(errno))")
        }
        let directory = String(cString: made)
        let result = try run("/bin/bash", [script, "start", directory,
                                           "--watch", String(ProcessInfo.processInfo.processIdentifier)])
        let url = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.status == 0, url.hasPrefix("postgres://") else {
            _ = try? run("/bin/bash", [script, "stop", directory])
            let remedy = result.stderr.contains(installHint) ? "" : " (\(installHint))"
            throw Failure(description: "no PostgreSQL server for the tests: \(environmentKey) is unset and "
                + "`bash scripts/pg_test_cluster.sh start` failed (exit \(result.status)): "
                + result.stderr.split(separator: "\n").suffix(15).joined(separator: "\n")
                + "\nInstall PostgreSQL\(remedy), or set \(environmentKey) to a server's URL.")
        }
        atexit { TestPostgres.stopOwnCluster() }
        return Cluster(url: url, directory: directory, script: script)
    }

    /// At exit: stops the cluster and removes its directory. posix_spawn, not `Process`: Foundation's helpers
    /// may already be winding down.
    private static func stopOwnCluster() {
        guard case .success(let cluster) = ownCluster else { return }
        let arguments = ["/bin/bash", cluster.script, "stop", cluster.directory]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        guard posix_spawn(&pid, "/bin/bash", nil, nil, &argv, environ) == 0 else { return }
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
    }

    // MARK: - psql and processes

    /// The newest /usr/lib/postgresql/N/bin/psql (Debian), else the first psql on PATH.
    private static let psqlPath: Result<String, any Error> = Result {
        let base = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [])
            .compactMap { Int($0.split(separator: ".").first ?? "") }.sorted(by: >)
        var candidates = versions.map { "\(base)/\($0)/bin/psql" }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            candidates.append("\(directory)/psql")
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Failure(description: "no psql found under \(base)/*/bin or on PATH: \(installHint)")
        }
        return found
    }

    private static func databaseName(of url: String) throws -> String {
        guard let path = URLComponents(string: url)?.path, path.count > 1 else {
            throw Failure(description: "not a PostgreSQL URL with a database: \(url)")
        }
        return String(path.dropFirst())
    }

    private static func replacingDatabase(of url: String, with name: String) throws -> String {
        guard var components = URLComponents(string: url) else {
            throw Failure(description: "not a PostgreSQL URL: \(url)")
        }
        components.path = "/" + name
        guard let result = components.string else { throw Failure(description: "not a PostgreSQL URL: \(url)") }
        return result
    }

    private static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// Runs `executable` to completion, reading its stdout and stderr concurrently (a full pipe would stall it).
    private static func run(_ executable: String, _ arguments: [String],
                            environment extra: [String: String] = [:]) throws
        -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let errorData = ErrorOutput()
        let reading = DispatchGroup()
        DispatchQueue.global().async(group: reading) {
            errorData.set(stderr.fileHandleForReading.readDataToEndOfFile())
        }
        let outputData = stdout.fileHandleForReading.readDataToEndOfFile()
        reading.wait()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self),
                String(decoding: errorData.get(), as: UTF8.self))
    }

    /// stderr's bytes, handed from the reading thread.
    private final class ErrorOutput: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        func set(_ value: Data) { lock.withLock { data = value } }
        func get() -> Data { lock.withLock { data } }
    }
}
