import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What every `frontdesk serve` process of one benchmark configuration shares.
struct BenchNodeSettings {
    enum Database {
        /// `FRONTDESK_DB`: one SQLite file (one node only).
        case sqlite(path: String)
        /// `FRONTDESK_DATABASE_URL`: one PostgreSQL database for every node.
        case postgres(url: String)
    }

    var database: Database
    var adminKey: String
    var twilioAuthToken: String
    var modelDirectory: String
    /// Loaded by the first node only, before it listens.
    var corporaDirectory: String
    var embedThreads: Int?
    var databasePool: Int?

    /// The node's environment: ours, without any `FRONTDESK_*` setting of the caller's (an LLM, a Twilio account,
    /// another database), plus the node's own.
    func environment(port: Int, loadsCorpora: Bool) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FRONTDESK_") }
        switch database {
        case .sqlite(let path): environment["FRONTDESK_DB"] = path
        case .postgres(let url): environment["FRONTDESK_DATABASE_URL"] = url
        }
        environment["FRONTDESK_HOST"] = "127.0.0.1"
        environment["FRONTDESK_PORT"] = "\(port)"
        // Twilio signs the URL it posts to, so each node checks signatures against its own address.
        environment["FRONTDESK_PUBLIC_BASE_URL"] = "http://127.0.0.1:\(port)"
        environment["FRONTDESK_ADMIN_KEY"] = adminKey
        environment["FRONTDESK_TWILIO_AUTH_TOKEN"] = twilioAuthToken
        environment["FRONTDESK_MODEL_DIR"] = modelDirectory
        environment["FRONTDESK_LOG_LEVEL"] = "warning"
        if loadsCorpora { environment["FRONTDESK_DEMO_CORPORA"] = corporaDirectory }
        if let embedThreads { environment["FRONTDESK_EMBED_THREADS"] = "\(embedThreads)" }
        if let databasePool { environment["FRONTDESK_DATABASE_POOL"] = "\(databasePool)" }
        return environment
    }
}

/// One `frontdesk serve` process the bench started: its address, its log, and stopping it.
final class BenchNode: @unchecked Sendable {  // `Process` is not Sendable; only the bench's main flow uses it.
    let index: Int
    let port: Int
    let log: URL
    private let process: Process

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var pid: Int32 { process.processIdentifier }

    private init(index: Int, port: Int, log: URL, process: Process) {
        self.index = index
        self.port = port
        self.log = log
        self.process = process
    }

    /// The `frontdesk` binary next to this one (the same build), else `.build/release/frontdesk`.
    static func serverBinary() throws -> URL {
        var candidates: [URL] = []
        if let executable = Bundle.main.executableURL {
            candidates.append(executable.deletingLastPathComponent().appendingPathComponent("frontdesk"))
        }
        let argument0 = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        candidates.append(argument0.deletingLastPathComponent().appendingPathComponent("frontdesk"))
        candidates.append(URL(fileURLWithPath: ".build/release/frontdesk").standardizedFileURL)
        guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw ValidationError("no frontdesk binary to start servers with (looked at \(candidates.map(\.path)))")
        }
        return binary
    }

    /// Starts `binary serve` on a free port of 127.0.0.1; its standard output and error go to `directory/node-<index>.log`.
    static func start(binary: URL, index: Int, settings: BenchNodeSettings, directory: URL) throws -> BenchNode {
        let port = try BenchCallsCommand.freePort()
        let log = directory.appendingPathComponent("node-\(index + 1)-\(port).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        // Kept open by `process` (its standardOutput) as long as the node lives.
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve"]
        process.environment = settings.environment(port: port, loadsCorpora: index == 0)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return BenchNode(index: index, port: port, log: log, process: process)
    }

    /// Waits for the server's "FrontDesk listening" line; fails with the end of its log if it exits first.
    func waitListening(seconds: Int) async throws {
        let deadline = Date().addingTimeInterval(TimeInterval(seconds))
        while Date() < deadline {
            if logText().contains("FrontDesk listening on") { return }
            guard process.isRunning else {
                throw ValidationError("node \(index + 1) exited (status \(process.terminationStatus)) before listening:\n\(logTail())")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ValidationError("node \(index + 1) did not listen within \(seconds) s:\n\(logTail())")
    }

    /// SIGTERM (the server drains and closes its database), then SIGKILL after 20 s.
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        for _ in 0..<200 {
            if !process.isRunning { return }
            try? await Task.sleep(for: .milliseconds(100))
        }
        kill(process.processIdentifier, SIGKILL)
        for _ in 0..<50 where process.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
    }

    private func logText() -> String {
        (try? String(contentsOf: log, encoding: .utf8)) ?? ""
    }

    func logTail(lines: Int = 20) -> String {
        logText().split(separator: "\n").suffix(lines).map { "  " + $0 }.joined(separator: "\n")
    }
}

/// The servers of one configuration: the first loads the sample businesses and listens, then the others start
/// (they read the businesses and knowledge from the shared database).
struct BenchCluster {
    let nodes: [BenchNode]

    static func start(count: Int, binary: URL, settings: BenchNodeSettings, directory: URL) async throws -> BenchCluster {
        var nodes: [BenchNode] = []
        do {
            let first = try BenchNode.start(binary: binary, index: 0, settings: settings, directory: directory)
            nodes.append(first)
            try await first.waitListening(seconds: 300)
            for index in 1..<max(1, count) {
                nodes.append(try BenchNode.start(binary: binary, index: index, settings: settings, directory: directory))
            }
            for node in nodes.dropFirst() { try await node.waitListening(seconds: 120) }
            return BenchCluster(nodes: nodes)
        } catch {
            for node in nodes { await node.stop() }
            throw error
        }
    }

    func stop() async {
        for node in nodes { await node.stop() }
    }

    /// Every node's `/metrics` sums and counts, added up.
    func metrics(_ clients: [WebhookClient]) async throws -> MetricsSnapshot {
        var values: [String: Double] = [:]
        for client in clients {
            for (key, value) in try await client.metrics().values { values[key, default: 0] += value }
        }
        return MetricsSnapshot(values: values)
    }
}
