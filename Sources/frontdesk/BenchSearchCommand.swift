import ArgumentParser
import Foundation
import VectorIndex

struct BenchSearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Exact search at N = 10,000 and 100,000 (d = 384, 1,000 queries, k = 10): single and batched, recall vs brute force, memory.",
        discussion: """
            Vectors are real MiniLM embeddings of SciFact sentences (cached in <data>/sentences.f32); past the \
            real ones, N = 100,000 is filled with normalised mixtures of two real vectors plus noise. Queries are the \
            300 SciFact queries plus held-out sentences. --prepare only writes <data>/vectors-N.f32 and \
            <data>/queries.f32 for the FAISS anchor; with <data>/faiss-N.json present, ratios are printed.
            """
    )

    @OptionGroup var model: ModelOptions
    @OptionGroup var bench: BenchDataOptions

    @Option(help: "Comma-separated index sizes.")
    var sizes: String = "10000,100000"

    @Option(help: "Number of queries.")
    var queries: Int = 1000

    @Option(name: .short, help: "Results per query.")
    var k: Int = 10

    @Flag(help: "Only write the vectors and queries for the anchor, then stop.")
    var prepare = false

    private var sizeList: [Int] { sizes.split(separator: ",").compactMap { Int($0) } }

    func run() throws {
        try FileManager.default.createDirectory(at: bench.dataURL, withIntermediateDirectories: true)
        let queryFile = bench.dataURL.appendingPathComponent("queries.f32")
        let dimension = 384
        if prepare || !FileManager.default.fileExists(atPath: queryFile.path) {
            try writeVectors(dimension: dimension)
            if prepare { return }
        }
        let queryMatrix = try Float32File.read(queryFile)
        let queryVectors = (0..<(queryMatrix.count / dimension)).map { Array(queryMatrix[$0 * dimension..<($0 + 1) * dimension]) }

        var rows: [[String]] = []
        for n in sizeList {
            let vectors = try Float32File.read(bench.dataURL.appendingPathComponent("vectors-\(n).f32"))
            let index = FlatIndex(dimension: dimension)
            let buildSeconds = try Stopwatch.seconds {
                try index.upsert((0..<n).map { ("v\($0)", Array(vectors[$0 * dimension..<($0 + 1) * dimension]), nil as String?) })
            }
            let rawBytes = Double(n * dimension * MemoryLayout<Float>.size)
            let anchor = readAnchor(bench.dataURL.appendingPathComponent("faiss-\(n).json"))

            // Single queries use both cores once the matrix is past 4 MiB (FlatIndex.parallelScanFloats).
            var single: [ScanKernel: Double] = [:]
            for kernel in ScanKernel.allCases {
                _ = try index.search(queryVectors[0], k: k, kernel: kernel)
                single[kernel] = try Stopwatch.best(of: 2) {
                    for q in queryVectors { _ = try index.search(q, k: k, kernel: kernel) }
                } / Double(queryVectors.count) * 1000
            }
            var batch: [BatchKernel: Double] = [:]
            var batchResults: [[SearchHit]] = []
            for kernel in BatchKernel.allCases {
                _ = try index.search(batch: Array(queryVectors.prefix(64)), k: k, kernel: kernel)
                batch[kernel] = Double(queryVectors.count) / (try Stopwatch.best(of: 3) {
                    batchResults = try index.search(batch: queryVectors, k: k, kernel: kernel)
                })
            }
            batchResults = try index.search(batch: queryVectors, k: k)

            // Recall@k of the fast paths against the naive full-sort scan.
            var found = 0, total = 0
            for (qi, q) in queryVectors.prefix(100).enumerated() {
                let truth = Set(try index.bruteForceSearch(q, k: k).map(\.id))
                let fast = try index.search(q, k: k)
                found += fast.filter { truth.contains($0.id) }.count + batchResults[qi].filter { truth.contains($0.id) }.count
                total += 2 * truth.count
            }
            // Agreement with FAISS's own top ids (rows are added in the same order, so id v<i> = FAISS row i).
            var faissAgreement = "-"
            if let top = anchor?["top_ids"] as? [[Int]] {
                var same = 0, all = 0
                for (qi, ids) in top.enumerated() {
                    let ours = Set(batchResults[qi].map(\.id))
                    same += ids.filter { ours.contains("v\($0)") }.count
                    all += ids.count
                }
                faissAgreement = String(format: "%.3f", Double(same) / Double(max(1, all)))
            }
            let faissSingle = anchor?["single_ms_1thread"] as? Double
            let faissBatch = anchor?["batch_qps_2threads"] as? Double
            print("N=\(n): built in \(String(format: "%.2f", buildSeconds)) s; memory \(String(format: "%.3f", Double(index.memoryFootprintBytes) / rawBytes))× raw vector bytes (target ≤ 1.10×); recall@\(k) vs brute force \(String(format: "%.4f", Double(found) / Double(total))); top-\(k) agreement with FAISS \(faissAgreement)")
            for kernel in ScanKernel.allCases {
                let ms = single[kernel]!
                rows.append(["N=\(n) single query, \(kernel)", String(format: "%.3f ms", ms),
                             faissSingle.map { String(format: "%.3f ms (1 thread)", $0) } ?? "-",
                             faissSingle.map { String(format: "%.2f×", $0 / ms) } ?? "-", kernel == .simd ? "≥ 1.0×" : ""])
            }
            for kernel in BatchKernel.allCases {
                let qps = batch[kernel]!
                rows.append(["N=\(n) batch of \(queryVectors.count), \(kernel)", "\(formatRate(qps)) q/s",
                             faissBatch.map { "\(formatRate($0)) q/s (2 threads)" } ?? "-",
                             faissBatch.map { String(format: "%.2f×", qps / $0) } ?? "-", kernel == .simd ? "≥ 1.0×" : ""])
            }
        }
        printTable(["workload (2 cores)", "frontdesk", "faiss IndexFlatIP", "ratio", "target"], rows)
    }

    /// Embeds SciFact sentences (cached), then writes vectors-N.f32 for every N and queries.f32.
    private func writeVectors(dimension: Int) throws {
        let scifact = try SciFact(directory: bench.scifactURL)
        let sentences = scifact.sentences
        let heldOut = max(0, queries - scifact.queries.count)
        let embedder = try model.loadEmbedder()
        let cache = bench.dataURL.appendingPathComponent("sentences-\(sentences.count).f32")
        var sentenceVectors: [Float]
        if let cached = try? Float32File.read(cache), cached.count == sentences.count * dimension {
            sentenceVectors = cached
        } else {
            sentenceVectors = []
            sentenceVectors.reserveCapacity(sentences.count * dimension)
            var progress = ProgressBar(label: "embedding \(sentences.count) SciFact sentences", total: sentences.count)
            for start in stride(from: 0, to: sentences.count, by: 256) {
                let batch = Array(sentences[start..<min(start + 256, sentences.count)])
                for v in try embedder.embed(batch) { sentenceVectors += v }
                progress.update(start + batch.count)
            }
            try Float32File.write(sentenceVectors, to: cache)
        }
        // Held-out sentences (the last ones) become queries and are never indexed.
        let indexable = sentences.count - heldOut
        var queryMatrix: [Float] = []
        for v in try embedder.embed(scifact.queries.map(\.text)).prefix(queries) { queryMatrix += v }
        queryMatrix += sentenceVectors[(indexable * dimension)..<(sentences.count * dimension)]
        try Float32File.write(Array(queryMatrix.prefix(queries * dimension)), to: bench.dataURL.appendingPathComponent("queries.f32"))

        var rng = SplitMix64(seed: 0x5EED_F00D)
        for n in sizeList {
            var matrix = Array(sentenceVectors[0..<(min(n, indexable) * dimension)])
            matrix.reserveCapacity(n * dimension)
            while matrix.count < n * dimension {
                let a = Int(rng.next() % UInt64(indexable)), b = Int(rng.next() % UInt64(indexable))
                var v = (0..<dimension).map { sentenceVectors[a * dimension + $0] + 0.5 * sentenceVectors[b * dimension + $0] + 0.02 * rng.nextGaussian() }
                let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                for i in v.indices { v[i] /= norm }
                matrix += v
            }
            try Float32File.write(matrix, to: bench.dataURL.appendingPathComponent("vectors-\(n).f32"))
        }
        let meta: [String: Any] = ["dimension": dimension, "sizes": sizeList, "k": k, "queries": queries,
                                   "real_vectors": indexable]
        try JSONSerialization.data(withJSONObject: meta, options: .sortedKeys)
            .write(to: bench.dataURL.appendingPathComponent("search-meta.json"))
        print("wrote \(sizeList.map(String.init).joined(separator: ", ")) vectors (\(indexable) real SciFact sentence embeddings) and \(queries) queries to \(bench.data)")
    }
}

extension SplitMix64 {
    /// A standard normal sample (Box–Muller), for synthetic benchmark vectors.
    mutating func nextGaussian() -> Float {
        let u1 = max(unit(), 1e-12), u2 = unit()
        return Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
    }
}
