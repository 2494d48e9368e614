import Analytics
import Foundation
import Logging

/// Scores callers' words: Analytics' lexicon + ridge model on MiniLM vectors, trained from our own labelled
/// sentences the first time it is needed (a few seconds), then kept. Without the training file, lexicon only.
actor SentimentService {
    private let trainingFile: URL
    private let embedder: EmbeddingQueue
    private let logger: Logger
    private var analyzer: SentimentAnalyzer?
    private var loaded = false

    init(trainingFile: URL, embedder: EmbeddingQueue, logger: Logger) {
        self.trainingFile = trainingFile
        self.embedder = embedder
        self.logger = logger
    }

    /// The method in use: combined once the model is trained, else the lexicon.
    var method: SentimentAnalyzer.Method { analyzer == nil ? .lexicon : .combined }

    private func load() async {
        guard !loaded else { return }
        loaded = true
        do {
            let sentences = try LabelledSentence.parseJSONLines(String(contentsOf: trainingFile, encoding: .utf8))
            let vectors = try await embedder.embed(sentences.map(\.text))
            let (trained, report) = try SentimentAnalyzer.train(on: zip(sentences, vectors).map { EmbeddedSentence($0, vector: $1) })
            analyzer = trained
            logger.info("sentiment model trained", metadata: [
                "sentences": "\(sentences.count)", "lambda": "\(report.lambda)", "lexicon_weight": "\(report.settings.lexiconWeight)"])
        } catch {
            logger.notice("sentiment uses the lexicon alone: no usable training file", metadata: [
                "file": "\(trainingFile.path)", "error": "\(error)"])
        }
    }

    /// One score per text, with up to `explanations` training sentences among the drivers.
    func score(_ texts: [String], explanations: Int = 0) async throws -> [SentimentScore] {
        await load()
        guard !texts.isEmpty else { return [] }
        guard let analyzer else { return texts.map { SentimentLexicon.callCentre.score($0) } }
        let vectors = try await embedder.embed(texts)
        return zip(texts, vectors).map { analyzer.score($0, vector: $1, method: .combined, explanations: explanations) }
    }
}
