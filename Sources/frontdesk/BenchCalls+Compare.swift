import ArgumentParser
import Foundation
import Logging
import Server

/// `bench calls --database-url`: the same simulated calls against `frontdesk serve` processes — SQLite (the
/// anchor), PostgreSQL with one node, PostgreSQL with `--nodes` nodes — each configuration on a fresh database.
extension BenchCallsCommand {
    /// One server set-up measured at every level.
    struct NodeConfiguration {
        enum Database {
            case sqlite
            /// A `frontdesk_bench_*` database made on the server for this configuration and dropped after.
            case scratchPostgres
            /// The `--database-url` database itself (`--no-compare`).
            case givenPostgres
        }

        let database: Database
        let nodes: Int

        var label: String {
            switch database {
            case .sqlite: "SQLite, 1 process"
            case .scratchPostgres, .givenPostgres: "PostgreSQL, \(nodes) node\(nodes == 1 ? "" : "s")"
            }
        }
    }

    /// One configuration at one level.
    struct NodeLevelResult {
        let configuration: NodeConfiguration
        let level: Int
        let run: LevelRun
        let seconds: Double
        let client: [Double]
        let server: [Double]
        /// Mean of `/metrics` turn durations (the commit included) over every node, ms.
        let meanWithCommit: Double
        /// Mean `latency_ms` of the gathers (the turns that histogram times), ms: the rest of `meanWithCommit` is
        /// writing and committing the turn.
        let gatherMean: Double
        /// CPU seconds over the level: the nodes, the local PostgreSQL server's processes (nil on SQLite or
        /// when none runs here), this bench (the client).
        let cpu: (nodes: Double, postgres: Double?, client: Double)
        /// Transactions the database counted over the level (PostgreSQL only).
        let transactions: Int?

        var turnsPerSecond: Double { Double(run.turns) / seconds }
        func client(_ p: Double) -> Double { BenchCallsCommand.percentile(client, p) }
        func server(_ p: Double) -> Double { BenchCallsCommand.percentile(server, p) }
    }

    func runNodes(databaseURL: String) async throws {
        guard (1...16).contains(nodes) else { throw ValidationError("--nodes must be 1–16") }
        if let databasePool, !(1...500).contains(databasePool) { throw ValidationError("--database-pool must be 1–500") }
        if let embedThreads, !(1...64).contains(embedThreads) { throw ValidationError("--embed-threads must be 1–64") }
        if database != nil { throw ValidationError("--database (a SQLite file to keep) does not go with --database-url") }
        let (minTurns, maxTurns) = try turnRange()
        let levels = try levels(default: "100,200")
        let corporaURL = URL(fileURLWithPath: corpora, isDirectory: true).standardizedFileURL
        let businesses = try BenchBusiness.load(from: corporaURL)
        var logger = Logger(label: "bench")
        logger.logLevel = .error

        let tables: Int
        let facts: PostgresScratchDatabases.ServerFacts
        do {
            tables = try await PostgresScratchDatabases.userTableCount(url: databaseURL, logger: logger)
            facts = try await PostgresScratchDatabases.serverFacts(url: databaseURL, logger: logger)
        } catch {
            throw ValidationError("cannot use --database-url: \(error)")
        }
        guard tables == 0 else {
            throw ValidationError("--database-url names a database with \(tables) table(s); the bench runs only on an EMPTY database")
        }
        let binary = try BenchNode.serverBinary()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let configurations: [NodeConfiguration] = !compare ? [NodeConfiguration(database: .givenPostgres, nodes: nodes)]
            : [NodeConfiguration(database: .sqlite, nodes: 1), NodeConfiguration(database: .scratchPostgres, nodes: 1)]
                + (nodes > 1 ? [NodeConfiguration(database: .scratchPostgres, nodes: nodes)] : [])
        print("""
            \(BenchMachine.line())
            database: \(facts); servers: `\(binary.path) serve` processes on 127.0.0.1, one per node (the SQLite \
            anchor too), started by this bench; client: URLSession in this process, sharing the cores
            calls: \(businesses.map(\.slug).joined(separator: ", ")); \(minTurns)–\(maxTurns) turns per call; \
            \(thinkMs == 0 ? "think 0 ms (stress: no pause between turns)" : "think \(thinkMs) ms (0.5–1.5×) between turns, starts spread over one think time"); \
            \(rounds) call(s) per slot; seed \(seed); a call's turns go round-robin over the nodes
            """)

        var results: [NodeLevelResult] = []
        for configuration in configurations {
            print("\n\(configuration.label): starting")
            let measured = try await measure(configuration, databaseURL: databaseURL, levels: levels, businesses: businesses,
                                             turns: (minTurns, maxTurns), binary: binary, directory: directory, logger: logger)
            for result in measured {
                print("\(configuration.label), \(result.level) calls: \(result.run.turns) turns, \(result.run.errors) errors, "
                      + "\(formatRate(result.turnsPerSecond)) turns/s, server p95 \(Self.ms(result.server(0.95)))"
                      + (result.run.firstError.map { "; first error: \($0)" } ?? ""))
            }
            results += measured
        }
        printNodeReport(results, levels: levels)
        if !compare { print("\nThe --database-url database now holds the run's businesses and calls (it is not dropped).") }
    }

    /// Starts the configuration's servers, runs every level against them, reads the turns back and stops them.
    private func measure(
        _ configuration: NodeConfiguration, databaseURL: String, levels: [Int], businesses: [BenchBusiness],
        turns: (min: Int, max: Int), binary: URL, directory: URL, logger: Logger
    ) async throws -> [NodeLevelResult] {
        let token = (0..<4).map { _ in String(format: "%08x", UInt32.random(in: .min ... .max)) }.joined()
        var readerConfig = AppConfig()
        var scratch: String?
        let database: BenchNodeSettings.Database
        switch configuration.database {
        case .sqlite:
            readerConfig.databasePath = directory.appendingPathComponent("bench-\(UUID().uuidString).sqlite").path
            database = .sqlite(path: readerConfig.databasePath)
        case .givenPostgres:
            readerConfig.databaseURL = databaseURL
            database = .postgres(url: databaseURL)
        case .scratchPostgres:
            let name = "frontdesk_bench_" + String(format: "%08x", UInt32.random(in: .min ... .max))
            let url = try Self.url(databaseURL, database: name)
            try await PostgresScratchDatabases.create(name, url: databaseURL, logger: logger)
            scratch = name
            readerConfig.databaseURL = url
            database = .postgres(url: url)
        }
        let settings = BenchNodeSettings(
            database: database, adminKey: "bench-admin-key-0123456789", twilioAuthToken: token,
            modelDirectory: model.resolvedDirectory.standardizedFileURL.path, corporaDirectory: URL(fileURLWithPath: corpora, isDirectory: true).standardizedFileURL.path,
            embedThreads: embedThreads, databasePool: databasePool)
        var cluster: BenchCluster?
        var reader: TurnLatencyReader?
        do {
            let started = try await BenchCluster.start(count: configuration.nodes, binary: binary, settings: settings, directory: directory)
            cluster = started
            let opened = try await TurnLatencyReader.open(readerConfig, logger: logger)
            reader = opened
            let clients = started.nodes.map {
                WebhookClient(baseURL: $0.baseURL, authToken: token, maxConnections: 2 * levels.max()! + 8)
            }
            let postgresURL = readerConfig.databaseURL
            func transactions() async -> Int? {
                guard let postgresURL else { return nil }
                return try? await PostgresScratchDatabases.transactionCount(url: postgresURL, logger: logger)
            }
            var results: [NodeLevelResult] = []
            for level in levels {
                let before = try await started.metrics(clients)
                let transactionsBefore = await transactions()
                let cpuBefore = cpuSeconds(started, postgres: postgresURL != nil)
                let start = Date()
                let run = await runLevel(level, businesses: businesses, minTurns: turns.min, maxTurns: turns.max, clients: clients)
                let end = Date()
                let cpuAfter = cpuSeconds(started, postgres: postgresURL != nil)
                let after = try await started.metrics(clients)
                let transactionsAfter = await transactions()
                let postgresCPU = cpuAfter.postgres.flatMap { after in cpuBefore.postgres.map { after - $0 } }
                let read = try await opened.receptionistTurnLatencies(from: start, to: end)
                let server = read.map(\.milliseconds).sorted()
                let gathers = read.filter { $0.event != "started" }.map(\.milliseconds)
                results.append(NodeLevelResult(
                    configuration: configuration, level: level, run: run, seconds: end.timeIntervalSince(start),
                    client: run.latencies.sorted(), server: server,
                    meanWithCommit: after.mean("frontdesk_call_turn_duration_seconds", since: before).mean * 1000,
                    gatherMean: gathers.isEmpty ? .nan : gathers.reduce(0, +) / Double(gathers.count),
                    cpu: (cpuAfter.nodes - cpuBefore.nodes, postgresCPU.flatMap { $0 > 0 ? $0 : nil }, cpuAfter.client - cpuBefore.client),
                    transactions: transactionsAfter.flatMap { after in transactionsBefore.map { after - $0 } }))
            }
            try? await opened.close()
            await started.stop()
            if let scratch { try await PostgresScratchDatabases.drop(scratch, url: databaseURL, logger: logger) }
            return results
        } catch {
            try? await reader?.close()
            await cluster?.stop()
            if let scratch { try? await PostgresScratchDatabases.drop(scratch, url: databaseURL, logger: logger) }
            throw error
        }
    }

    /// CPU seconds so far of the cluster's nodes, the PostgreSQL processes on this machine, and this process.
    private func cpuSeconds(_ cluster: BenchCluster, postgres: Bool) -> (nodes: Double, postgres: Double?, client: Double) {
        (cluster.nodes.map { BenchCPU.seconds(pid: $0.pid) }.reduce(0, +),
         postgres ? BenchCPU.seconds(named: "postgres") : nil, BenchCPU.ownSeconds())
    }

    /// `url` with its database (the path) replaced by `database`; user, password, host and options kept.
    static func url(_ url: String, database: String) throws -> String {
        guard var components = URLComponents(string: url), let scheme = components.scheme, scheme.hasPrefix("postgres") else {
            throw ValidationError("--database-url is not a postgres:// URL")
        }
        components.path = "/" + database
        guard let string = components.string else { throw ValidationError("--database-url cannot be rewritten for \(database)") }
        return string
    }
}
