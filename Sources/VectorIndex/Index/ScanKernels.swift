import CBLAS

/// Which inner loop scores the rows in a single-query search.
public enum ScanKernel: Sendable, CaseIterable {
    /// Blocked SIMD dot products in Swift, four rows at a time, rows split across cores.
    case simd
    /// `cblas_sgemv` on blocks of rows, then a pass over the scores.
    case sgemv
}

/// Borrowed view of the index storage for one scan; valid only while the reader lock is held.
struct ScanTarget: @unchecked Sendable {
    /// `count × dimension`, row-major, rows L2-normalised.
    let matrix: UnsafePointer<Float>
    let dimension: Int
    let count: Int
    /// Row → id, for tie-breaking.
    let ids: UnsafeBufferPointer<String>
    /// Row → category code.
    let codes: UnsafeBufferPointer<UInt32>
    /// `allowed[code]` for a filtered scan, `nil` to accept every row.
    let allowed: UnsafeBufferPointer<Bool>?

    @inline(__always)
    func accepts(row: Int) -> Bool {
        guard let allowed else { return true }
        return allowed[Int(codes[row])]
    }
}

/// The hot loops. Each scores rows against a unit query and offers them to a ``TopKHeap``.
enum ScanKernels {
    @inline(__always)
    static func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    /// Dot product of one row with the query. Performs exactly the operations of one lane of ``dot4``, so a
    /// row scores bit-identically whether it is scanned alone or in a block of four.
    @inline(__always)
    static func dot(_ q: UnsafePointer<Float>, _ r: UnsafePointer<Float>, _ d: Int) -> Float {
        var acc = SIMD16<Float>()
        var j = 0
        while j &+ 16 <= d {
            acc.addProduct(load16(q + j), load16(r + j))
            j &+= 16
        }
        var s = acc.sum()
        while j < d {
            s.addProduct(q[j], r[j])
            j &+= 1
        }
        return s
    }

    /// Dot products of four consecutive rows (`r`, `r+d`, `r+2d`, `r+3d`) with the query: each query chunk
    /// is loaded once and used four times, and the four accumulators are independent chains.
    @inline(__always)
    static func dot4(_ q: UnsafePointer<Float>, _ r: UnsafePointer<Float>, _ d: Int)
        -> (Float, Float, Float, Float) {
        let r0 = r, r1 = r + d, r2 = r + 2 * d, r3 = r + 3 * d
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
        var j = 0
        while j &+ 16 <= d {
            let qv = load16(q + j)
            a0.addProduct(qv, load16(r0 + j))
            a1.addProduct(qv, load16(r1 + j))
            a2.addProduct(qv, load16(r2 + j))
            a3.addProduct(qv, load16(r3 + j))
            j &+= 16
        }
        var s0 = a0.sum(), s1 = a1.sum(), s2 = a2.sum(), s3 = a3.sum()
        while j < d {
            let qj = q[j]
            s0.addProduct(qj, r0[j])
            s1.addProduct(qj, r1[j])
            s2.addProduct(qj, r2[j])
            s3.addProduct(qj, r3[j])
            j &+= 1
        }
        return (s0, s1, s2, s3)
    }

    /// SIMD scan of `rows` into `heap`.
    static func scanSIMD(_ t: ScanTarget, query q: UnsafePointer<Float>, rows: Range<Int>, heap: inout TopKHeap) {
        let d = t.dimension
        if t.allowed != nil {
            // Filtered: rows outside the filter are neither scored nor offered.
            for row in rows where t.accepts(row: row) {
                heap.offer(score: dot(q, t.matrix + row * d, d), row: Int32(truncatingIfNeeded: row), ids: t.ids)
            }
            return
        }
        var row = rows.lowerBound
        let end = rows.upperBound
        while row &+ 4 <= end {
            let (s0, s1, s2, s3) = dot4(q, t.matrix + row * d, d)
            let r = Int32(truncatingIfNeeded: row)
            heap.offer(score: s0, row: r, ids: t.ids)
            heap.offer(score: s1, row: r &+ 1, ids: t.ids)
            heap.offer(score: s2, row: r &+ 2, ids: t.ids)
            heap.offer(score: s3, row: r &+ 3, ids: t.ids)
            row &+= 4
        }
        while row < end {
            heap.offer(score: dot(q, t.matrix + row * d, d), row: Int32(truncatingIfNeeded: row), ids: t.ids)
            row &+= 1
        }
    }

    /// Rows per `cblas_sgemv` call: large enough for OpenBLAS to use its threads, small enough that the
    /// scores (32 KiB) stay in L1/L2 for the heap pass.
    static let sgemvBlockRows = 8192

    /// `cblas_sgemv` scan of `rows` into `heap`.
    static func scanSGEMV(_ t: ScanTarget, query q: UnsafePointer<Float>, rows: Range<Int>, heap: inout TopKHeap) {
        let d = t.dimension
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: min(sgemvBlockRows, rows.count))
        defer { scores.deallocate() }
        var start = rows.lowerBound
        while start < rows.upperBound {
            let n = min(sgemvBlockRows, rows.upperBound - start)
            // scores (n) = rows[start..<start+n] (n × d) · q (d)
            cblas_sgemv(CblasRowMajor, CblasNoTrans, blasint(n), blasint(d), 1, t.matrix + start * d, blasint(d),
                        q, 1, 0, scores, 1)
            offerScores(t, scores: scores, rowStart: start, rowCount: n, heap: &heap)
            start += n
        }
    }

    /// Scores for rows `rowStart..<rowStart+rowCount` against `queryCount` queries in one `cblas_sgemm`,
    /// then offers each query's scores to its heap (queries split across `threads`).
    static func scanSGEMMBlock(_ t: ScanTarget, queries: UnsafePointer<Float>, queryCount: Int,
                               rowStart: Int, rowCount: Int, scores: UnsafeMutablePointer<Float>,
                               heaps: UnsafeMutableBufferPointer<TopKHeap>, threads: Int) {
        let d = t.dimension
        // scores (Q × R) = queries (Q × d) · rows (R × d)ᵀ
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, blasint(queryCount), blasint(rowCount), blasint(d),
                    1, queries, blasint(d), t.matrix + rowStart * d, blasint(d), 0, scores, blasint(rowCount))
        parallelFor(chunks: threads, over: 0..<queryCount) { range in
            for qi in range {
                offerScores(t, scores: scores + qi * rowCount, rowStart: rowStart, rowCount: rowCount,
                            heap: &heaps[qi])
            }
        }
    }

    /// Offers `rowCount` precomputed scores (rows `rowStart...`) to `heap`. Once the heap is full almost no
    /// score beats its threshold, so unfiltered scans compare 16 scores at a time and only look closer at a
    /// group when one of them might enter.
    @inline(__always)
    static func offerScores(_ t: ScanTarget, scores: UnsafePointer<Float>, rowStart: Int, rowCount: Int,
                            heap: inout TopKHeap) {
        if t.allowed != nil {
            for i in 0..<rowCount where t.accepts(row: rowStart + i) {
                heap.offer(score: scores[i], row: Int32(truncatingIfNeeded: rowStart + i), ids: t.ids)
            }
            return
        }
        var i = 0
        while i &+ 16 <= rowCount {
            let group = load16(scores + i)
            if any(group .>= SIMD16(repeating: heap.threshold)) {
                for j in i ..< i &+ 16 {
                    heap.offer(score: scores[j], row: Int32(truncatingIfNeeded: rowStart &+ j), ids: t.ids)
                }
            }
            i &+= 16
        }
        while i < rowCount {
            heap.offer(score: scores[i], row: Int32(truncatingIfNeeded: rowStart &+ i), ids: t.ids)
            i &+= 1
        }
    }
}
