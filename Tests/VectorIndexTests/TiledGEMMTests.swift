import Foundation
import Testing
@testable import VectorIndex

@Suite struct TiledGEMMTests {
    /// Deterministic pseudo-random floats in [-1, 1).
    func noise(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(state >> 40) / Float(1 << 24) * 2 - 1
        }
    }

    /// out (m × n) = a (m × k) · wᵀ, w (n × k), in Double.
    func naive(_ a: [Float], _ w: [Float], m: Int, k: Int, n: Int) -> [Float] {
        var out = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k { sum += Double(a[i * k + p]) * Double(w[j * k + p]) }
                out[i * n + j] = Float(sum)
            }
        }
        return out
    }

    /// The tiled product of `a` and `w` over `columnBlocks` (each a whole number of panels), as one matrix.
    func tiled(_ a: [Float], _ w: [Float], m: Int, k: Int, n: Int, columnBlocks: [Range<Int>]? = nil) -> [Float] {
        var packed = [Float](repeating: .nan, count: n * k)
        packed.withUnsafeMutableBufferPointer { TiledGEMM.pack(w, outputs: n, inputs: k, into: $0.baseAddress!) }
        var out = [Float](repeating: .nan, count: m * n)
        out.withUnsafeMutableBufferPointer { out in
            for columns in columnBlocks ?? [0..<n] {
                TiledGEMM.multiply(a, rows: m, inputs: k, lda: k, packed: packed, columns: columns,
                                   into: out.baseAddress!, ldOut: n)
            }
        }
        return out
    }

    /// Largest |x − y| relative to the largest |y|.
    func relativeError(_ x: [Float], _ y: [Float]) -> Float {
        let scale = max(y.map(abs).max() ?? 0, .leastNormalMagnitude)
        return zip(x, y).map { abs($0 - $1) }.max()! / scale
    }

    @Test(arguments: [(1152, 384), (384, 384), (1536, 384), (384, 1536)])
    func matchesTheNaiveProductOnMiniLMShapes(n: Int, k: Int) {
        for m in [1, 3, 7, 13, 33, 130] {
            let a = noise(m * k, seed: UInt64(m)), w = noise(n * k, seed: UInt64(n + k))
            let error = relativeError(tiled(a, w, m: m, k: k, n: n), naive(a, w, m: m, k: k, n: n))
            #expect(error < 1e-4, "m \(m) n \(n) k \(k): relative error \(error)")
        }
    }

    @Test func columnBlocksAndOddPanelCountsCoverTheOutput() {
        // 80 columns = 5 panels: a 32-column pair, then a lone 16-column panel; blocks as a 3-thread split cuts
        // them, K not a multiple of the K block, and rows past several row blocks.
        let (m, k, n) = (200, 400, 80)
        let a = noise(m * k, seed: 11), w = noise(n * k, seed: 12)
        let expected = naive(a, w, m: m, k: k, n: n)
        #expect(relativeError(tiled(a, w, m: m, k: k, n: n), expected) < 1e-4)
        #expect(relativeError(tiled(a, w, m: m, k: k, n: n, columnBlocks: [0..<16, 16..<64, 64..<80]), expected) < 1e-4)
    }

    @Test func packingNeedsWholePanels() {
        #expect(TiledGEMM.canPack(outputs: 1152))
        #expect(!TiledGEMM.canPack(outputs: 100))
        #expect(!TiledGEMM.canPack(outputs: 0))
    }
}

@Suite struct ProjectionKernelTests {
    let model: BertModel
    let items = TestModel.reference.items

    init() throws { model = try TestModel.model() }

    func embedAll(_ kernel: BertModel.ProjectionKernel) -> (singles: [[Float]], batch: [[Float]]) {
        var model = self.model
        model.projectionKernel = kernel
        return (items.map { model.embed(tokenBatch: [$0.token_ids])[0] }, model.embed(tokenBatch: items.map(\.token_ids)))
    }

    @Test func defaultIsTiled() {
        #expect(model.projectionKernel == .tiled)
        #expect(model.packed != nil)
    }

    @Test(arguments: BertModel.ProjectionKernel.allCases)
    func matchesSentenceTransformers(kernel: BertModel.ProjectionKernel) {
        let (singles, batch) = embedAll(kernel)
        for (item, (single, batched)) in zip(items, zip(singles, batch)) {
            #expect(cosine(single, item.embedding) >= 0.9999, "\(kernel) single: \(item.text)")
            #expect(cosine(batched, item.embedding) >= 0.9999, "\(kernel) batched: \(item.text)")
        }
    }

    @Test func tiledMatchesBLASAndTheNaivePass() {
        var tiled = model, blas = model
        tiled.projectionKernel = .tiled
        blas.projectionKernel = .blas
        let batch = [items[5].token_ids, items[0].token_ids, items[1].token_ids]
        let naive = model.embedReference(tokenBatch: batch)
        for (a, (b, c)) in zip(tiled.embed(tokenBatch: batch), zip(blas.embed(tokenBatch: batch), naive)) {
            #expect(cosine(a, b) >= 0.99999)
            #expect(cosine(a, c) >= 0.99999)
        }
    }

    @Test func tiledWithOwnThreadsMatchesOneThread() {
        let previous = BLASThreads.current
        BLASThreads.set(1)
        defer { if let previous { BLASThreads.set(previous) } }
        var tiled = model
        tiled.projectionKernel = .tiled
        let expected = tiled.embed(tokenBatch: items.prefix(6).map(\.token_ids))
        for threads in [2, 3] {
            tiled.threads = threads
            // whole sequences per worker, then column blocks per worker
            for (a, b) in zip(tiled.embed(tokenBatch: items.prefix(6).map(\.token_ids)), expected) {
                #expect(cosine(a, b) >= 0.99999)
            }
            #expect(cosine(tiled.embed(tokenBatch: [items[8].token_ids])[0], items[8].embedding) >= 0.9999)
        }
    }
}
