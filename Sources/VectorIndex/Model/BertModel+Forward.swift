import CBLAS
import Dispatch

// The fast forward pass. Sequences are packed back to back: row `offsets[b] + t` holds token t of sequence b,
// so the batch carries no padding rows at all. The dense layers work on all R = Σ lengths rows at once;
// attention runs per (sequence, head) over that sequence's own rows, which is exactly what an additive −∞ mask
// on padded keys computes, without computing the padding.
//
// Parallelism: with `workers` > 1 (see `BertModel.threads`), a batch of at least `workers` sequences is cut
// into groups of whole sequences with about equal token counts, and each group runs the whole forward pass on
// its own thread (no synchronisation between layers: nothing crosses a sequence boundary). A batch of fewer
// sequences splits each product's output columns, and the attention heads, across the workers instead.
//
// Notation: R packed rows, H hidden (384), I intermediate (1536), A heads (12), D = H / A head size (32),
// L one sequence's length, P column parts.

extension BertModel {
    /// Per-call working memory: one allocation, carved into the activations of the current layer.
    struct Scratch {
        let x: Floats        // R × H   hidden state
        let qkv: Floats      // R × 3H  fused projections
        let context: Floats  // R × H   attention output before its dense layer
        let y: Floats        // R × H   output of a dense layer, before residual + LayerNorm
        let inner: Floats    // R × I   intermediate activations
        let scores: Floats   // P × Lmax × Lmax, one (sequence, head) at a time per part
        let scoresStride: Int
        let base: UnsafeMutableRawPointer

        init(rows: Int, hidden h: Int, intermediate i: Int, maxLength: Int, parts: Int) {
            scoresStride = (maxLength * maxLength + 15) / 16 * 16
            let sizes = [rows * h, rows * 3 * h, rows * h, rows * h, rows * i, parts * scoresStride]
            let padded = sizes.map { ($0 + 15) / 16 * 16 }
            base = UnsafeMutableRawPointer.allocate(byteCount: padded.reduce(0, +) * 4, alignment: 64)
            var pointers: [Floats] = []
            var offset = 0
            for count in padded {
                pointers.append((base + offset * 4).bindMemory(to: Float.self, capacity: count))
                offset += count
            }
            (x, qkv, context, y, inner, scores) = (pointers[0], pointers[1], pointers[2], pointers[3], pointers[4], pointers[5])
        }

        func deallocate() { base.deallocate() }
    }

    func forwardBLAS(_ batch: [[Int32]]) -> [[Float]] {
        let workers = effectiveThreads
        guard workers > 1, batch.count >= workers else {
            return forwardPacked(batch, parts: workers)
        }
        // Groups of whole sequences with about equal token counts, one per worker.
        let total = batch.reduce(0) { $0 + $1.count }
        var groups: [Range<Int>] = []
        var start = 0, seen = 0
        for (b, tokens) in batch.enumerated() {
            seen += tokens.count
            let remainingGroups = workers - groups.count - 1
            if remainingGroups > 0, seen * workers >= total * (groups.count + 1) || batch.count - b - 1 == remainingGroups {
                groups.append(start..<(b + 1))
                start = b + 1
            }
        }
        if start < batch.count { groups.append(start..<batch.count) }
        // One long sequence among short ones leaves the other workers idle: split the columns instead.
        let largest = groups.map { batch[$0].reduce(0) { $0 + $1.count } }.max() ?? 0
        if largest * workers * 10 > total * 14 { return forwardPacked(batch, parts: workers) }
        let ranges = groups

        let results = UnsafeMutableBufferPointer<[Float]>.allocate(capacity: batch.count)
        results.initialize(repeating: [])
        defer { results.deinitialize().deallocate() }
        let output = SendablePointer(results)
        DispatchQueue.concurrentPerform(iterations: ranges.count) { g in
            let vectors = forwardPacked(Array(batch[ranges[g]]), parts: 1)
            for (b, vector) in zip(ranges[g], vectors) { output.pointer[b] = vector }
        }
        return Array(results)
    }

    /// The forward pass of `batch` on the calling thread, or with each product split into `parts` column blocks
    /// run concurrently.
    private func forwardPacked(_ batch: [[Int32]], parts: Int) -> [[Float]] {
        let h = config.hiddenSize
        let lengths = batch.map(\.count)
        var offsets = [0]
        for length in lengths { offsets.append(offsets.last! + length) }
        let rows = offsets.last!
        let scratch = Scratch(rows: rows, hidden: h, intermediate: config.intermediateSize, maxLength: lengths.max() ?? 0,
                              parts: max(parts, 1))
        defer { scratch.deallocate() }
        let w = UnsafePointer(storage.base)
        let team = WorkerTeam(size: parts)

        embedTokens(batch, offsets: offsets, weights: w, into: scratch.x)
        let tiled = projectionKernel == .tiled ? packed : nil
        for (index, layer) in layout.layers.enumerated() {
            let packedLayer = tiled.map { PackedWeights(base: UnsafePointer($0.storage.base), layer: $0.layers[index]) }
            attentionBlock(layer, packedLayer, lengths: lengths, offsets: offsets, weights: w, scratch: scratch, team: team)
            feedForwardBlock(layer, packedLayer, rows: rows, weights: w, scratch: scratch, team: team)
        }
        return (0..<batch.count).map { b in
            meanPoolNormalised(scratch.x + offsets[b] * h, count: lengths[b], width: h)
        }
    }

    /// out (R × N) = x (R × K) · Wᵀ, the N output columns cut into one block per team member (multiples of 16
    /// columns, which are whole `TiledGEMM` panels). `packed` is W packed for `TiledGEMM`; nil uses cblas_sgemm.
    private func linear(_ x: Floats, rows: Int, inputs k: Int, weight: UnsafePointer<Float>, packed: UnsafePointer<Float>?,
                        outputs n: Int, into out: Floats, team: WorkerTeam) {
        func block(_ first: Int, _ width: Int) {
            // out[:, first ..< first + width] (R × width) = x (R × K) · W[first ..< first + width, :]ᵀ
            if let packed {
                TiledGEMM.multiply(x, rows: rows, inputs: k, lda: k, packed: packed, columns: first..<(first + width),
                                   into: out, ldOut: n)
            } else {
                FastKernels.linear(x, rows: rows, inputs: k, weight: weight + first * k, outputs: width,
                                   into: out + first, ldOut: n)
            }
        }
        guard team.size > 1 else { return block(0, n) }
        let width = (n + team.size * 16 - 1) / (team.size * 16) * 16
        team.run { p in
            let first = p * width
            guard first < n else { return }
            block(first, min(width, n - first))
        }
    }

    /// x (R × H) = LayerNorm(word[id] + position[t] + tokenType[0]).
    private func embedTokens(_ batch: [[Int32]], offsets: [Int], weights w: UnsafePointer<Float>, into x: Floats) {
        let h = config.hiddenSize
        let (word, position, type) = (w + layout.wordEmbeddings, w + layout.positionEmbeddings, w + layout.tokenTypeEmbeddings)
        for (b, tokens) in batch.enumerated() {
            for (t, id) in tokens.enumerated() {
                let row = x + (offsets[b] + t) * h
                let (wordRow, positionRow) = (word + Int(id) * h, position + t * h)
                for k in 0..<h { row[k] = wordRow[k] + positionRow[k] + type[k] }
            }
        }
        FastKernels.addLayerNorm(x, nil, bias: nil, count: offsets.last!, width: h,
                                 gamma: w + layout.embeddingNormGamma, beta: w + layout.embeddingNormBeta, eps: config.layerNormEps)
    }

    /// x = LayerNorm(x + SelfAttention(x) · Woᵀ + bo).
    private func attentionBlock(_ layer: WeightLayout.Layer, _ packed: PackedWeights?, lengths: [Int], offsets: [Int], weights w: UnsafePointer<Float>,
                                scratch s: Scratch, team: WorkerTeam) {
        let (h, heads) = (config.hiddenSize, config.numAttentionHeads)
        let rows = offsets.last!
        // qkv (R × 3H) = x (R × H) · Wqkvᵀ (H × 3H) + bqkv
        linear(s.x, rows: rows, inputs: h, weight: w + layer.qkvWeight, packed: packed?.qkv, outputs: 3 * h,
               into: s.qkv, team: team)
        FastKernels.addBias(s.qkv, count: rows, width: 3 * h, bias: w + layer.qkvBias)

        // Heads write disjoint column blocks of `context`; each team member has its own score matrix.
        team.run { p in
            for head in stride(from: p, to: heads, by: team.size) {
                attentionHead(head, lengths: lengths, offsets: offsets, scratch: s, scores: s.scores + p * s.scoresStride)
            }
        }

        // y (R × H) = context (R × H) · Woᵀ (H × H)
        linear(s.context, rows: rows, inputs: h, weight: w + layer.attentionOutputWeight, packed: packed?.attentionOutput,
               outputs: h, into: s.y, team: team)
        // x (R × H) = LayerNorm(x + y + bo)
        FastKernels.addLayerNorm(s.x, s.y, bias: w + layer.attentionOutputBias, count: rows, width: h,
                                 gamma: w + layer.attentionNormGamma, beta: w + layer.attentionNormBeta, eps: config.layerNormEps)
    }

    /// One head of self-attention for every sequence: context[:, head·D ..< (head+1)·D].
    private func attentionHead(_ head: Int, lengths: [Int], offsets: [Int], scratch s: Scratch, scores: Floats) {
        let (h, d) = (config.hiddenSize, config.headSize)
        let scale = 1 / Float(d).squareRoot()
        for (b, length) in lengths.enumerated() where length > 0 {
            let q = s.qkv + offsets[b] * 3 * h + head * d  // L × D, row stride 3H
            let k = q + h
            let v = q + 2 * h
            // scores (L × L) = q (L × D) · kᵀ (D × L) / √D
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(length), Int32(length), Int32(d),
                        scale, q, Int32(3 * h), k, Int32(3 * h), 0, scores, Int32(length))
            // probabilities (L × L) = softmax over each row
            for i in 0..<length { FastKernels.softmax(scores + i * length, count: length) }
            // context[:, head·D ..< (head+1)·D] (L × D) = probabilities (L × L) · v (L × D)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(length), Int32(d), Int32(length),
                        1, scores, Int32(length), v, Int32(3 * h), 0, s.context + offsets[b] * h + head * d, Int32(h))
        }
    }

    /// x = LayerNorm(x + GELU(x · W1ᵀ + b1) · W2ᵀ + b2).
    private func feedForwardBlock(_ layer: WeightLayout.Layer, _ packed: PackedWeights?, rows: Int, weights w: UnsafePointer<Float>, scratch s: Scratch,
                                  team: WorkerTeam) {
        let (h, i) = (config.hiddenSize, config.intermediateSize)
        // inner (R × I) = GELU(x (R × H) · W1ᵀ (H × I) + b1)
        linear(s.x, rows: rows, inputs: h, weight: w + layer.intermediateWeight, packed: packed?.intermediate,
               outputs: i, into: s.inner, team: team)
        FastKernels.addBiasGELU(s.inner, count: rows, width: i, bias: w + layer.intermediateBias)
        // y (R × H) = inner (R × I) · W2ᵀ (I × H)
        linear(s.inner, rows: rows, inputs: i, weight: w + layer.outputWeight, packed: packed?.output,
               outputs: h, into: s.y, team: team)
        // x (R × H) = LayerNorm(x + y + b2)
        FastKernels.addLayerNorm(s.x, s.y, bias: w + layer.outputBias, count: rows, width: h,
                                 gamma: w + layer.outputNormGamma, beta: w + layer.outputNormBeta, eps: config.layerNormEps)
    }

    /// Mean of `count` rows (count × width), scaled to unit length; zeros when count is 0.
    private func meanPoolNormalised(_ rows: UnsafePointer<Float>, count: Int, width: Int) -> [Float] {
        var sum = [Float](repeating: 0, count: width)
        for r in 0..<count {
            for k in 0..<width { sum[k] += rows[r * width + k] }
        }
        if count > 0 { sum = sum.map { $0 / Float(count) } }
        return NaiveKernels.l2Normalised(sum)
    }
}

/// One layer's `TiledGEMM`-packed projection weights.
private struct PackedWeights {
    let base: UnsafePointer<Float>
    let layer: PackedProjections.Layer
    var qkv: UnsafePointer<Float> { base + layer.qkv }
    var attentionOutput: UnsafePointer<Float> { base + layer.attentionOutput }
    var intermediate: UnsafePointer<Float> { base + layer.intermediate }
    var output: UnsafePointer<Float> { base + layer.output }
}

/// Hands a pointer to `concurrentPerform` workers that write disjoint parts of it.
struct SendablePointer<P>: @unchecked Sendable {
    let pointer: P
    init(_ pointer: P) { self.pointer = pointer }
}
