import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import Logging
import Server
import VectorIndex

struct BenchCallsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calls",
        abstract: "Simulated phone calls through the signed Twilio webhooks, 10 and 100 at a time.",
        discussion: """
            Starts the real application on 127.0.0.1 (a temporary database, the sample businesses in corpora/), \
            then runs N concurrent simulated calls per level: /twilio/voice, 7–9 /twilio/gather turns (eval \
            questions, out-of-scope questions, some messages left, some silences, "no that's all thanks") and \
            /twilio/call-status, every request signed. Prints client-observed latency and the server's own turn \
            latency read back from call_turns.latency_ms, against the targets p95 ≤ 25 ms, p99 ≤ 50 ms, no errors.

            With --database-url the servers run as `frontdesk serve` processes: SQLite (one process, the anchor), \
            PostgreSQL with one node and PostgreSQL with --nodes nodes, each on a fresh database, in one run; a \
            call's turns go round-robin over the nodes. See docs/benchmarks.md and docs/scale-out.md.
            """
    )

    @OptionGroup var model: ModelOptions

    @Option(help: "Comma-separated numbers of concurrent calls (default 10,100; with --database-url 100,200).")
    var calls: String?

    @Option(help: "Webhook turns per call, min-max: /twilio/voice plus the gathers (call-status not counted).")
    var turns: String = "8-10"

    @Option(name: .customLong("think-ms"),
            help: "Mean pause between a call's turns in ms (each pause 0.5–1.5× this; a caller talks for seconds). 0: stress, no pauses.")
    var thinkMs: Int = 1000

    @Option(help: "Calls each concurrent slot makes one after another.")
    var rounds: Int = 3

    @Option(help: "Seed for the call scripts.")
    var seed: UInt64 = 42

    @Option(help: "Folder of sample businesses (business.json, knowledge.jsonl, eval.jsonl).")
    var corpora: String = "corpora"

    @Option(help: "Keep the run's SQLite database at this path (a new file) to read the transcripts afterwards; default: a temporary file.")
    var database: String?

    @Option(help: "Threads per query embedding in the server (default: as `serve`, half the cores, 1–4).")
    var embedThreads: Int?

    @Option(help: """
        PostgreSQL, postgres://user[:password]@host[:port]/db: an EMPTY database (the bench refuses any other) on \
        a server where this role may CREATE DATABASE. The servers then run as `frontdesk serve` processes.
        """)
    var databaseURL: String?

    @Option(help: "`frontdesk serve` processes on PostgreSQL (with --database-url); a call's turns alternate between them.")
    var nodes: Int = 1

    @Flag(inversion: .prefixedNo, help: """
        With --database-url: SQLite (one process, the anchor), PostgreSQL 1 node and PostgreSQL --nodes nodes in \
        one run, each on a fresh frontdesk_bench_* database made on that server and dropped after. \
        --no-compare: only --nodes nodes, on the --database-url database itself.
        """)
    var compare = true

    @Option(help: "PostgreSQL connections per node (FRONTDESK_DATABASE_POOL; default: the server's, 20).")
    var databasePool: Int?

    static let targetP95 = 25.0
    static let targetP99 = 50.0

    /// `--turns` as min and max.
    func turnRange() throws -> (min: Int, max: Int) {
        let parts = turns.split(separator: "-").compactMap { Int($0) }
        guard let minTurns = parts.first, let maxTurns = parts.last, parts.count <= 2, 2 <= minTurns, minTurns <= maxTurns else {
            throw ValidationError("--turns is min-max, for example 8-10 (at least 2)")
        }
        return (minTurns, maxTurns)
    }

    /// `--calls` (or `defaults`), checked with --think-ms and --rounds.
    func levels(default defaults: String) throws -> [Int] {
        let levels = (calls ?? defaults).split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 > 0 }
        guard !levels.isEmpty, thinkMs >= 0, rounds >= 1 else { throw ValidationError("--calls, --think-ms or --rounds is out of range") }
        return levels
    }

    func run() async throws {
        if let databaseURL {
            try await runNodes(databaseURL: databaseURL)
            return
        }
        guard nodes == 1 else { throw ValidationError("--nodes needs --database-url: several nodes share one PostgreSQL database") }
        let (minTurns, maxTurns) = try turnRange()
        let levels = try levels(default: "10,100")
        let corporaURL = URL(fileURLWithPath: corpora, isDirectory: true).standardizedFileURL
        let businesses = try BenchBusiness.load(from: corporaURL)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var config = AppConfig()
        config.modelDirectory = model.resolvedDirectory.path
        if let database, FileManager.default.fileExists(atPath: database) {
            throw ValidationError("--database \(database) exists already; the benchmark starts from an empty database")
        }
        config.databasePath = database ?? directory.appendingPathComponent("bench.sqlite").path
        config.adminKey = "bench-admin-key-0123456789"
        config.demoCorporaDirectory = corporaURL.path
        if let embedThreads {
            guard (1...64).contains(embedThreads) else { throw ValidationError("--embed-threads must be 1–64") }
            config.embedThreads = embedThreads
        }

        // 1. The anchor: one question embedded alone, with the server's query setting, before any load.
        _ = BLASThreads.set(1)
        let embedP50 = try singleQueryMilliseconds(questions: businesses.flatMap(\.questions), threads: config.embedThreads)

        // 2. The server, on a port chosen first: the public URL Twilio signs must carry it.
        let port = try Self.freePort()
        config.port = port
        config.publicBaseURL = "http://127.0.0.1:\(port)"
        config.twilioAuthToken = (0..<4).map { _ in String(format: "%08x", UInt32.random(in: .min ... .max)) }.joined()
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let listening = ReadyFlag()
        let app = try await buildApplication(config, logger: logger) { line in
            if line.hasPrefix("FrontDesk listening") { listening.set() }
        }
        let server = Task { try await app.run() }
        defer { server.cancel() }
        // The sample businesses load (and embed their knowledge) before the server listens.
        try await listening.wait(seconds: 300)
        let repository = GRDBCallRepository(database: try AppDatabase(path: config.databasePath))
        let client = WebhookClient(baseURL: config.publicBaseURL!, authToken: config.twilioAuthToken!, maxConnections: 2 * levels.max()! + 8)

        print("""
            \(BenchMachine.line())
            server: in this process (SQLite at a temporary file)
            calls: \(businesses.map(\.slug).joined(separator: ", ")); \(minTurns)–\(maxTurns) turns per call; \
            \(thinkMs == 0 ? "think 0 ms (stress: no pause between turns)" : "think \(thinkMs) ms (0.5–1.5×) between turns, starts spread over one think time"); \
            \(rounds) call(s) per slot; seed \(seed); client: URLSession in this process
            embedder alone (server's query setting, \(config.embedThreads) threads): single-query p50 \(Self.ms(embedP50)) over 200 queries
            """)
        var rows: [[String]] = []
        var splitRows: [[String]] = []
        var verdicts: [String] = []
        var profile: [String] = []
        for level in levels {
            let before = try await client.metrics()
            let start = Date()
            let run = await runLevel(level, businesses: businesses, minTurns: minTurns, maxTurns: maxTurns, clients: [client])
            let end = Date()
            let after = try await client.metrics()
            let turns = try await repository.receptionistTurnLatencies(from: start, to: end)
            let server = turns.map(\.milliseconds).sorted()
            let questions = turns.filter(\.isQuestion).map(\.milliseconds).sorted()
            let others = turns.filter { !$0.isQuestion }.map(\.milliseconds).sorted()
            let client = run.latencies.sorted()
            let committedMean = after.mean("frontdesk_call_turn_duration_seconds", since: before).mean * 1000
            let gathers = turns.filter { $0.event != "started" }.map(\.milliseconds)
            let gatherMean = gathers.reduce(0, +) / Double(max(1, gathers.count))
            let pass = after.mean("frontdesk_embedder_duration_seconds", label: "embed-queries", since: before)
            let batch = after.mean("frontdesk_embedder_batch_size", label: "embed-queries", since: before)
            profile.append(String(format: "%d calls: a gather takes %.1f ms on average to its stored reply = %.1f ms to the reply "
                                  + "(latency_ms) + %.1f ms writing and committing it; query embeddings: %.0f passes of %.2f texts, "
                                  + "%.1f ms each", level, committedMean, gatherMean, committedMean - gatherMean, pass.count,
                                  batch.mean, pass.mean * 1000))
            let p95 = Self.percentile(server, 0.95), p99 = Self.percentile(server, 0.99)
            rows.append(["\(level)", "\(thinkMs) ms", "\(run.turns)", "\(run.errors)",
                         formatRate(Double(run.turns) / end.timeIntervalSince(start)),
                         Self.ms(Self.percentile(client, 0.5)), Self.ms(Self.percentile(client, 0.95)), Self.ms(Self.percentile(client, 0.99)),
                         Self.ms(Self.percentile(server, 0.5)), Self.ms(p95), Self.ms(p99), Self.ms(committedMean)])
            splitRows.append(["\(level)", "\(questions.count)", Self.ms(Self.percentile(questions, 0.5)),
                              Self.ms(Self.percentile(questions, 0.95)), Self.ms(Self.percentile(questions, 0.99)),
                              "\(others.count)", Self.ms(Self.percentile(others, 0.5)), Self.ms(Self.percentile(others, 0.95)),
                              Self.ms(Self.percentile(others, 0.99)),
                              String(format: "%.1f×", Self.percentile(server, 0.5) / embedP50)])
            func verdict(_ pass: Bool) -> String { pass ? "PASS" : "MISS" }
            verdicts.append("\(level) calls: server p95 \(Self.ms(p95)) ≤ 25 ms \(verdict(p95 <= Self.targetP95)), "
                            + "p99 \(Self.ms(p99)) ≤ 50 ms \(verdict(p99 <= Self.targetP99)), "
                            + "\(run.errors) errors \(verdict(run.errors == 0))"
                            + (server.count == run.turns ? "" : " (server rows \(server.count) ≠ turns \(run.turns))"))
            if let first = run.firstError { verdicts.append("  first error: \(first)") }
        }
        print("\nturns = /twilio/voice + /twilio/gather; server = call_turns.latency_ms (arrival to reply, before the commit); "
              + "mean incl. commit from /metrics")
        printTable(["calls", "think", "turns", "errors", "turns/s", "client p50", "p95", "p99",
                    "server p50", "p95", "p99", "mean incl. commit"], rows)
        print("\nserver latency by turn: questions (answered or declined: embedding + search) and the rest; "
              + "last column: server p50 / embedder single-query p50")
        printTable(["calls", "questions", "p50", "p95", "p99", "others", "p50", "p95", "p99", "p50 / embed"], splitRows)
        print("\nwhere the time goes (means from /metrics):")
        profile.forEach { print($0) }
        print("\ntargets (server-side): p95 ≤ 25 ms, p99 ≤ 50 ms, 0 errors")
        verdicts.forEach { print($0) }
    }

    // MARK: - One level

    struct LevelRun {
        var turns = 0
        var errors = 0
        var latencies: [Double] = []
        var firstError: String?
        /// Turns sent to each node (index as in `clients`).
        var turnsPerNode: [Int]

        init(nodes: Int) { turnsPerNode = Array(repeating: 0, count: nodes) }
    }

    /// `level` slots, each making `rounds` calls one after another; the calls rotate over the businesses. With
    /// several clients (one per node) a call's webhooks go round-robin over them, call k starting at node k mod n,
    /// so the turns of one call alternate between the nodes.
    func runLevel(_ level: Int, businesses: [BenchBusiness], minTurns: Int, maxTurns: Int,
                  clients: [WebhookClient]) async -> LevelRun {
        let runID = UUID().uuidString.prefix(8).lowercased()
        return await withTaskGroup(of: LevelRun.self) { group in
            for slot in 0..<level {
                group.addTask {
                    var rng = SplitMix64(seed: seed &+ UInt64(level) &* 0x1_0000_0001 &+ UInt64(slot) &* 7919)
                    var result = LevelRun(nodes: clients.count)
                    if thinkMs > 0 {
                        try? await Task.sleep(for: .milliseconds(Int.random(in: 0..<thinkMs, using: &rng)))
                    }
                    for round in 0..<rounds {
                        let callIndex = round * level + slot
                        let script = SimulatedCallScript.make(
                            business: businesses[callIndex % businesses.count],
                            turns: Int.random(in: minTurns...maxTurns, using: &rng),
                            sid: "CAbench\(runID)l\(level)c\(callIndex)", rng: &rng)
                        await run(script, clients: clients, firstNode: callIndex % clients.count, rng: &rng, into: &result)
                    }
                    return result
                }
            }
            return await group.reduce(into: LevelRun(nodes: clients.count)) { total, part in
                total.turns += part.turns
                for node in part.turnsPerNode.indices { total.turnsPerNode[node] += part.turnsPerNode[node] }
                total.errors += part.errors
                total.latencies += part.latencies
                total.firstError = total.firstError ?? part.firstError
            }
        }
    }

    private func run(_ script: SimulatedCallScript, clients: [WebhookClient], firstNode: Int, rng: inout SplitMix64,
                     into result: inout LevelRun) async {
        let base: FormParameters = [
            "AccountSid": "AC00000000000000000000000000000000", "CallSid": script.sid, "From": script.from,
            "To": script.to, "Caller": script.from, "Called": script.to, "Direction": "inbound",
        ]
        var token = 0
        func post(_ path: String, _ extra: FormParameters) async -> Bool {
            let node = (firstNode + token) % clients.count
            token += 1
            var parameters = base
            for field in extra.fields { parameters.append(name: field.name, value: field.value) }
            if path != "/twilio/call-status" { result.turnsPerNode[node] += 1 }
            let outcome = await clients[node].post(path, parameters, idempotencyToken: "\(script.sid)-\(token)")
            if let error = outcome.error {
                result.errors += 1
                result.firstError = result.firstError ?? "\(path): \(error)"
                return false
            }
            if path != "/twilio/call-status" { result.latencies.append(outcome.milliseconds) }
            return true
        }
        for (index, step) in script.steps.enumerated() {
            if index > 0, thinkMs > 0 {
                try? await Task.sleep(for: .milliseconds(Int(Double(thinkMs) * Double.random(in: 0.5..<1.5, using: &rng))))
            }
            let ok: Bool
            switch step {
            case .answer:
                ok = await post("/twilio/voice", ["CallStatus": "ringing"])
            case .say(let words):
                ok = await post("/twilio/gather", ["CallStatus": "in-progress", "SpeechResult": words,
                                                   "Confidence": String(format: "%.2f", Double.random(in: 0.82...0.97, using: &rng))])
            case .silence:
                ok = await post("/twilio/gather", ["CallStatus": "in-progress"])
            }
            result.turns += 1
            if !ok, step == .answer { return }
        }
        _ = await post("/twilio/call-status", ["CallStatus": "completed", "CallDuration": "\(script.steps.count * 8)"])
    }

    // MARK: - Helpers

    /// p50 of 200 single-question embeddings, in ms.
    private func singleQueryMilliseconds(questions: [String], threads: Int) throws -> Double {
        let embedder = try model.loadEmbedder().withThreads(threads)
        for question in questions.prefix(10) { _ = try embedder.embed([question]) }  // warm-up
        var times: [Double] = []
        for i in 0..<200 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = try embedder.embed([questions[i % questions.count]])
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        return Self.percentile(times.sorted(), 0.5)
    }

    /// Nearest-rank percentile of sorted values (nan when empty).
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        return sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
    }

    static func ms(_ value: Double) -> String {
        value.isNaN ? "-" : value >= 100 ? String(format: "%.0f ms", value) : String(format: "%.1f ms", value)
    }

    /// A TCP port that is free now: bind port 0 on 127.0.0.1, read the port, close.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ValidationError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw ValidationError("could not bind a free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
