import CBLAS
import Foundation
import Testing
@testable import VectorIndex

@Suite struct BertKernelTests {
    /// Deterministic pseudo-random floats in [-scale, scale).
    func noise(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (Float(state >> 40) / Float(1 << 24) * 2 - 1) * scale
        }
    }

    @Test func blasThreadsRoundTrip() {
        guard let previous = BLASThreads.current else {
            #expect(BLASThreads.set(1) == false)  // reference BLAS: nothing to set
            return
        }
        defer { BLASThreads.set(previous) }
        #expect(BLASThreads.set(1))
        #expect(BLASThreads.current == 1)
    }

    @Test func erfAndExpMatchTheLibrary() {
        var worstErf: Float = 0, worstExp: Float = 0
        for start in stride(from: Float(-6), to: 6, by: 0.0016) {
            let x = Vector((0..<16).map { start + Float($0) * 0.0001 })
            let e = FastKernels.erf(x), ex = FastKernels.exp(x * 10)
            for lane in 0..<16 {
                worstErf = max(worstErf, abs(e[lane] - Float(Foundation.erf(Double(x[lane])))))
                let reference = Foundation.exp(Double(x[lane] * 10))
                worstExp = max(worstExp, Float(abs(Double(ex[lane]) - reference) / reference))
            }
        }
        #expect(worstErf <= 2e-7)
        #expect(worstExp <= 3e-7)
        #expect(FastKernels.exp(Vector(repeating: -.infinity)) == Vector())
        #expect(FastKernels.exp(Vector(repeating: -100)) == Vector())
    }

    @Test func geluMatchesTheNaiveKernel() {
        let x = noise(1536 * 2, seed: 1, scale: 8)
        var fast = x
        let zeros = [Float](repeating: 0, count: 1536)
        fast.withUnsafeMutableBufferPointer { FastKernels.addBiasGELU($0.baseAddress!, count: 2, width: 1536, bias: zeros) }
        let worst = zip(fast, x.map(NaiveKernels.gelu)).map { abs($0 - $1) }.max()!
        #expect(worst <= 1e-6)
    }

    @Test func softmaxMatchesTheNaiveKernel() {
        for count in [1, 3, 16, 17, 40, 256] {
            let x = noise(count, seed: UInt64(count), scale: 20)
            var fast = x
            fast.withUnsafeMutableBufferPointer { FastKernels.softmax($0.baseAddress!, count: count) }
            var naive = x[...]
            NaiveKernels.softmax(&naive)
            let worst = zip(fast, naive).map { abs($0 - $1) }.max()!
            #expect(worst <= 1e-6, "count \(count)")
            #expect(abs(fast.reduce(0, +) - 1) <= 1e-5)
        }
    }

    @Test func residualLayerNormMatchesTheNaiveKernel() {
        let (rows, width) = (3, 384)
        let x = noise(rows * width, seed: 2, scale: 3), y = noise(rows * width, seed: 3)
        let bias = noise(width, seed: 4), gamma = noise(width, seed: 5), beta = noise(width, seed: 6)
        var fast = x
        fast.withUnsafeMutableBufferPointer {
            FastKernels.addLayerNorm($0.baseAddress!, y, bias: bias, count: rows, width: width, gamma: gamma, beta: beta, eps: 1e-12)
        }
        var naive = zip(x, y).enumerated().map { $1.0 + $1.1 + bias[$0 % width] }
        for r in 0..<rows { NaiveKernels.layerNorm(&naive[(r * width)..<((r + 1) * width)], gamma: gamma, beta: beta, eps: 1e-12) }
        #expect(zip(fast, naive).map { abs($0 - $1) }.max()! <= 1e-5)
    }

    @Test func linearMatchesTheNaiveKernel() {
        let (m, k, n) = (7, 384, 1152)
        let x = noise(m * k, seed: 7), weight = noise(n * k, seed: 8), bias = noise(n, seed: 9)
        var fast = [Float](repeating: 0, count: m * n)
        fast.withUnsafeMutableBufferPointer { out in
            FastKernels.linear(x, rows: m, inputs: k, weight: weight, outputs: n, into: out.baseAddress!)
            FastKernels.addBias(out.baseAddress!, count: m, width: n, bias: bias)
        }
        let naive = NaiveKernels.linear(x, rows: m, inputs: k, weight: weight, bias: bias, outputs: n)
        #expect(zip(fast, naive).map { abs($0 - $1) }.max()! <= 1e-4)
    }
}

@Suite struct BertModelTests {
    let model: BertModel
    let items = TestModel.reference.items

    init() throws { model = try TestModel.model() }

    @Test func matchesSentenceTransformersOneAtATime() {
        #expect(model.dimension == 384)
        for item in items {
            let vector = model.embed(tokenBatch: [item.token_ids])[0]
            #expect(vector.count == 384)
            #expect(cosine(vector, item.embedding) >= 0.9999, "\(item.text)")
        }
    }

    @Test func paddedBatchMatchesSingles() {
        let batch = model.embed(tokenBatch: items.map(\.token_ids))
        #expect(batch.count == items.count)
        for (vector, item) in zip(batch, items) {
            #expect(cosine(vector, item.embedding) >= 0.9999, "\(item.text)")
            #expect(cosine(vector, model.embed(tokenBatch: [item.token_ids])[0]) >= 0.99999, "\(item.text)")
        }
    }

    @Test func blasMatchesTheNaiveForwardPass() {
        // Three short items of different lengths, so the naive pass pads and masks.
        let batch = [items[5].token_ids, items[0].token_ids, items[1].token_ids]
        let naive = model.embedReference(tokenBatch: batch)
        let blas = model.embed(tokenBatch: batch)
        for (a, b) in zip(naive, blas) { #expect(cosine(a, b) >= 0.99999) }
        #expect(cosine(naive[0], items[5].embedding) >= 0.9999)
    }

    @Test func concurrentCallsAgree() async {
        let batch = [items[3].token_ids, items[8].token_ids]
        let expected = model.embed(tokenBatch: batch)
        let model = self.model
        let results = await withTaskGroup(of: [[Float]].self) { group in
            for _ in 0..<4 { group.addTask { model.embed(tokenBatch: batch) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        // Not bit-equal: another test may switch OpenBLAS's thread count meanwhile, which changes its blocking.
        for result in results {
            for (a, b) in zip(result, expected) { #expect(cosine(a, b) >= 0.999999) }
        }
    }

    @Test func ownThreadsMatchOneThread() throws {
        // The model's own workers engage only while OpenBLAS runs single-threaded.
        let previous = BLASThreads.current
        BLASThreads.set(1)
        defer { if let previous { BLASThreads.set(previous) } }
        let batch = items.prefix(18).map(\.token_ids)
        let expected = model.embed(tokenBatch: batch)
        for threads in [2, 3] {
            var threaded = model
            threaded.threads = threads
            #expect(threaded.effectiveThreads == (previous == nil || BLASThreads.current == 1 ? threads : 1))
            // whole sequences per worker
            for (a, b) in zip(threaded.embed(tokenBatch: batch), expected) { #expect(cosine(a, b) >= 0.99999) }
            // fewer sequences than workers: column blocks and heads per worker
            let single = threaded.embed(tokenBatch: [items[8].token_ids])[0]
            #expect(cosine(single, items[8].embedding) >= 0.9999)
        }
    }

    @Test func edgeCases() {
        #expect(model.embed(tokenBatch: []).isEmpty)
        let withEmpty = model.embed(tokenBatch: [[], items[5].token_ids])
        #expect(withEmpty[0] == [Float](repeating: 0, count: 384))
        #expect(cosine(withEmpty[1], items[5].embedding) >= 0.9999)
    }

    @Test func rejectsUnsupportedConfigs() throws {
        let weights = try SafeTensorsFile(url: TestModel.directory.appendingPathComponent("model.safetensors"))
        var config = BertConfig.miniLML6
        config.hiddenAct = "relu"
        #expect(throws: BertModelError.unsupportedActivation("relu")) { try BertModel(config: config, weights: weights) }
        config = .miniLML6
        config.intermediateSize = 1024
        #expect(throws: SafeTensorsError.wrongShape(tensor: "encoder.layer.0.intermediate.dense.weight", expected: [1024, 384], got: [1536, 384])) {
            try BertModel(config: config, weights: weights)
        }
        #expect(try BertConfig(url: TestModel.directory.appendingPathComponent("config.json")) == .miniLML6)
    }
}
