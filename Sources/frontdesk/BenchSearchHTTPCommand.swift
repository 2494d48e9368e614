import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import Logging
import Server
import VectorIndex

struct BenchSearchHTTPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search-http",
        abstract: "POST /v1/knowledge/search over HTTP against a 10,000-chunk business with 1, 8 and 32 concurrent clients.",
        discussion: """
            Starts the real application on 127.0.0.1 (a temporary database), loads a business whose chunks are \
            SciFact sentences (their MiniLM vectors stored directly, so loading takes seconds), then sends the \
            SciFact queries in hybrid mode. Prints searches/s and p50/p95/p99 latency per concurrency, and the \
            ratio of the 32-client rate to the embedder's own batch-32 rate (target ≥ 0.8×: concurrent searches \
            share the embedder in micro-batches).
            """
    )

    @OptionGroup var model: ModelOptions
    @OptionGroup var bench: BenchDataOptions

    @Option(help: "Chunks in the business.")
    var chunks: Int = 10_000

    @Option(help: "Comma-separated client counts.")
    var clients: String = "1,8,32"

    @Option(help: "Requests per client count.")
    var requests: Int = 1_000

    @Option(help: "Search mode: hybrid, dense or keyword.")
    var mode: String = "hybrid"

    @Option(help: "Load generator: wrk (a separate process, 10 s per run), urlsession (in this process, sharing its cores), or auto (wrk when installed).")
    var client: String = "auto"

    func run() async throws {
        let scifact = try SciFact(directory: bench.scifactURL)
        let sentences = Array(scifact.sentences.prefix(chunks))
        guard sentences.count == chunks else { throw ValidationError("SciFact has only \(sentences.count) sentences") }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        // 1. The business, written straight into the database with vectors from our own embedder.
        let embedder = try model.loadEmbedder()
        var config = AppConfig()
        config.port = 0
        config.modelDirectory = model.resolvedDirectory.path
        config.databasePath = directory.appendingPathComponent("bench.sqlite").path
        config.adminKey = "bench-admin-key-0123456789"
        let key = try await loadBusiness(sentences: sentences, embedder: embedder, databasePath: config.databasePath)

        // 2. The embedder's own batch-32 rate on these queries, with the server's query-queue setting.
        _ = BLASThreads.set(1)
        let queries = scifact.queries.map(\.text)
        let queryEmbedder = embedder.withThreads(config.embedThreads)
        let batches = stride(from: 0, to: queries.count, by: 32).map { Array(queries[$0..<min($0 + 32, queries.count)]) }
        _ = try queryEmbedder.embed(batches[0])
        let embedRate = Double(queries.count) / (try Stopwatch.best(of: 3) { for b in batches { _ = try queryEmbedder.embed(b) } })

        // 3. The server, on a free port.
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let port = PortBox()
        let app = try await buildApplication(config, logger: logger) { line in
            if let range = line.range(of: #":(\d+)$"#, options: .regularExpression) { port.set(Int(line[range].dropFirst())!) }
        }
        let server = Task { try await app.run() }
        defer { server.cancel() }
        let listening = try await port.wait()
        let url = URL(string: "http://127.0.0.1:\(listening)/v1/knowledge/search")!
        let session = URLSession(configuration: .ephemeral)

        let wrk = ["/usr/bin/wrk", "/usr/local/bin/wrk"].first { FileManager.default.isExecutableFile(atPath: $0) }
        if client == "wrk" || (client == "auto" && wrk != nil) {
            guard let wrk else { throw ValidationError("wrk is not installed (apt-get install wrk)") }
            print("search over HTTP: \(chunks) chunks, mode \(mode), load from wrk (10 s per run); embedder alone: \(formatRate(embedRate)) queries/s at batch 32")
            try runWRK(wrk, port: listening, key: key, queries: queries, directory: directory, embedRate: embedRate)
            return
        }
        print("search over HTTP: \(chunks) chunks, \(requests) requests per run, mode \(mode), load from URLSession in this process; embedder alone: \(formatRate(embedRate)) queries/s at batch 32")
        var rows: [[String]] = []
        var rateAt32: Double?
        for clientCount in clients.split(separator: ",").compactMap({ Int($0) }) {
            _ = try await search(session, url, key: key, query: queries[0])  // warm-up
            let counter = RequestCounter(total: requests)
            let start = DispatchTime.now().uptimeNanoseconds
            let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
                for _ in 0..<clientCount {
                    group.addTask {
                        var mine: [Double] = []
                        while let n = counter.next() {
                            let t0 = DispatchTime.now().uptimeNanoseconds
                            _ = try await search(session, url, key: key, query: queries[n % queries.count])
                            mine.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: [Double]()) { $0 += $1 }.sorted()
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let rate = Double(latencies.count) / seconds
            if clientCount == 32 { rateAt32 = rate }
            func percentile(_ p: Double) -> String { String(format: "%.1f ms", latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]) }
            rows.append(["\(clientCount)", formatRate(rate), percentile(0.5), percentile(0.95), percentile(0.99)])
        }
        printTable(["clients", "searches/s", "p50", "p95", "p99"], rows)
        if let rateAt32 {
            print(String(format: "32 clients: %.2f× the embedder's own batch-32 rate (target ≥ 0.80×)", rateAt32 / embedRate))
        }
    }

    /// Drives the server with wrk (one thread, n connections, 10 s) and reads its summary.
    private func runWRK(_ wrk: String, port: Int, key: String, queries: [String], directory: URL, embedRate: Double) throws {
        // Bodies in Lua long brackets: no escaping needed for any query text.
        let bodies = try queries.map { query -> String in
            let body = String(decoding: try JSONSerialization.data(withJSONObject: ["query": query, "k": 5, "mode": mode]), as: UTF8.self)
            return "  [==[\(body)]==],"
        }
        let script = directory.appendingPathComponent("search.lua")
        try """
            local bodies = {
            \(bodies.joined(separator: "\n"))
            }
            local i = 0
            request = function()
              i = i + 1
              return wrk.format("POST", "/v1/knowledge/search", {["X-API-Key"] = "\(key)", ["Content-Type"] = "application/json"}, bodies[(i % #bodies) + 1])
            end
            """.write(to: script, atomically: true, encoding: .utf8)
        var rows: [[String]] = []
        var rateAt32: Double?
        for clientCount in clients.split(separator: ",").compactMap({ Int($0) }) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: wrk)
            process.arguments = ["-t1", "-c\(clientCount)", "-d10s", "--latency", "-s", script.path, "http://127.0.0.1:\(port)"]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            func field(_ prefix: String) -> String {
                output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                    .first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces) } ?? "-"
            }
            if output.contains("Non-2xx") { throw ValidationError("wrk saw error responses:\n\(output)") }
            let rate = Double(field("Requests/sec:")) ?? 0
            if clientCount == 32 { rateAt32 = rate }
            rows.append(["\(clientCount)", formatRate(rate), field("50%"), field("90%"), field("99%")])
        }
        printTable(["clients", "searches/s", "p50", "p90", "p99"], rows)
        if let rateAt32 {
            print(String(format: "32 clients: %.2f× the embedder's own batch-32 rate (target ≥ 0.80×)", rateAt32 / embedRate))
        }
    }

    private func search(_ session: URLSession, _ url: URL, key: String, query: String) async throws -> Int {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue(key, forHTTPHeaderField: "X-API-Key")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: ["query": query, "k": 5, "mode": mode])
        let (_, response) = try await session.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else { throw ValidationError("search answered HTTP \(status)") }
        return status
    }

    private func loadBusiness(sentences: [String], embedder: MiniLMEmbedder, databasePath: String) async throws -> String {
        let database = try AppDatabase(path: databasePath)
        defer { try? database.close() }
        let business = try await GRDBBusinessRepository(database: database)
            .create(NewBusiness(slug: "bench", name: "Benchmark Clinic", timeZone: "Europe/London"))
        let cache = bench.dataURL.appendingPathComponent("sentences-search-http-\(sentences.count).f32")
        var vectors = (try? Float32File.read(cache)) ?? []
        if vectors.count != sentences.count * embedder.dimension {
            vectors = []
            var progress = ProgressBar(label: "embedding \(sentences.count) chunks", total: sentences.count)
            for start in stride(from: 0, to: sentences.count, by: 256) {
                let batch = Array(sentences[start..<min(start + 256, sentences.count)])
                for v in try embedder.embed(batch) { vectors += v }
                progress.update(start + batch.count)
            }
            try FileManager.default.createDirectory(at: bench.dataURL, withIntermediateDirectories: true)
            try Float32File.write(vectors, to: cache)
        }
        let d = embedder.dimension
        let items = sentences.enumerated().map { i, text in
            KnowledgeImportItem(
                entry: KnowledgeEntry(businessId: business.id, title: "Finding \(i)", content: text, category: i % 2 == 0 ? "even" : "odd"),
                chunks: [KnowledgeChunkInput(ordinal: 0, text: "Finding \(i)\n" + text, body: text,
                                             embedding: Array(vectors[i * d..<(i + 1) * d]))])
        }
        _ = try await GRDBKnowledgeRepository(database: database).importAll(businessId: business.id, items)
        return try await GRDBAPIKeyRepository(database: database).rotate(businessId: business.id)
    }
}

/// Hands out request numbers to the client tasks until the total is reached.
final class RequestCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var issued = 0
    let total: Int
    init(total: Int) { self.total = total }
    func next() -> Int? {
        lock.withLock {
            guard issued < total else { return nil }
            issued += 1
            return issued - 1
        }
    }
}

/// The port the server reports once it listens.
final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var port: Int?
    func set(_ value: Int) { lock.withLock { port = value } }
    func wait() async throws -> Int {
        for _ in 0..<600 {
            if let port = lock.withLock({ port }) { return port }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ValidationError("the server did not start within 30 s")
    }
}
