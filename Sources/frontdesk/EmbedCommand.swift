import ArgumentParser
import Foundation
import VectorIndex

struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed texts with the local MiniLM model and print the vectors."
    )

    @OptionGroup var model: ModelOptions

    @Flag(help: "Print the full vectors as JSON instead of a summary.")
    var json = false

    @Argument(help: "Texts to embed (one padded batch).")
    var texts: [String]

    func validate() throws {
        if texts.isEmpty { throw ValidationError("give at least one text to embed") }
    }

    func run() throws {
        let embedder = try model.loadEmbedder()
        let vectors = try embedder.embed(texts)
        if json {
            let items = zip(texts, vectors).map { text, vector in
                ["text": text, "tokens": embedder.tokenCount(text), "embedding": vector] as [String: Any]
            }
            let data = try JSONSerialization.data(withJSONObject: items, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        for (text, vector) in zip(texts, vectors) {
            let head = vector.prefix(8).map { String(format: "%+.5f", $0) }.joined(separator: " ")
            print("\"\(text)\"")
            print("  dimension \(vector.count), tokens \(embedder.tokenCount(text)) (with [CLS]/[SEP]), first: \(head) …")
        }
    }
}
