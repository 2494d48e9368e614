import Analytics
import ArgumentParser
import Foundation
import VectorIndex

struct EvalSentimentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sentiment",
        abstract: "Accuracy, macro-F1 and confusion matrices of the sentiment lexicon, model and their blend.",
        discussion: """
            The dataset is JSON Lines of {"text", "label"} with labels positive, neutral or negative. By default \
            the analyzer is trained on --train (our call-centre sentences) and the dataset is only scored. With \
            --cv K it is instead trained and scored K-fold on the dataset itself: the only figures to report for \
            a dataset that is also trained on. Datasets without neutral labels (binary review sets) are scored \
            on the sign of the score: an exact 0 (no evidence) predicts neutral and counts as wrong.
            """
    )

    @Option(help: "JSON Lines file of {\"text\", \"label\"} to score.")
    var dataset: String

    @Option(help: "Training sentences (JSON Lines), used unless --cv is given.")
    var train: String = "corpora/sentiment/train.jsonl"

    @Option(help: "Cross-validate on the dataset with this many folds instead of training on --train.")
    var cv: Int?

    @Option(help: "lexicon, model or combined (default: all three).")
    var method: String?

    @Option(help: "Print the explanation of the first N sentences (not with --cv).")
    var explain = 0

    @OptionGroup var model: ModelOptions

    private var methods: [SentimentAnalyzer.Method] {
        get throws {
            guard let method else { return SentimentAnalyzer.Method.allCases }
            guard let parsed = SentimentAnalyzer.Method(rawValue: method) else {
                throw ValidationError("--method must be lexicon, model or combined, not \"\(method)\"")
            }
            return [parsed]
        }
    }

    func validate() throws {
        _ = try methods
        if let cv, cv < 2 { throw ValidationError("--cv needs at least 2 folds") }
        if explain < 0 { throw ValidationError("--explain must not be negative") }
    }

    func run() throws {
        let methods = try methods
        let sentences = try Self.load(dataset)
        let embedder = try model.loadEmbedder()
        let counts = SentimentLabel.allCases.map { label in "\(sentences.filter { $0.label == label }.count) \(label.rawValue)" }
        let binary = !sentences.contains { $0.label == .neutral }
        print("dataset: \(dataset): \(sentences.count) sentences (\(counts.joined(separator: ", ")))"
              + (binary ? "; binary: scored by the sign of the score" : ""))
        let examples = try Self.embed(sentences, with: embedder, label: "embedding dataset")

        let evaluations: [SentimentAnalyzer.Method: SentimentEvaluation]
        if let cv {
            print("\(cv)-fold cross-validation on the dataset (each fold scored by an analyzer trained on the others)")
            evaluations = try SentimentAnalyzer.crossValidate(examples, folds: cv)
        } else {
            let training = try Self.embed(try Self.load(train), with: embedder, label: "embedding training set")
            let (analyzer, report) = try SentimentAnalyzer.train(on: training)
            let s = report.settings
            print("trained on \(train) (\(training.count) sentences): λ = \(report.lambda), lexicon weight "
                  + "\(f2(s.lexiconWeight)), neutral bands lexicon \(f2(s.lexiconBand)) model \(f2(s.modelBand)) "
                  + "combined \(f2(s.combinedBand))")
            evaluations = Dictionary(uniqueKeysWithValues: methods.map { method in
                let scores = examples.map { analyzer.rawScore($0.sentence.text, vector: $0.vector, method: method) }
                return (method, SentimentEvaluation(gold: sentences.map(\.label), scores: scores,
                                                    neutralBand: s.band(method)))
            })
            for example in examples.prefix(explain) {
                let score = analyzer.score(example.sentence.text, vector: example.vector, method: methods.last!,
                                           explanations: 3)
                print("\n\"\(example.sentence.text)\" (gold \(example.sentence.label.rawValue)): "
                      + "\(f2(score.score)) \(score.label.rawValue)")
                for driver in score.drivers.prefix(8) { print("  \(driver)") }
            }
        }

        print("")
        printTable(["method", "accuracy", "macro-F1", "sentences"], methods.map { method in
            let e = evaluations[method]!
            return [method.rawValue, f3(e.accuracy), f3(e.macroF1), "\(e.count)"]
        })
        for method in methods {
            let e = evaluations[method]!
            print("\n\(method.rawValue): rows gold, columns predicted")
            let labels = SentimentLabel.allCases
            printTable(["gold \\ predicted"] + labels.map(\.rawValue), labels.indices.compactMap { row in
                binary && labels[row] == .neutral ? nil : [labels[row].rawValue] + e.confusion[row].map(String.init)
            })
        }
    }

    static func load(_ path: String) throws -> [LabelledSentence] {
        let contents: String
        do { contents = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ValidationError("cannot read \(path): \(error.localizedDescription)")
        }
        do { return try LabelledSentence.parseJSONLines(contents) } catch {
            throw ValidationError("\(path): \(error)")
        }
    }

    static func embed(_ sentences: [LabelledSentence], with embedder: MiniLMEmbedder,
                      label: String) throws -> [EmbeddedSentence] {
        var bar = ProgressBar(label: label, total: sentences.count)
        var examples: [EmbeddedSentence] = []
        examples.reserveCapacity(sentences.count)
        for start in stride(from: 0, to: sentences.count, by: 32) {
            let batch = Array(sentences[start..<min(start + 32, sentences.count)])
            let vectors = try embedder.embed(batch.map(\.text))
            examples += zip(batch, vectors).map { EmbeddedSentence($0, vector: $1) }
            bar.update(examples.count)
        }
        return examples
    }

    private func f2(_ value: Double) -> String { String(format: "%.2f", value) }
    private func f3(_ value: Double) -> String { String(format: "%.3f", value) }
}
