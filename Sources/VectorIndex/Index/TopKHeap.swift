/// Bounded min-heap keeping the `k` best rows seen so far.
///
/// "Better" means higher score, then smaller id — the order results are returned in — so which rows survive
/// never depends on scan order. The root is the worst kept row; `threshold` caches its score so that the
/// common case in a scan (a row worse than everything kept) costs one comparison.
struct TopKHeap {
    let k: Int
    private(set) var scores: [Float] = []
    private(set) var rows: [Int32] = []
    /// Score of the worst kept row once `k` rows are kept, else -∞. Rows scoring below it cannot enter.
    private(set) var threshold: Float = -.infinity

    init(k: Int) {
        self.k = k
        scores.reserveCapacity(k)
        rows.reserveCapacity(k)
    }

    /// Offers a row. `ids` resolves exact-score ties (rare, so string comparison is off the hot path).
    @inline(__always)
    mutating func offer(score: Float, row: Int32, ids: UnsafeBufferPointer<String>) {
        if score < threshold { return }
        insert(score: score, row: row, ids: ids)
    }

    private mutating func insert(score: Float, row: Int32, ids: UnsafeBufferPointer<String>) {
        if scores.count < k {
            scores.append(score)
            rows.append(row)
            siftUp(scores.count - 1, ids: ids)
            if scores.count == k { threshold = scores[0] }
            return
        }
        // Full: replace the root only if the newcomer is strictly better.
        guard Self.isWorse(scores[0], rows[0], than: score, row, ids: ids) else { return }
        scores[0] = score
        rows[0] = row
        siftDown(0, ids: ids)
        threshold = scores[0]
    }

    /// Adds every row kept by `other` (used to combine per-thread heaps).
    mutating func merge(_ other: TopKHeap, ids: UnsafeBufferPointer<String>) {
        for i in 0..<other.scores.count {
            offer(score: other.scores[i], row: other.rows[i], ids: ids)
        }
    }

    /// Kept rows, best first: score descending, ties by id ascending.
    func sorted(ids: UnsafeBufferPointer<String>) -> [(score: Float, row: Int32)] {
        zip(scores, rows).map { (score: $0, row: $1) }.sorted {
            Self.isWorse($1.score, $1.row, than: $0.score, $0.row, ids: ids)
        }
    }

    @inline(__always)
    static func isWorse(_ s1: Float, _ r1: Int32, than s2: Float, _ r2: Int32,
                        ids: UnsafeBufferPointer<String>) -> Bool {
        if s1 != s2 { return s1 < s2 }
        return ids[Int(r1)] > ids[Int(r2)]
    }

    private mutating func siftUp(_ start: Int, ids: UnsafeBufferPointer<String>) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.isWorse(scores[child], rows[child], than: scores[parent], rows[parent], ids: ids) else { break }
            scores.swapAt(child, parent)
            rows.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int, ids: UnsafeBufferPointer<String>) {
        var parent = start
        let n = scores.count
        while true {
            var worst = parent
            let left = 2 * parent + 1, right = left + 1
            if left < n, Self.isWorse(scores[left], rows[left], than: scores[worst], rows[worst], ids: ids) {
                worst = left
            }
            if right < n, Self.isWorse(scores[right], rows[right], than: scores[worst], rows[worst], ids: ids) {
                worst = right
            }
            if worst == parent { return }
            scores.swapAt(parent, worst)
            rows.swapAt(parent, worst)
            parent = worst
        }
    }
}
