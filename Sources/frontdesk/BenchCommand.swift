import ArgumentParser
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Speed and memory benchmarks (ratios against anchors measured in the same run by `make bench`).",
        subcommands: [BenchEmbedCommand.self, BenchSearchCommand.self, BenchSearchHTTPCommand.self, BenchAnalyticsCommand.self, BenchCallsCommand.self, BenchCampaignCommand.self, BenchPanelCommand.self]
    )
}

/// Options every benchmark shares: where the benchmark data lives and where SciFact is.
struct BenchDataOptions: ParsableArguments {
    @Option(help: "Working directory for benchmark texts, vectors and anchor results.")
    var data: String = ".bench"

    @Option(help: "BEIR SciFact folder (corpus.jsonl, queries.jsonl) used as real text.")
    var scifact: String = "../shared/data/retrieval/scifact"

    var dataURL: URL { URL(fileURLWithPath: data, isDirectory: true) }
    var scifactURL: URL { URL(fileURLWithPath: scifact, isDirectory: true) }
}

/// SciFact read as plain values.
struct SciFact {
    struct Document { let id: String; let title: String; let text: String }
    let documents: [Document]
    let queries: [(id: String, text: String)]

    init(directory: URL) throws {
        func lines(_ name: String) throws -> [[String: Any]] {
            let url = directory.appendingPathComponent(name)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw ValidationError("cannot read \(url.path); pass --scifact DIR")
            }
            return text.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }
        documents = try lines("corpus.jsonl").map {
            Document(id: "\($0["_id"] ?? $0["id"] ?? "")", title: $0["title"] as? String ?? "", text: $0["text"] as? String ?? "")
        }
        queries = try lines("queries.jsonl").map { ("\($0["_id"] ?? $0["id"] ?? "")", $0["text"] as? String ?? "") }
    }

    /// Every sentence of every document (split on ". ", "? ", "! "), at least 20 characters long, in corpus order.
    var sentences: [String] {
        var out: [String] = []
        for doc in documents {
            var current = ""
            let scalars = Array(doc.text)
            for (i, ch) in scalars.enumerated() {
                current.append(ch)
                if ".?!".contains(ch), i + 1 < scalars.count, scalars[i + 1] == " " {
                    let s = current.trimmingCharacters(in: .whitespaces)
                    if s.count >= 20 { out.append(s) }
                    current = ""
                }
            }
            let s = current.trimmingCharacters(in: .whitespaces)
            if s.count >= 20 { out.append(s) }
        }
        return out
    }
}
