import Foundation

// The reference forward pass: plain loops, a batch padded to its longest sequence, and an additive mask on
// padded keys — the textbook formulation, kept to check the fast path against.

enum NaiveKernels {
    /// out (m × n) = x (m × k) · Wᵀ + b, W a PyTorch `Linear` weight (n × k).
    static func linear(_ x: [Float], rows m: Int, inputs k: Int, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                       outputs n: Int) -> [Float] {
        var out = [Float](repeating: 0, count: m * n)
        for r in 0..<m {
            for c in 0..<n {
                var sum: Float = 0
                for j in 0..<k { sum += x[r * k + j] * weight[c * k + j] }
                out[r * n + c] = sum + bias[c]
            }
        }
        return out
    }

    /// row = (row − mean) / √(variance + eps) · gamma + beta.
    static func layerNorm(_ row: inout ArraySlice<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float) {
        let n = Float(row.count)
        let mean = row.reduce(0, +) / n
        let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        let scale = 1 / (variance + eps).squareRoot()
        for (k, i) in row.indices.enumerated() { row[i] = (row[i] - mean) * scale * gamma[k] + beta[k] }
    }

    /// row = softmax(row), max subtracted first.
    static func softmax(_ row: inout ArraySlice<Float>) {
        let m = row.max() ?? 0
        for i in row.indices { row[i] = expf(row[i] - m) }
        let sum = row.reduce(0, +)
        for i in row.indices { row[i] /= sum }
    }

    /// 0.5 · x · (1 + erf(x / √2)).
    static func gelu(_ x: Float) -> Float {
        0.5 * x * (1 + erff(x * 0.707_106_77))
    }

    /// v / max(‖v‖, 1e-12), as torch.nn.functional.normalize.
    static func l2Normalised(_ v: [Float]) -> [Float] {
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return v.map { $0 / max(norm, 1e-12) }
    }
}

extension BertModel {
    func forwardNaive(_ batch: [[Int32]]) -> [[Float]] {
        let (h, inner, heads, d) = (config.hiddenSize, config.intermediateSize, config.numAttentionHeads, config.headSize)
        let n = batch.count
        let t = batch.map(\.count).max() ?? 0
        let rows = n * t
        let w = UnsafePointer(storage.base)
        let eps = config.layerNormEps
        // mask (N × T): 0 on tokens, a large negative number on padding (HF uses the dtype's minimum).
        let mask: [[Float]] = batch.map { tokens in (0..<t).map { $0 < tokens.count ? 0 : -Float.greatestFiniteMagnitude } }

        // x (N·T × H) = LayerNorm(word[id] + position[t] + tokenType[0]); padding uses id 0 ([PAD]).
        var x = [Float](repeating: 0, count: rows * h)
        for b in 0..<n {
            for p in 0..<t {
                let id = p < batch[b].count ? Int(batch[b][p]) : 0
                for k in 0..<h {
                    x[(b * t + p) * h + k] = w[layout.wordEmbeddings + id * h + k] + w[layout.positionEmbeddings + p * h + k]
                        + w[layout.tokenTypeEmbeddings + k]
                }
            }
        }
        layerNormRows(&x, width: h, gamma: w + layout.embeddingNormGamma, beta: w + layout.embeddingNormBeta, eps: eps)

        for layer in layout.layers {
            // qkv (N·T × 3H) = x · Wqkvᵀ + bqkv
            let qkv = NaiveKernels.linear(x, rows: rows, inputs: h, weight: w + layer.qkvWeight, bias: w + layer.qkvBias, outputs: 3 * h)
            // context (N·T × H): per (sequence, head), softmax(q·kᵀ/√D + mask) · v
            var context = [Float](repeating: 0, count: rows * h)
            var scores = [Float](repeating: 0, count: t)
            for b in 0..<n {
                for head in 0..<heads {
                    for i in 0..<t {
                        let q = (b * t + i) * 3 * h + head * d
                        for j in 0..<t {
                            let k = (b * t + j) * 3 * h + h + head * d
                            var dot: Float = 0
                            for c in 0..<d { dot += qkv[q + c] * qkv[k + c] }
                            scores[j] = dot / Float(d).squareRoot() + mask[b][j]
                        }
                        NaiveKernels.softmax(&scores[...])
                        for c in 0..<d {
                            var sum: Float = 0
                            for j in 0..<t { sum += scores[j] * qkv[(b * t + j) * 3 * h + 2 * h + head * d + c] }
                            context[(b * t + i) * h + head * d + c] = sum
                        }
                    }
                }
            }
            // x = LayerNorm(x + context · Woᵀ + bo)
            let attended = NaiveKernels.linear(context, rows: rows, inputs: h, weight: w + layer.attentionOutputWeight,
                                               bias: w + layer.attentionOutputBias, outputs: h)
            for i in x.indices { x[i] += attended[i] }
            layerNormRows(&x, width: h, gamma: w + layer.attentionNormGamma, beta: w + layer.attentionNormBeta, eps: eps)
            // x = LayerNorm(x + GELU(x · W1ᵀ + b1) · W2ᵀ + b2)
            let activated = NaiveKernels.linear(x, rows: rows, inputs: h, weight: w + layer.intermediateWeight,
                                                bias: w + layer.intermediateBias, outputs: inner).map(NaiveKernels.gelu)
            let output = NaiveKernels.linear(activated, rows: rows, inputs: inner, weight: w + layer.outputWeight,
                                             bias: w + layer.outputBias, outputs: h)
            for i in x.indices { x[i] += output[i] }
            layerNormRows(&x, width: h, gamma: w + layer.outputNormGamma, beta: w + layer.outputNormBeta, eps: eps)
        }

        // mean over unmasked tokens, then L2 normalisation
        return (0..<n).map { b in
            var sum = [Float](repeating: 0, count: h)
            for p in 0..<batch[b].count {
                for k in 0..<h { sum[k] += x[(b * t + p) * h + k] }
            }
            return NaiveKernels.l2Normalised(sum.map { $0 / Float(max(batch[b].count, 1)) })
        }
    }

    private func layerNormRows(_ x: inout [Float], width: Int, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float) {
        for start in stride(from: 0, to: x.count, by: width) {
            NaiveKernels.layerNorm(&x[start..<(start + width)], gamma: gamma, beta: beta, eps: eps)
        }
    }
}
