import Foundation
import Testing
import VectorIndex

/// Values computed by hand with the trec_eval / pytrec_eval definitions.
@Suite struct RetrievalMetricsTests {
    // b has grade 2, d and e grade 1 (e is never retrieved), z is judged not relevant.
    let relevant = ["b": 2, "d": 1, "e": 1, "z": 0]
    let ranked = ["a", "b", "c", "d"]

    @Test func ndcgUsesGradesAsGainsAndLog2Discounts() {
        // DCG@3 = 2/log2(3) = 1.2618595; ideal = 2/1 + 1/log2(3) + 1/2 = 3.1309298.
        #expect(abs(RetrievalMetrics.ndcg(at: 3, ranked: ranked, relevant: relevant) - 0.4030302838) < 1e-9)
        // Binary: relevant at ranks 2 and 4 of two: (1/log2(3) + 1/log2(5)) / (1 + 1/log2(3)).
        #expect(abs(RetrievalMetrics.ndcg(at: 10, ranked: ["x", "r1", "y", "r2"], relevant: ["r1": 1, "r2": 1])
                    - 0.6509209298) < 1e-9)
        // A perfect ranking scores 1; k = 1 only looks at the first result.
        #expect(abs(RetrievalMetrics.ndcg(at: 10, ranked: ["b", "d", "e"], relevant: relevant) - 1) < 1e-12)
        #expect(RetrievalMetrics.ndcg(at: 1, ranked: ranked, relevant: relevant) == 0)
        // The ideal is cut at k too: one relevant at rank 1 of a k = 1 cut is perfect.
        #expect(RetrievalMetrics.ndcg(at: 1, ranked: ["d"], relevant: ["d": 1, "e": 1]) == 1)
    }

    @Test func recallCountsRelevantInTheFirstK() {
        #expect(RetrievalMetrics.recall(at: 1, ranked: ranked, relevant: relevant) == 0)
        #expect(abs(RetrievalMetrics.recall(at: 3, ranked: ranked, relevant: relevant) - 1.0 / 3) < 1e-12)
        #expect(abs(RetrievalMetrics.recall(at: 10, ranked: ranked, relevant: relevant) - 2.0 / 3) < 1e-12)
    }

    @Test func hitAtOneLooksAtTheFirstResultOnly() {
        #expect(RetrievalMetrics.hitAtOne(ranked: ranked, relevant: relevant) == 0)
        #expect(RetrievalMetrics.hitAtOne(ranked: ["d", "a"], relevant: relevant) == 1)
        #expect(RetrievalMetrics.hitAtOne(ranked: ["z"], relevant: relevant) == 0)
    }

    @Test func emptyRankingsAndNoJudgementsScoreZero() {
        for metric in [
            RetrievalMetrics.ndcg(at: 10, ranked: [], relevant: relevant),
            RetrievalMetrics.recall(at: 10, ranked: [], relevant: relevant),
            RetrievalMetrics.hitAtOne(ranked: [], relevant: relevant),
            RetrievalMetrics.ndcg(at: 10, ranked: ranked, relevant: [:]),
            RetrievalMetrics.recall(at: 10, ranked: ranked, relevant: ["z": 0]),
            RetrievalMetrics.ndcg(at: 0, ranked: ranked, relevant: relevant),
        ] {
            #expect(metric == 0)
        }
    }

    @Test func repeatedIdsCountOnce() {
        // ["b", "b", "d"] is read as ["b", "d"]: DCG = 2 + 1/log2(3); ideal = 2 + 1/log2(3) + 1/2.
        let expected = (2 + 1 / log2(3.0)) / (2 + 1 / log2(3.0) + 0.5)
        #expect(abs(RetrievalMetrics.ndcg(at: 3, ranked: ["b", "b", "d"], relevant: relevant) - expected) < 1e-12)
        #expect(abs(RetrievalMetrics.recall(at: 2, ranked: ["b", "b", "d"], relevant: relevant) - 2.0 / 3) < 1e-12)
    }
}
