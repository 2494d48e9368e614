import Foundation
import Testing
@testable import VectorIndex

/// Stands in for `WordPieceTokenizer`: returns the reference token ids of the reference texts.
private struct ReferenceTokenizer: TextTokenizing {
    let ids: [String: [Int32]]
    func encode(_ text: String) -> [Int32] { ids[text] ?? [101, 100, 102] }  // [CLS] [UNK] [SEP]
}

private struct BrokenTokenizer: TextTokenizing {
    func encode(_ text: String) -> [Int32] { [101, 40_000, 102] }
}

@Suite struct MiniLMEmbedderTests {
    @Test func missingModelFilesAreNamedWithTheFix() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("no-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        do {
            _ = try MiniLMEmbedder.loadModel(directory: empty)
            Issue.record("loaded a model from an empty directory")
        } catch let error as MiniLMEmbedderError {
            let message = "\(error)"
            #expect(message.contains("config.json"))
            #expect(message.contains("make bootstrap"))
        }
        try Data("{}".utf8).write(to: empty.appendingPathComponent("config.json"))
        #expect(throws: MiniLMEmbedderError.missingModelFile(path: empty.appendingPathComponent("model.safetensors").path)) {
            try MiniLMEmbedder.loadModel(directory: empty)
        }
    }

    @Test func embedsInInputOrderAcrossSubBatches() throws {
        let model = try TestModel.model()
        let items = TestModel.reference.items
        let tokenizer = ReferenceTokenizer(ids: Dictionary(items.map { ($0.text, $0.token_ids) }, uniquingKeysWith: { a, _ in a }))
        // A small sub-batch size so the length sort and the split both matter; the long passages are left out to
        // keep the debug-build run short.
        let embedder = MiniLMEmbedder(tokenizer: tokenizer, model: model, maxBatchSize: 4)
        #expect(embedder.dimension == 384)
        #expect(try embedder.embed([]).isEmpty)

        let chosen = Array(items.prefix(18).reversed())  // mixed lengths, not sorted
        let vectors = try embedder.embed(chosen.map(\.text))
        #expect(vectors.count == chosen.count)
        for (vector, item) in zip(vectors, chosen) {
            #expect(cosine(vector, item.embedding) >= 0.9999, "\(item.text)")
        }
    }

    @Test func rejectsIdsOutsideTheVocabulary() throws {
        let embedder = MiniLMEmbedder(tokenizer: BrokenTokenizer(), model: try TestModel.model())
        #expect(throws: MiniLMEmbedderError.tokenOutOfVocabulary(id: 40_000, vocabularySize: 30522)) { try embedder.embed(["x"]) }
    }
}
