#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension KeywordIndex {
    /// The best `k` documents for `query`, by BM25 over this index's own statistics.
    ///
    /// A document is a candidate when it holds at least one query term (the terms are OR-ed). A term repeated in
    /// `query.terms` counts once per repetition. Order: score descending, then id ascending.
    /// - Parameters:
    ///   - k: hits wanted, > 0.
    ///   - categories: only documents upserted with one of these categories; nil for all. The statistics (N,
    ///     n(t), avgdl) stay those of the whole index, as with an FTS5 MATCH joined to a filter.
    /// - Throws: ``IndexError/invalidK(_:)`` when `k <= 0`.
    public func search(_ query: KeywordQuery, k: Int, categories: Set<String>? = nil) throws -> [Hit] {
        guard k > 0 else { throw IndexError.invalidK(k) }
        if query.isEmpty { return [] }
        if let categories, categories.isEmpty { return [] }
        return lock.withReadLock { searchLocked(query.terms, k: k, categories: categories) }
    }

    /// `search` of free text (see `KeywordQuery`).
    public func search(_ text: String, k: Int, categories: Set<String>? = nil) throws -> [Hit] {
        try search(KeywordQuery(text), k: k, categories: categories)
    }

    /// Reader lock held.
    private func searchLocked(_ terms: [String], k: Int, categories: Set<String>?) -> [Hit] {
        let documentCount = slotByID.count
        guard documentCount > 0 else { return [] }
        let n = Double(documentCount)
        let averageLength = Double(totalLength) / n
        let k1 = Self.k1, b = Self.b

        // Per-slot accumulators; `touched` lists the slots with a nonzero score (every contribution is > 0).
        var scores = [Double](repeating: 0, count: slotIDs.count)
        var touched: [Int32] = []
        for term in terms {
            guard let termID = termIDs[term] else { continue }
            let list = postings[Int(termID)]
            let hits = Double(list.count)
            var idf = log((n - hits + 0.5) / (hits + 0.5))
            if idf <= 0 { idf = 1e-6 }
            slotLength.withUnsafeBufferPointer { lengths in
                scores.withUnsafeMutableBufferPointer { scores in
                    for posting in list {
                        let slot = Int(posting.slot)
                        let f = Double(posting.frequency)
                        let d = Double(lengths[slot])
                        // The same expression, in the same order, as FTS5's fts5Bm25Function.
                        let contribution = idf * ((f * (k1 + 1.0)) / (f + k1 * (1 - b + b * d / averageLength)))
                        if scores[slot] == 0 { touched.append(posting.slot) }
                        scores[slot] += contribution
                    }
                }
            }
        }

        var allowed: [Bool]?
        if let categories {
            var mask = [Bool](repeating: false, count: categoryNames.count + 1)
            for name in categories { if let code = categoryCodes[name] { mask[Int(code)] = true } }
            allowed = mask
        }
        var heap = HitHeap(k: k)
        for slot in touched {
            let index = Int(slot)
            if let allowed, !allowed[Int(slotCategory[index])] { continue }
            heap.offer(Hit(id: slotIDs[index], score: scores[index]))
        }
        return heap.sorted()
    }
}

/// Bounded min-heap keeping the `k` best hits: higher score, then smaller id, is better.
struct HitHeap {
    let k: Int
    private(set) var items: [KeywordIndex.Hit] = []

    init(k: Int) {
        self.k = k
        items.reserveCapacity(min(k, 1024))
    }

    @inline(__always)
    static func isWorse(_ a: KeywordIndex.Hit, than b: KeywordIndex.Hit) -> Bool {
        a.score != b.score ? a.score < b.score : a.id > b.id
    }

    mutating func offer(_ hit: KeywordIndex.Hit) {
        if items.count < k {
            items.append(hit)
            var child = items.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard Self.isWorse(items[child], than: items[parent]) else { break }
                items.swapAt(child, parent)
                child = parent
            }
            return
        }
        guard Self.isWorse(items[0], than: hit) else { return }
        items[0] = hit
        var parent = 0
        while true {
            var worst = parent
            let left = 2 * parent + 1, right = left + 1
            if left < items.count, Self.isWorse(items[left], than: items[worst]) { worst = left }
            if right < items.count, Self.isWorse(items[right], than: items[worst]) { worst = right }
            if worst == parent { return }
            items.swapAt(parent, worst)
            parent = worst
        }
    }

    /// Kept hits, best first.
    func sorted() -> [KeywordIndex.Hit] {
        items.sorted { Self.isWorse($1, than: $0) }
    }
}
