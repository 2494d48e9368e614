// A register-tiled GEMM for the model's projections, out (M × N) = A (M × K) · Bᵀ with B a PyTorch `Linear`
// weight (N × K, row-major), written as SIMD16 Swift so it uses AVX-512 under `-target-cpu native`.
//
// Why not only cblas_sgemm: the OpenBLAS this runs on is pinned to its Haswell (AVX2) kernels
// (OPENBLAS_CORETYPE=Haswell, because older builds miscompute on AVX-512 CPUs), and reaches about half of what
// the same register tiling does with 512-bit vectors (`ScanKernels+Tiled.swift` does the same A · Bᵀ for the
// index).
//
// Layout: B is packed once, at model load, into 16-column panels, each K × 16 floats stored k-major
// (`[panel][k][lane]`), so one SIMD16 load fetches B[n₀ ..< n₀+16, k]. The micro-kernel keeps a 6-row ×
// 32-column block of `out` in 12 SIMD16 accumulators and, per k, does 2 panel loads, 6 broadcasts of A[i, k]
// and 12 FMAs. Blocking: K in blocks of `kBlock` (only FFN down, K = 1536, has more than one) and M in blocks of
// `mBlock` rows, so a block of A (mBlock × kBlock) stays in L2 while every panel passes over it, and one
// panel pair (kBlock × 32) stays in L1/L2 while every row tile of the block passes over it.

enum TiledGEMM {
    /// Output columns per packed panel: N must be a multiple of it.
    static let panelWidth = 16
    /// Rows of A per micro-tile.
    static let tileRows = 6
    static let kBlock = 384
    static let mBlock = 96

    /// Whether `outputs` columns can be packed (otherwise callers use cblas_sgemm).
    static func canPack(outputs n: Int) -> Bool { n > 0 && n % panelWidth == 0 }

    /// Packs W (n × k, row-major) into `n / 16` panels of k × 16 floats (`[panel][k][lane]`) at `packed`,
    /// which holds n · k floats.
    static func pack(_ w: UnsafePointer<Float>, outputs n: Int, inputs k: Int, into packed: Floats) {
        precondition(canPack(outputs: n), "TiledGEMM packs N a multiple of \(panelWidth), got \(n)")
        for panel in 0..<(n / panelWidth) {
            let out = packed + panel * panelWidth * k
            for lane in 0..<panelWidth {
                let row = w + (panel * panelWidth + lane) * k
                for j in 0..<k { out[j &* panelWidth &+ lane] = row[j] }
            }
        }
    }

    /// out[:, columns] (m × |columns|, row stride ldOut) = a (m × k, row stride lda) · W[columns, :]ᵀ, W packed
    /// by `pack` (n × k). `columns` must start and end on a multiple of 16; `out` points at column 0.
    static func multiply(_ a: UnsafePointer<Float>, rows m: Int, inputs k: Int, lda: Int,
                         packed: UnsafePointer<Float>, columns: Range<Int>, into out: Floats, ldOut: Int) {
        precondition(columns.lowerBound % panelWidth == 0 && columns.upperBound % panelWidth == 0,
                     "column range \(columns) is not on 16-column panels")
        let (firstPanel, endPanel) = (columns.lowerBound / panelWidth, columns.upperBound / panelWidth)
        let panelStride = panelWidth * k
        for k0 in stride(from: 0, to: k, by: kBlock) {
            let depth = min(kBlock, k - k0)
            let accumulate = k0 > 0
            for m0 in stride(from: 0, to: m, by: mBlock) {
                let mEnd = min(m0 + mBlock, m)
                var panel = firstPanel
                while panel < endPanel {
                    let b = packed + panel * panelStride + k0 * panelWidth
                    let column = panel * panelWidth
                    if panel + 1 < endPanel {
                        // out[m0 ..< mEnd, column ..< column + 32] += a[m0 ..< mEnd, k0 ..< k0 + depth] · panels ᵀ
                        for r in stride(from: m0, to: mEnd, by: tileRows) {
                            tile6x32(a + r * lda + k0, lda: lda, rows: min(tileRows, mEnd - r), depth: depth,
                                     b, b + panelStride, out: out + r * ldOut + column, ldOut: ldOut, accumulate: accumulate)
                        }
                        panel += 2
                    } else {
                        for r in stride(from: m0, to: mEnd, by: tileRows) {
                            tile6x16(a + r * lda + k0, lda: lda, rows: min(tileRows, mEnd - r), depth: depth,
                                     b, out: out + r * ldOut + column, ldOut: ldOut, accumulate: accumulate)
                        }
                        panel += 1
                    }
                }
            }
        }
    }

    /// Row pointers of a tile with `rows` (1…6) valid rows: the missing ones repeat the last valid row, so the
    /// loop stays branch-free and their results are simply not stored.
    @inline(__always)
    private static func rowPointers(_ a: UnsafePointer<Float>, lda: Int, rows: Int)
        -> (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>) {
        let last = rows - 1
        return (a, a + min(1, last) * lda, a + min(2, last) * lda, a + min(3, last) * lda, a + min(4, last) * lda,
                a + min(5, last) * lda)
    }

    @inline(__always)
    private static func put(_ v: Vector, _ p: Floats, _ accumulate: Bool) {
        FastKernels.store(accumulate ? v + FastKernels.load(p) : v, p)
    }

    /// out (rows × 32) (+)= a (rows × depth) · [b0 | b1] (depth × 32), b0 and b1 two k-major 16-column panels.
    private static func tile6x32(_ a: UnsafePointer<Float>, lda: Int, rows: Int, depth: Int,
                                 _ b0: UnsafePointer<Float>, _ b1: UnsafePointer<Float>,
                                 out: Floats, ldOut: Int, accumulate: Bool) {
        let (a0, a1, a2, a3, a4, a5) = rowPointers(a, lda: lda, rows: rows)
        var c00 = Vector(), c01 = Vector(), c10 = Vector(), c11 = Vector(), c20 = Vector(), c21 = Vector()
        var c30 = Vector(), c31 = Vector(), c40 = Vector(), c41 = Vector(), c50 = Vector(), c51 = Vector()
        var j = 0
        while j < depth {
            let x = FastKernels.load(b0 + j &* 16), y = FastKernels.load(b1 + j &* 16)
            var s = Vector(repeating: a0[j])
            c00.addProduct(s, x); c01.addProduct(s, y)
            s = Vector(repeating: a1[j])
            c10.addProduct(s, x); c11.addProduct(s, y)
            s = Vector(repeating: a2[j])
            c20.addProduct(s, x); c21.addProduct(s, y)
            s = Vector(repeating: a3[j])
            c30.addProduct(s, x); c31.addProduct(s, y)
            s = Vector(repeating: a4[j])
            c40.addProduct(s, x); c41.addProduct(s, y)
            s = Vector(repeating: a5[j])
            c50.addProduct(s, x); c51.addProduct(s, y)
            j &+= 1
        }
        put(c00, out, accumulate); put(c01, out + 16, accumulate)
        guard rows > 1 else { return }
        put(c10, out + ldOut, accumulate); put(c11, out + ldOut + 16, accumulate)
        guard rows > 2 else { return }
        put(c20, out + 2 * ldOut, accumulate); put(c21, out + 2 * ldOut + 16, accumulate)
        guard rows > 3 else { return }
        put(c30, out + 3 * ldOut, accumulate); put(c31, out + 3 * ldOut + 16, accumulate)
        guard rows > 4 else { return }
        put(c40, out + 4 * ldOut, accumulate); put(c41, out + 4 * ldOut + 16, accumulate)
        guard rows > 5 else { return }
        put(c50, out + 5 * ldOut, accumulate); put(c51, out + 5 * ldOut + 16, accumulate)
    }

    /// out (rows × 16) (+)= a (rows × depth) · b (depth × 16): the last panel of an odd panel count.
    private static func tile6x16(_ a: UnsafePointer<Float>, lda: Int, rows: Int, depth: Int, _ b: UnsafePointer<Float>,
                                 out: Floats, ldOut: Int, accumulate: Bool) {
        let (a0, a1, a2, a3, a4, a5) = rowPointers(a, lda: lda, rows: rows)
        var c0 = Vector(), c1 = Vector(), c2 = Vector(), c3 = Vector(), c4 = Vector(), c5 = Vector()
        var j = 0
        while j < depth {
            let x = FastKernels.load(b + j &* 16)
            c0.addProduct(Vector(repeating: a0[j]), x)
            c1.addProduct(Vector(repeating: a1[j]), x)
            c2.addProduct(Vector(repeating: a2[j]), x)
            c3.addProduct(Vector(repeating: a3[j]), x)
            c4.addProduct(Vector(repeating: a4[j]), x)
            c5.addProduct(Vector(repeating: a5[j]), x)
            j &+= 1
        }
        put(c0, out, accumulate)
        if rows > 1 { put(c1, out + ldOut, accumulate) }
        if rows > 2 { put(c2, out + 2 * ldOut, accumulate) }
        if rows > 3 { put(c3, out + 3 * ldOut, accumulate) }
        if rows > 4 { put(c4, out + 4 * ldOut, accumulate) }
        if rows > 5 { put(c5, out + 5 * ldOut, accumulate) }
    }
}
