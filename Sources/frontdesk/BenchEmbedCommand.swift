import ArgumentParser
import Foundation
import VectorIndex

struct BenchEmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embedder throughput: ~10-token queries at batch 1 and 32, 128-token passages at batch 32, BLAS threads 1 and 2.",
        discussion: """
            Texts come from <data>/queries.txt and <data>/passages.txt (written by scripts/bench_anchors.py texts, \
            so ONNX Runtime embeds exactly the same ones); without them they are picked from SciFact with the same rule. \
            With <data>/ort.json present, ratios against ONNX Runtime are printed.
            """
    )

    @OptionGroup var model: ModelOptions
    @OptionGroup var bench: BenchDataOptions

    @Option(help: "Comma-separated thread counts to measure (model threads over single-threaded OpenBLAS).")
    var threads: String = "1,2"

    @Option(help: "GEMM for the model's projections: blas (cblas_sgemm) or tiled (Swift AVX-512); default: the model's.")
    var kernel: ProjectionKernelOption?

    @Flag(help: "Also measure OpenBLAS's own threads (model at 1 thread) for comparison.")
    var blasThreads = false

    func run() throws {
        var weights = try MiniLMEmbedder.loadModel(directory: model.resolvedDirectory)
        if let kernel { weights.projectionKernel = kernel.value }
        let vocab = model.resolvedDirectory.appendingPathComponent("vocab.txt")
        let queryEmbedder = MiniLMEmbedder(tokenizer: try WordPieceTokenizer(vocabularyFile: vocab, maxLength: 256), model: weights)
        let passageEmbedder = MiniLMEmbedder(tokenizer: try WordPieceTokenizer(vocabularyFile: vocab, maxLength: 128), model: weights)
        let (queries, passages) = try loadTexts(tokenizer: try WordPieceTokenizer(vocabularyFile: vocab, maxLength: 512))
        let meanTokens = Double(queries.map { queryEmbedder.tokenCount($0) }.reduce(0, +)) / Double(queries.count)
        print("embedder: all-MiniLM-L6-v2 (\(weights.projectionKernel) projections), \(queries.count) queries (mean \(String(format: "%.1f", meanTokens)) tokens), \(passages.count) passages (128 tokens)")

        let anchor = readAnchor(bench.dataURL.appendingPathComponent("ort.json"))
        var rows: [[String]] = []
        // Settings: "n" = n model threads over 1-thread OpenBLAS (what `serve` uses); "n (BLAS)" = OpenBLAS's own
        // n threads under a 1-thread model, for comparison.
        var settings = threads.split(separator: ",").compactMap { Int($0) }.map { (label: "\($0)", model: $0, blas: 1) }
        if blasThreads { settings.append((label: "2 (BLAS)", model: 1, blas: 2)) }
        for setting in settings {
            guard BLASThreads.set(setting.blas) else {
                print("note: this BLAS cannot set its thread count; skipping \(setting.label)")
                continue
            }
            let (q, p) = (queryEmbedder.withThreads(setting.model), passageEmbedder.withThreads(setting.model))
            let workloads: [(name: String, key: String, rate: Double, target: Double)] = [
                ("queries, batch 1", "queries_b1", try rate(q, Array(queries.prefix(96)), batch: 1, runs: 3), 1.5),
                ("queries, batch 32", "queries_b32", try rate(q, queries, batch: 32, runs: 3), 1.15),
                ("passages, batch 32", "passages_b32", try rate(p, Array(passages.prefix(96)), batch: 32, runs: 2), 1.15),
            ]
            let anchorThreads = min(setting.model * setting.blas, 2)
            for w in workloads {
                let ort = anchor?["\(w.key)_t\(anchorThreads)"] as? Double
                rows.append([w.name, setting.label, formatRate(w.rate), ort.map(formatRate) ?? "-",
                             ort.map { String(format: "%.2f×", w.rate / $0) } ?? "-",
                             setting.label == "2" ? String(format: "≥ %.2f×", w.target) : ""])
            }
        }
        printTable(["workload", "threads", "frontdesk/s", "onnxruntime/s", "ratio", "target"], rows)
        if anchor == nil { print("(no \(bench.data)/ort.json: run `make bench` for the ONNX Runtime anchor)") }
    }

    private func rate(_ embedder: MiniLMEmbedder, _ texts: [String], batch: Int, runs: Int) throws -> Double {
        let chunks = stride(from: 0, to: texts.count, by: batch).map { Array(texts[$0..<min($0 + batch, texts.count)]) }
        _ = try embedder.embed(chunks[0])  // warm-up: page in the weights, size the scratch buffers
        let seconds = try Stopwatch.best(of: runs) {
            for chunk in chunks { _ = try embedder.embed(chunk) }
        }
        return Double(texts.count) / seconds
    }

    /// The anchor's texts when present, else the same selection rule applied with our tokenizer.
    private func loadTexts(tokenizer: WordPieceTokenizer) throws -> ([String], [String]) {
        let q = bench.dataURL.appendingPathComponent("queries.txt")
        let p = bench.dataURL.appendingPathComponent("passages.txt")
        if let queries = try? String(contentsOf: q, encoding: .utf8), let passages = try? String(contentsOf: p, encoding: .utf8) {
            return (queries.split(separator: "\n").map(String.init), passages.split(separator: "\n").map(String.init))
        }
        let scifact = try SciFact(directory: bench.scifactURL)
        var short = scifact.queries.map(\.text).filter { (8...12).contains(tokenizer.encode($0).count) }
        while short.count < 320 { short += short }
        let passages = scifact.documents.lazy
            .map { ($0.title + ". " + $0.text).replacingOccurrences(of: "\n", with: " ") }
            .filter { tokenizer.encode($0).count >= 128 }
            .prefix(192)
        return (Array(short.prefix(320)), Array(passages))
    }
}

enum ProjectionKernelOption: String, ExpressibleByArgument, CaseIterable {
    case blas, tiled

    var value: BertModel.ProjectionKernel {
        switch self {
        case .blas: .blas
        case .tiled: .tiled
        }
    }
}
