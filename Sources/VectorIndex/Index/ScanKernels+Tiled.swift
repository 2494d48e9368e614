/// Which kernel scores a batch of queries.
public enum BatchKernel: Sendable, CaseIterable {
    /// Register-tiled SIMD kernel in Swift (6 queries × 32 rows per step), rows split across cores.
    case simd
    /// `cblas_sgemm` on blocks of rows × queries, OpenBLAS threading.
    case sgemm
}

/// The batch kernel: a small GEMM specialised to "scores = queries · rowsᵀ then top-k".
///
/// Rows are packed 256 at a time into 16-row panels stored d-major (`[panel][j][16 lanes]`), so one SIMD16
/// load fetches coordinate j of 16 rows. A micro-tile keeps 6 queries × 32 rows of scores in 12 SIMD16
/// accumulators and, per coordinate, does 2 row loads, 6 broadcasts and 12 FMAs: the loop is FMA-bound,
/// not load-bound. Each packed block (384 KiB at d = 384) stays in L2 while every query passes over it.
extension ScanKernels {
    static let tiledBlockRows = 256
    static let tiledQueries = 6
    /// Queries scored per pass over a packed block: the score scratch is 1020 × 256 × 4 B ≈ 1 MiB per thread.
    static let tiledQueryChunk = 1020

    /// - Parameters:
    ///   - queries: `paddedQueryCount × dimension` unit queries; rows past `queryCount` are zero.
    ///   - heaps: `threads × queryCount` heaps, thread `t`'s heap for query `q` at `t * queryCount + q`.
    static func scanTiled(_ t: ScanTarget, queries: UnsafePointer<Float>, queryCount: Int,
                          paddedQueryCount: Int, heaps: UnsafeMutableBufferPointer<TopKHeap>, threads: Int) {
        let d = t.dimension
        let blockCount = (t.count + tiledBlockRows - 1) / tiledBlockRows
        concurrently(threads) { thread in
            let packed = UnsafeMutablePointer<Float>.allocate(capacity: tiledBlockRows * d)
            let chunk = min(tiledQueryChunk, paddedQueryCount)
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: chunk * tiledBlockRows)
            defer {
                packed.deallocate()
                scores.deallocate()
            }
            // Blocks interleave across threads so both stream through memory together.
            for block in stride(from: thread, to: blockCount, by: threads) {
                let rowStart = block * tiledBlockRows
                let rowCount = min(tiledBlockRows, t.count - rowStart)
                let panels = pack(t, rowStart: rowStart, rowCount: rowCount, into: packed)
                for q0 in stride(from: 0, to: paddedQueryCount, by: chunk) {
                    let qEnd = min(q0 + chunk, paddedQueryCount)
                    for qi in stride(from: q0, to: qEnd, by: tiledQueries) {
                        for panel in stride(from: 0, to: panels, by: 2) {
                            // scores (6 × 32) = queries[qi..<qi+6] (6 × d) · panels (32 × d)ᵀ
                            microTile(queries + qi * d, d, packed + panel * 16 * d,
                                      out: scores + (qi - q0) * tiledBlockRows + panel * 16, ldo: tiledBlockRows)
                        }
                    }
                    for qi in q0 ..< min(qEnd, queryCount) {
                        offerScores(t, scores: scores + (qi - q0) * tiledBlockRows, rowStart: rowStart,
                                    rowCount: rowCount, heap: &heaps[thread * queryCount + qi])
                    }
                }
            }
        }
    }

    /// Packs rows `rowStart..<rowStart+rowCount` into 16-row panels (`[panel][j][lane]`), zero-filling the
    /// lanes past `rowCount`. Returns the panel count, rounded up to even for the 32-row micro-tile.
    static func pack(_ t: ScanTarget, rowStart: Int, rowCount: Int, into packed: UnsafeMutablePointer<Float>) -> Int {
        let d = t.dimension
        let panels = ((rowCount + 31) / 32) * 2
        for panel in 0..<panels {
            let out = packed + panel * 16 * d
            for lane in 0..<16 {
                let row = panel * 16 + lane
                if row < rowCount {
                    let src = t.matrix + (rowStart + row) * d
                    for j in 0..<d { out[j &* 16 &+ lane] = src[j] }
                } else {
                    for j in 0..<d { out[j &* 16 &+ lane] = 0 }
                }
            }
        }
        return panels
    }

    @inline(__always)
    private static func store16(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }

    /// Six queries against two panels (32 rows); writes a 6 × 32 score tile with row stride `ldo`.
    @inline(__always)
    private static func microTile(_ q: UnsafePointer<Float>, _ d: Int, _ panel: UnsafePointer<Float>,
                                  out: UnsafeMutablePointer<Float>, ldo: Int) {
        let q0 = q, q1 = q + d, q2 = q + 2 * d, q3 = q + 3 * d, q4 = q + 4 * d, q5 = q + 5 * d
        let pa = panel, pb = panel + 16 * d
        var a00 = SIMD16<Float>(), a01 = SIMD16<Float>(), a10 = SIMD16<Float>(), a11 = SIMD16<Float>()
        var a20 = SIMD16<Float>(), a21 = SIMD16<Float>(), a30 = SIMD16<Float>(), a31 = SIMD16<Float>()
        var a40 = SIMD16<Float>(), a41 = SIMD16<Float>(), a50 = SIMD16<Float>(), a51 = SIMD16<Float>()
        var j = 0
        while j < d {
            let x = load16(pa + j &* 16), y = load16(pb + j &* 16)
            var s = SIMD16<Float>(repeating: q0[j])
            a00.addProduct(s, x); a01.addProduct(s, y)
            s = SIMD16(repeating: q1[j])
            a10.addProduct(s, x); a11.addProduct(s, y)
            s = SIMD16(repeating: q2[j])
            a20.addProduct(s, x); a21.addProduct(s, y)
            s = SIMD16(repeating: q3[j])
            a30.addProduct(s, x); a31.addProduct(s, y)
            s = SIMD16(repeating: q4[j])
            a40.addProduct(s, x); a41.addProduct(s, y)
            s = SIMD16(repeating: q5[j])
            a50.addProduct(s, x); a51.addProduct(s, y)
            j &+= 1
        }
        store16(a00, out); store16(a01, out + 16)
        store16(a10, out + ldo); store16(a11, out + ldo + 16)
        store16(a20, out + 2 * ldo); store16(a21, out + 2 * ldo + 16)
        store16(a30, out + 3 * ldo); store16(a31, out + 3 * ldo + 16)
        store16(a40, out + 4 * ldo); store16(a41, out + 4 * ldo + 16)
        store16(a50, out + 5 * ldo); store16(a51, out + 5 * ldo + 16)
    }
}
