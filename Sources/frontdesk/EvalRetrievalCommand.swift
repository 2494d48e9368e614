import ArgumentParser
import Foundation
import Server
import VectorIndex

struct EvalRetrievalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieval",
        abstract: "nDCG@10, recall@10 and hit@1 of dense, keyword and hybrid knowledge search on a BEIR folder.",
        discussion: """
            Every document becomes one knowledge entry (one chunk, "title. text") in a temporary database, \
            embedded with MiniLM and imported through the knowledge repository; dense search is FlatIndex, \
            keyword search is the business's own in-memory BM25 index (KeywordIndex), hybrid fuses the two. \
            Only queries with judgements in qrels.tsv are scored. --sweep also scores every fusion setting in \
            docs/retrieval.md from the same candidates.
            """
    )

    @Option(help: "BEIR folder with corpus.jsonl, queries.jsonl and qrels.tsv.")
    var dataset: String

    @OptionGroup var model: ModelOptions

    @Option(help: "Comma-separated modes: dense, keyword, hybrid.")
    var modes: String = "dense,keyword,hybrid"

    @Option(help: "Hybrid fusion: rrf, rrf:K or weighted:W (dense weight W in [0, 1]).")
    var fusion: String = HybridFusion.defaultMethod.description

    @Option(help: "Candidates taken from each of dense and keyword search before fusing (1...500).")
    var depth: Int = HybridFusion.defaultCandidateDepth

    @Option(help: "Import into this empty PostgreSQL database instead of a temporary SQLite file (env FRONTDESK_DATABASE_URL is not read: name it here).")
    var databaseURL: String?

    @Option(help: "Score only the first N judged queries.")
    var limitQueries: Int?

    @Flag(help: "Also score RRF k ∈ {10, 30, 60} and weighted w ∈ {0.3…0.8} at depths 50, 100 and 200.")
    var sweep = false

    static let sweepDepths = [50, 100, 200]
    static let sweepFusions: [RankFusion] =
        [10, 30, 60].map { .reciprocalRank(k: $0) } + [0.3, 0.4, 0.5, 0.6, 0.7, 0.8].map { .weighted(denseWeight: $0) }

    private var parsedModes: [RetrievalMode] {
        get throws {
            try modes.split(separator: ",").map { name in
                guard let mode = RetrievalMode(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("unknown mode \"\(name)\"; use dense, keyword or hybrid")
                }
                return mode
            }
        }
    }

    func validate() throws {
        _ = try parsedModes
        guard RankFusion(parsing: fusion) != nil else {
            throw ValidationError("--fusion must be rrf, rrf:K (K > 0) or weighted:W (0 ≤ W ≤ 1), not \"\(fusion)\"")
        }
        guard (1...500).contains(depth) else { throw ValidationError("--depth must be in 1...500") }
        if let limitQueries, limitQueries < 1 { throw ValidationError("--limit-queries must be positive") }
    }

    func run() async throws {
        let modes = try parsedModes
        let fusion = RankFusion(parsing: fusion)!
        let data: BEIRDataset
        do { data = try BEIRDataset(directory: URL(fileURLWithPath: dataset, isDirectory: true)) } catch {
            throw ValidationError("\(error)")
        }
        let embedder = try model.loadEmbedder()
        let judged = data.judgedQueries.count
        print("dataset: \(dataset): \(data.documents.count) documents, \(data.queries.count) queries (\(judged) judged)")

        let started = DispatchTime.now().uptimeNanoseconds
        var bar = ProgressBar(label: "embedding \(data.documents.count) documents", total: data.documents.count)
        let evaluation = try await RetrievalEvaluation.prepare(dataset: data, embedder: embedder, databaseURL: databaseURL) { done, _ in
            bar.update(done)
        }
        let t = evaluation.timings
        print("storage: \(evaluation.storageKind)")
        print(String(format: "embedded in %.1f s (%.0f docs/s), imported in %.1f s, index built in %.2f s",
                     t.embedCorpus, Double(data.documents.count) / max(t.embedCorpus, 1e-9), t.importCorpus, t.buildIndex))

        let fetchDepth = sweep ? max(depth, Self.sweepDepths.max()!) : depth
        let (candidates, queryTimings) = try await evaluation.candidates(depth: fetchDepth, limitQueries: limitQueries)
        var rows: [[String]] = []
        for mode in modes {
            let s = evaluation.score(candidates, mode: mode, fusion: fusion, depth: depth)
            rows.append([mode == .hybrid ? "hybrid (\(fusion), top-\(depth))" : "\(mode.rawValue) (top-\(depth))",
                         f3(s.ndcgAt10), f3(s.recallAt10), f3(s.hitAtOne),
                         String(format: "%.2f", queryTimings.millisecondsPerQuery(mode))])
        }
        print("\(candidates.count) queries, candidates fetched at depth \(fetchDepth)")
        printTable(["mode", "nDCG@10", "recall@10", "hit@1", "ms/query"], rows)

        if sweep {
            var sweepRows: [[String]] = []
            for candidateDepth in Self.sweepDepths {
                for method in Self.sweepFusions {
                    let s = evaluation.score(candidates, mode: .hybrid, fusion: method, depth: candidateDepth)
                    sweepRows.append(["\(method)", "\(candidateDepth)", f3(s.ndcgAt10), f3(s.recallAt10), f3(s.hitAtOne)])
                }
            }
            print("")
            printTable(["fusion", "depth", "nDCG@10", "recall@10", "hit@1"], sweepRows)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        print(String(format: "total %.1f s", seconds))
    }

    private func f3(_ value: Double) -> String { String(format: "%.4f", value) }
}
