import Testing
@testable import Analytics

@Suite struct SentimentEvaluationTests {
    @Test func threeClassAccuracyMacroF1AndConfusion() {
        let gold: [SentimentLabel] = [.positive, .positive, .neutral, .neutral, .negative, .negative]
        let scores = [0.9, 0.1, 0.05, -0.5, -0.8, -0.9]
        let e = SentimentEvaluation(gold: gold, scores: scores, neutralBand: 0.2)
        // predicted: pos, neu, neu, neg, neg, neg
        #expect(e.confusion == [[2, 0, 0], [1, 1, 0], [0, 1, 1]])
        #expect(abs(e.accuracy - 4.0 / 6) < 1e-12)
        // F1: negative 2·2/(3+2) = 0.8, neutral 2·1/(2+2) = 0.5, positive 2·1/(1+2) = 2/3.
        #expect(abs(e.macroF1 - (0.8 + 0.5 + 2.0 / 3) / 3) < 1e-12)
        #expect(!e.isBinary)
    }

    @Test func binaryDataIsScoredBySignAndZeroIsAlwaysWrong() {
        let gold: [SentimentLabel] = [.positive, .positive, .negative, .negative]
        let e = SentimentEvaluation(gold: gold, scores: [0.01, 0, -0.01, 0.3], neutralBand: 0.5)
        #expect(e.isBinary)
        #expect(e.confusion == [[1, 0, 1], [0, 0, 0], [0, 1, 1]])
        #expect(e.accuracy == 0.5)
        // positive: 2·1/(2+2) = 0.5; negative: 2·1/(1+2) = 2/3; neutral is not a class here.
        #expect(abs(e.macroF1 - (0.5 + 2.0 / 3) / 2) < 1e-12)
    }

    @Test func foldsAreStratifiedAndDeterministic() {
        let labels = (0..<50).map { SentimentLabel.allCases[$0 % 3] }
        let folds = SentimentFolds.assign(labels, folds: 5, seed: 1)
        #expect(folds == SentimentFolds.assign(labels, folds: 5, seed: 1))
        #expect(folds != SentimentFolds.assign(labels, folds: 5, seed: 2))
        for fold in 0..<5 {
            #expect(folds.filter { $0 == fold }.count == 10)
            for label in SentimentLabel.allCases {
                let count = labels.indices.filter { folds[$0] == fold && labels[$0] == label }.count
                #expect((3...4).contains(count))
            }
        }
    }

    @Test func parsesJSONLinesAndReportsTheBadLine() throws {
        let good = """
            {"text": "thanks", "label": "positive", "source": "x"}

            {"text": "hello", "label": "Neutral"}
            """
        #expect(try LabelledSentence.parseJSONLines(good) == [
            LabelledSentence(text: "thanks", label: .positive), LabelledSentence(text: "hello", label: .neutral),
        ])
        #expect(throws: LabelledSentence.ParseError(line: 2, message: "\"label\" must be positive, neutral or negative")) {
            try LabelledSentence.parseJSONLines("{\"text\": \"a\", \"label\": \"negative\"}\n{\"text\": \"b\", \"label\": \"meh\"}")
        }
    }

    @Test func labelFromScore() {
        #expect(SentimentLabel(score: 0.25, neutralBand: 0.3) == .neutral)
        #expect(SentimentLabel(score: 0.3, neutralBand: 0.3) == .positive)
        #expect(SentimentLabel(score: -0.3, neutralBand: 0.3) == .negative)
        #expect(SentimentLabel(score: 0, neutralBand: 0) == .neutral)
        #expect(SentimentLabel(score: 1e-9, neutralBand: 0) == .positive)
    }
}
