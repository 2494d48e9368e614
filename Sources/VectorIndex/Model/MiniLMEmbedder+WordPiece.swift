import Foundation

extension WordPieceTokenizer: TextTokenizing {}

extension MiniLMEmbedder {
    /// Loads all-MiniLM-L6-v2 from a directory holding `model.safetensors`, `config.json` and `vocab.txt`.
    ///
    /// - Parameter maxLength: tokens per text including `[CLS]`/`[SEP]`; 256 is what sentence-transformers
    ///   uses for this model (its tokenizer.json says 128; following that would change embeddings).
    /// - Throws: `MiniLMEmbedderError.missingModelFile` naming the absent file, or the reader's typed error.
    public init(modelDirectory: URL, maxLength: Int = 256, maxBatchSize: Int = 32) throws {
        let vocabulary = modelDirectory.appendingPathComponent("vocab.txt")
        guard FileManager.default.fileExists(atPath: vocabulary.path) else {
            throw MiniLMEmbedderError.missingModelFile(path: vocabulary.path)
        }
        let model = try Self.loadModel(directory: modelDirectory)
        self.init(tokenizer: try WordPieceTokenizer(vocabularyFile: vocabulary, maxLength: maxLength),
                  model: model, maxBatchSize: maxBatchSize)
    }

    /// Tokens the model sees for `text`, `[CLS]` and `[SEP]` included, after truncation.
    public func tokenCount(_ text: String) -> Int {
        tokenizer.encode(text).count
    }
}
