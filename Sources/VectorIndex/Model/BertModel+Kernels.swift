import CBLAS

// The fast kernels of the forward pass: products through cblas_sgemm, element-wise loops over 16-float SIMD
// vectors (AVX-512 under `-target-cpu native`) with vectorisable exp and erf approximations. Each has a naive
// twin in `NaiveKernels` (BertModel+Reference.swift) that the tests compare it against.

typealias Floats = UnsafeMutablePointer<Float>
typealias Vector = SIMD16<Float>

enum FastKernels {
    /// out (m × n, row stride ldOut) = x (m × k, row stride ldX) · Wᵀ, W a PyTorch `Linear` weight (n × k).
    @inline(__always)
    static func linear(_ x: UnsafePointer<Float>, rows m: Int, inputs k: Int, ldX: Int? = nil,
                       weight: UnsafePointer<Float>, outputs n: Int, into out: Floats, ldOut: Int? = nil) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k),
                    1, x, Int32(ldX ?? k), weight, Int32(k), 0, out, Int32(ldOut ?? n))
    }

    /// rows (count × width) += bias (width), for every row.
    static func addBias(_ rows: Floats, count: Int, width: Int, bias: UnsafePointer<Float>) {
        for r in 0..<count {
            let row = rows + r * width
            var i = 0
            while i + 16 <= width {
                store(load(row + i) + load(bias + i), row + i)
                i += 16
            }
            while i < width { row[i] += bias[i]; i += 1 }
        }
    }

    /// rows (count × width) = gelu(rows + bias), erf form.
    static func addBiasGELU(_ rows: Floats, count: Int, width: Int, bias: UnsafePointer<Float>) {
        for r in 0..<count {
            let row = rows + r * width
            var i = 0
            while i + 16 <= width {
                store(gelu(load(row + i) + load(bias + i)), row + i)
                i += 16
            }
            while i < width { row[i] = NaiveKernels.gelu(row[i] + bias[i]); i += 1 }
        }
    }

    /// x (count × width) = LayerNorm(x + y + bias) · gamma + beta: the residual, the projection's bias and the
    /// normalisation in one pass per row. `y` and `bias` may be nil (the embeddings' LayerNorm has neither).
    static func addLayerNorm(_ x: Floats, _ y: UnsafePointer<Float>?, bias: UnsafePointer<Float>?, count: Int, width: Int,
                             gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float) {
        precondition(width % 16 == 0, "hidden size must be a multiple of 16")
        for r in 0..<count {
            let row = x + r * width
            var sum = Vector()
            var i = 0
            while i < width {
                var v = load(row + i)
                if let y { v += load(y + r * width + i) }
                if let bias { v += load(bias + i) }
                store(v, row + i)
                sum += v
                i += 16
            }
            let mean = sum.sum() / Float(width)
            var squares = Vector()
            i = 0
            while i < width {
                let d = load(row + i) - mean
                squares.addProduct(d, d)
                i += 16
            }
            let scale = 1 / (squares.sum() / Float(width) + eps).squareRoot()
            i = 0
            while i < width {
                let normalised = (load(row + i) - mean) * scale
                store(load(beta + i).addingProduct(normalised, load(gamma + i)), row + i)
                i += 16
            }
        }
    }

    /// row (count) = softmax(row), in place.
    static func softmax(_ row: Floats, count: Int) {
        var maxima = Vector(repeating: -.infinity)
        var i = 0
        while i + 16 <= count { maxima = maximum(maxima, load(row + i)); i += 16 }
        var m = maxima.max()
        for j in i..<count { m = Swift.max(m, row[j]) }

        var sums = Vector()
        i = 0
        while i + 16 <= count {
            let e = exp(load(row + i) - m)
            store(e, row + i)
            sums += e
            i += 16
        }
        if i < count {
            var tail = Vector(repeating: -.infinity)
            for j in i..<count { tail[j - i] = row[j] }
            let e = exp(tail - m)  // the −∞ lanes give exactly 0
            sums += e
            for j in i..<count { row[j] = e[j - i] }
        }
        let inverse = 1 / sums.sum()
        i = 0
        while i + 16 <= count { store(load(row + i) * inverse, row + i); i += 16 }
        for j in i..<count { row[j] *= inverse }
    }

    // MARK: Vector maths

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
    }

    @inline(__always) static func load(_ p: Floats) -> Vector { load(UnsafePointer(p)) }

    @inline(__always) static func store(_ v: Vector, _ p: Floats) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
    }

    /// 0.5 · x · (1 + erf(x / √2)), the exact GELU of BERT's `hidden_act: "gelu"`.
    @inline(__always) static func gelu(_ x: Vector) -> Vector {
        0.5 * x * (1 + erf(x * 0.707_106_77))
    }

    // Compare-and-blend min/max: the stdlib's pointwiseMin/Max honour NaN rules lane by lane and compile to
    // scalar code with spills (7% of a 128-token batch in softmax alone).
    @inline(__always) static func maximum(_ a: Vector, _ b: Vector) -> Vector { a.replacing(with: b, where: b .> a) }
    @inline(__always) static func minimum(_ a: Vector, _ b: Vector) -> Vector { a.replacing(with: b, where: b .< a) }

    /// One Horner step: p · x + c.
    @inline(__always) private static func horner(_ p: Vector, _ x: Vector, _ c: Float) -> Vector {
        Vector(repeating: c).addingProduct(p, x)
    }

    /// eˣ per lane, after Cephes' expf: x = n·ln2 + r with |r| ≤ ln2/2, eʳ by a degree-6 polynomial, 2ⁿ put
    /// straight into the exponent bits. Relative error ≈ 1e-7; lanes below −87.3 (−∞ included) give exactly 0.
    @inline(__always) static func exp(_ x: Vector) -> Vector {
        let clamped = maximum(minimum(x, Vector(repeating: 88.3)), Vector(repeating: -87.3))
        // Adding 1.5·2²³ rounds x·log₂e to the nearest integer, held in the low mantissa bits.
        let shifter: Float = 12_582_912
        let shifted = Vector(repeating: shifter).addingProduct(clamped, Vector(repeating: 1.442_695_04))
        let n = shifted - shifter
        let r = clamped.addingProduct(n, Vector(repeating: -0.693_359_375))
            .addingProduct(n, Vector(repeating: 2.121_944_4e-4))
        var p = Vector(repeating: 1.987_569_15e-4)
        p = horner(p, r, 1.398_199_95e-3)
        p = horner(p, r, 8.333_451_9e-3)
        p = horner(p, r, 4.166_579_59e-2)
        p = horner(p, r, 1.666_666_55e-1)
        p = horner(p, r, 5.000_000_12e-1)
        let er = (r + 1).addingProduct(p, r * r)
        let exponent = (unsafeBitCast(shifted, to: SIMD16<UInt32>.self) &- shifter.bitPattern &+ 127) &<< 23
        let result = er * unsafeBitCast(exponent, to: Vector.self)
        return result.replacing(with: 0, where: x .< -87.3)
    }

    /// erf(x) per lane, absolute error ≤ 1.5e-7 (least-squares fits made for this file):
    /// |x| < 0.8: x·P(x²); otherwise 1 − e^(−x²)·Q(t) with t = 1/(1 + |x|/2), |x| clamped at 4.5 where erf
    /// is 1 in Float. Both branches are computed and blended, which keeps the loop branch-free.
    @inline(__always) static func erf(_ x: Vector) -> Vector {
        let bits = unsafeBitCast(x, to: SIMD16<UInt32>.self)
        let a = unsafeBitCast(bits & 0x7fff_ffff, to: Vector.self)
        let a2 = a * a
        var smallP = Vector(repeating: 9.260_653_698_500_842e-05)
        smallP = horner(smallP, a2, -8.323_589_670_231_684e-04)
        smallP = horner(smallP, a2, 5.214_826_997_093_206e-03)
        smallP = horner(smallP, a2, -2.686_424_731_191_089_7e-02)
        smallP = horner(smallP, a2, 1.128_377_242_640_844e-01)
        smallP = horner(smallP, a2, -3.761_263_818_377_441e-01)
        smallP = horner(smallP, a2, 1.128_379_167_051_896)
        let small = a * smallP
        let clamped = minimum(a, Vector(repeating: 4.5))
        let t = 1 / (clamped * 0.5 + 1)
        var q = Vector(repeating: 4.625_392_552_419_179e-03)
        q = horner(q, t, 9.966_536_209_358_828e-02)
        q = horner(q, t, -4.349_008_307_471_102e-01)
        q = horner(q, t, 5.253_832_255_785_889e-01)
        q = horner(q, t, -7.913_679_043_293_155e-02)
        q = horner(q, t, 3.377_813_838_279_163_4e-01)
        q = horner(q, t, 2.622_274_487_148_691e-01)
        q = horner(q, t, 2.845_482_726_057_667e-01)
        q = horner(q, t, -1.315_497_044_325_083e-04)
        let large = 1 - exp(-(clamped * clamped)) * q
        let magnitude = large.replacing(with: small, where: a .< 0.8)
        return unsafeBitCast(unsafeBitCast(magnitude, to: SIMD16<UInt32>.self) | (bits & 0x8000_0000), to: Vector.self)
    }
}
