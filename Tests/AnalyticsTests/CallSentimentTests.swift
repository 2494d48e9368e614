import Testing
@testable import Analytics

@Suite struct CallSentimentTests {
    func turns(_ scores: [Double]) -> [SentimentScore] {
        scores.map { SentimentScore(score: $0, label: SentimentLabel(score: $0, neutralBand: 0.2), drivers: []) }
    }

    @Test func emptyCallIsNeutralAndSteady() {
        let summary = CallSentiment.aggregate([])
        #expect(summary.score == 0 && summary.label == .neutral && summary.trend == .steady)
        #expect(summary.turnCount == 0 && summary.lowestTurn == nil)
    }

    @Test func singleTurnIsItsOwnScore() {
        let summary = CallSentiment.aggregate(turns([-0.6]))
        #expect(summary.score == -0.6 && summary.label == .negative && summary.trend == .steady)
    }

    @Test func laterTurnsWeighMore() {
        // Same turns, opposite order: the one ending well scores higher, and both lean to their last turn.
        let endsWell = CallSentiment.aggregate(turns([-0.8, 0, 0.8]))
        let endsBadly = CallSentiment.aggregate(turns([0.8, 0, -0.8]))
        #expect(endsWell.score > 0 && endsBadly.score < 0)
        #expect(abs(endsWell.score + endsBadly.score) < 1e-12)
        // Weights 1, 2, 3 (last = endWeight × first): (−0.8 + 0 + 2.4) / 6.
        #expect(abs(endsWell.score - 1.6 / 6) < 1e-12)
    }

    @Test func trendFollowsTheSlope() {
        let improving = CallSentiment.aggregate(turns([-0.7, -0.5, 0, 0.4, 0.8]))
        #expect(improving.trend == .improving && improving.change > 1)
        #expect(improving.opening == -0.7 && improving.closing == 0.8)
        #expect(improving.lowestTurn == 0 && improving.highestTurn == 4)
        let worsening = CallSentiment.aggregate(turns([0.5, 0.2, 0, -0.4, -0.9]))
        #expect(worsening.trend == .worsening && worsening.label == .negative)
        let steady = CallSentiment.aggregate(turns([0.1, -0.1, 0.05, 0, 0.1]))
        #expect(steady.trend == .steady && steady.label == .neutral)
        // An exactly linear rise of 0.6 from first to last turn is a change of 0.6.
        #expect(abs(CallSentiment.aggregate(turns([0, 0.2, 0.4, 0.6])).change - 0.6) < 1e-12)
    }
}
