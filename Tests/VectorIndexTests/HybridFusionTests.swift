import Testing
import VectorIndex

@Suite struct HybridFusionTests {
    private func fuse(
        _ dense: [(String, Float)], _ keyword: [(String, Double)], _ method: RankFusion, limit: Int = 10
    ) -> [(id: String, score: Double)] {
        HybridFusion.fuse(dense: dense.map { (id: $0.0, score: $0.1) }, keyword: keyword.map { (id: $0.0, score: $0.1) },
                          method: method, limit: limit)
    }

    private func expectScores(_ result: [(id: String, score: Double)], _ expected: [(String, Double)],
                              sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.map(\.id) == expected.map(\.0), sourceLocation: sourceLocation)
        for (got, want) in zip(result, expected) {
            #expect(abs(got.score - want.1) < 1e-12, "\(got.id)", sourceLocation: sourceLocation)
        }
    }

    @Test func reciprocalRankSumsOneOverKPlusRank() {
        // dense a, b, c; keyword c, a, d → a = 1/61 + 1/62, c = 1/63 + 1/61, b = 1/62, d = 1/63.
        let result = fuse([("a", 0.9), ("b", 0.8), ("c", 0.7)], [("c", 9), ("a", 5), ("d", 1)], .reciprocalRank())
        expectScores(result, [("a", 1.0 / 61 + 1.0 / 62), ("c", 1.0 / 61 + 1.0 / 63), ("b", 1.0 / 62), ("d", 1.0 / 63)])
    }

    @Test func reciprocalRankIgnoresScoresAndUsesK() {
        // Disjoint lists, k = 10: a = c = 1/11, b = d = 1/12; ties go to the smaller id.
        let result = fuse([("b", 0.99), ("a", 0.01)], [("d", 100), ("c", 0.5)], .reciprocalRank(k: 10))
        expectScores(result, [("b", 1.0 / 11), ("d", 1.0 / 11), ("a", 1.0 / 12), ("c", 1.0 / 12)])
    }

    @Test func tiesBreakByIdWhateverTheInputOrder() {
        let one = fuse([("y", 0.5)], [("x", 3)], .reciprocalRank())
        let other = fuse([("x", 0.5)], [("y", 3)], .reciprocalRank())
        #expect(one.map(\.id) == ["x", "y"])
        #expect(other.map(\.id) == ["x", "y"])
        // Weighted 0.5 of two single-item lists: both normalise to 1 → 0.5 each.
        expectScores(fuse([("y", 0.2)], [("x", 7)], .weighted(denseWeight: 0.5)), [("x", 0.5), ("y", 0.5)])
    }

    @Test func weightedNormalisesEachListThenMixes() {
        // dense a 0.75, b 0.5, c 0.25 → 1, 0.5, 0; keyword c 12, d 8, a 4 → 1, 0.5, 0.
        // w = 0.6: a = 0.6, b = 0.3, c = 0.4, d = 0.2.
        let result = fuse([("a", 0.75), ("b", 0.5), ("c", 0.25)], [("c", 12), ("d", 8), ("a", 4)],
                          .weighted(denseWeight: 0.6))
        expectScores(result, [("a", 0.6), ("c", 0.4), ("b", 0.3), ("d", 0.2)])
    }

    @Test func aListOfOneOrOfEqualScoresNormalisesToOne() {
        expectScores(fuse([("a", 0.3)], [], .weighted(denseWeight: 0.7)), [("a", 0.7)])
        expectScores(fuse([], [("b", 2), ("a", 2)], .weighted(denseWeight: 0.25)), [("a", 0.75), ("b", 0.75)])
    }

    @Test func weightsOneAndZeroGiveTheSingleLists() {
        let dense: [(String, Float)] = [("c", 1), ("a", 0.75), ("b", 0)]
        let keyword: [(String, Double)] = [("d", 20), ("b", 10), ("e", 5)]
        let denseOnly = fuse(dense, keyword, .weighted(denseWeight: 1))
        expectScores(denseOnly, [("c", 1), ("a", 0.75), ("b", 0)])
        let keywordOnly = fuse(dense, keyword, .weighted(denseWeight: 0))
        expectScores(keywordOnly, [("d", 1), ("b", 1.0 / 3), ("e", 0)])
    }

    @Test func emptyListsAndLimits() {
        #expect(fuse([], [], .reciprocalRank()).isEmpty)
        #expect(fuse([], [], .weighted(denseWeight: 0.5)).isEmpty)
        #expect(fuse([("a", 1)], [("b", 1)], .reciprocalRank(), limit: 0).isEmpty)
        // One list empty: the other's order survives.
        #expect(fuse([], [("b", 3), ("a", 2), ("c", 1)], .reciprocalRank()).map(\.id) == ["b", "a", "c"])
        #expect(fuse([("b", 0.9), ("a", 0.5)], [], .weighted(denseWeight: 0.5)).map(\.id) == ["b", "a"])
        #expect(fuse([("a", 0.9), ("b", 0.8), ("c", 0.7)], [], .reciprocalRank(), limit: 2).map(\.id) == ["a", "b"])
    }

    @Test func aRepeatedIdCountsOnceAtItsBestRank() {
        // dense a, a, b is read as a, b: a = 1/61 + 1/62 (keyword rank 2), b = 1/62 + 1/61.
        let result = fuse([("a", 0.9), ("a", 0.8), ("b", 0.7)], [("b", 3), ("a", 1)], .reciprocalRank())
        expectScores(result, [("a", 1.0 / 61 + 1.0 / 62), ("b", 1.0 / 61 + 1.0 / 62)])
    }

    @Test func fusionParsesFromText() {
        #expect(RankFusion(parsing: "rrf") == .reciprocalRank(k: 60))
        #expect(RankFusion(parsing: "rrf:30") == .reciprocalRank(k: 30))
        #expect(RankFusion(parsing: "weighted:0.6") == .weighted(denseWeight: 0.6))
        #expect(RankFusion(parsing: "weighted") == .weighted(denseWeight: 0.5))
        for bad in ["", "rrf:0", "rrf:x", "weighted:1.5", "weighted:-0.1", "bm25"] {
            #expect(RankFusion(parsing: bad) == nil, "\(bad)")
        }
        #expect(RankFusion.reciprocalRank(k: 60).description == "rrf:60")
        #expect(RankFusion.weighted(denseWeight: 0.6).description == "weighted:0.6")
    }
}
