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

extension MiniLMEmbedder {
    /// The same embedder (same weights, no copy) running each forward pass on `threads` threads.
    ///
    /// Only effective with OpenBLAS at 1 thread (`BLASThreads.set(1)`): its pthreads build serialises
    /// concurrent multi-threaded calls, so its workers and ours must not both run. On 2 cores, 2 model threads
    /// over 1-thread OpenBLAS is the fastest setting measured (see docs/benchmarks.md).
    public func withThreads(_ threads: Int) -> MiniLMEmbedder {
        var model = self.model
        model.threads = max(1, threads)
        return MiniLMEmbedder(tokenizer: tokenizer, model: model, maxBatchSize: maxBatchSize)
    }

    /// The same embedder (same weights, no copy) computing the model's projections with `kernel`.
    public func withProjectionKernel(_ kernel: BertModel.ProjectionKernel) -> MiniLMEmbedder {
        var model = self.model
        model.projectionKernel = kernel
        return MiniLMEmbedder(tokenizer: tokenizer, model: model, maxBatchSize: maxBatchSize)
    }
}
