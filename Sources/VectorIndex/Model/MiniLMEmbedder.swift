import Foundation

/// Why the MiniLM embedder could not be set up.
public enum MiniLMEmbedderError: Error, Equatable, CustomStringConvertible {
    /// A model file is absent from the model directory.
    case missingModelFile(path: String)
    /// The tokenizer produced an id the model's vocabulary does not have (tokenizer and model do not match).
    case tokenOutOfVocabulary(id: Int32, vocabularySize: Int)

    public var description: String {
        switch self {
        case let .missingModelFile(path):
            "model file not found: \(path) — run `make bootstrap` (or scripts/bootstrap.sh) to fetch the model"
        case let .tokenOutOfVocabulary(id, size):
            "token id \(id) is outside the model's \(size)-token vocabulary; tokenizer and model do not match"
        }
    }
}

/// all-MiniLM-L6-v2 as a `TextEmbedder`: tokenizer, then `BertModel` in length-sorted sub-batches.
///
/// Sorting by token count before cutting sub-batches keeps texts of similar length together, which bounds the
/// attention scratch and keeps per-call memory proportional to the sub-batch rather than the whole request.
public struct MiniLMEmbedder: TextEmbedder {
    public let tokenizer: any TextTokenizing
    public let model: BertModel
    /// Largest number of texts run through the model in one forward pass.
    public let maxBatchSize: Int

    public var dimension: Int { model.dimension }

    /// - Parameter maxBatchSize: texts per forward pass (≥ 1).
    public init(tokenizer: any TextTokenizing, model: BertModel, maxBatchSize: Int = 32) {
        self.tokenizer = tokenizer
        self.model = model
        self.maxBatchSize = max(1, maxBatchSize)
    }

    /// Loads `config.json` and `model.safetensors` from `directory`.
    /// - Throws: `MiniLMEmbedderError.missingModelFile` naming the file when one is absent, else the
    ///   `BertModelError` / `SafeTensorsError` / decoding error of a bad file.
    public static func loadModel(directory: URL) throws -> BertModel {
        let configURL = directory.appendingPathComponent("config.json")
        let weightsURL = directory.appendingPathComponent("model.safetensors")
        for url in [configURL, weightsURL] where !FileManager.default.fileExists(atPath: url.path) {
            throw MiniLMEmbedderError.missingModelFile(path: url.path)
        }
        return try BertModel(config: BertConfig(url: configURL), weights: SafeTensorsFile(url: weightsURL))
    }

    /// Embeds `texts`; see `TextEmbedder.embed(_:)`.
    public func embed(_ texts: [String]) throws -> [[Float]] {
        let limit = model.config.maxPositionEmbeddings
        let vocabularySize = model.config.vocabSize
        let tokenized = try texts.map { text in
            // The tokenizer truncates already; the prefix only guards the model's position table.
            let ids = Array(tokenizer.encode(text).prefix(limit))
            if let bad = ids.first(where: { $0 < 0 || Int($0) >= vocabularySize }) {
                throw MiniLMEmbedderError.tokenOutOfVocabulary(id: bad, vocabularySize: vocabularySize)
            }
            return ids
        }
        let order = tokenized.indices.sorted { tokenized[$0].count < tokenized[$1].count }
        var vectors = [[Float]](repeating: [], count: texts.count)
        for start in stride(from: 0, to: order.count, by: maxBatchSize) {
            let chunk = order[start..<min(start + maxBatchSize, order.count)]
            let embedded = model.embed(tokenBatch: chunk.map { tokenized[$0] })
            for (index, vector) in zip(chunk, embedded) { vectors[index] = vector }
        }
        return vectors
    }
}
