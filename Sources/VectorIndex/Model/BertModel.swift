import Foundation

/// Why a BERT model could not be built.
public enum BertModelError: Error, Equatable, CustomStringConvertible {
    /// `config.json` names an activation other than the exact GELU.
    case unsupportedActivation(String)
    /// `config.json` has sizes this implementation cannot run (reason says which).
    case invalidConfig(String)

    public var description: String {
        switch self {
        case let .unsupportedActivation(name): "BERT hidden_act '\(name)' is not supported (only \"gelu\")"
        case let .invalidConfig(why): "BERT config not supported: \(why)"
        }
    }
}

/// A BERT encoder (all-MiniLM-L6-v2 and its kin) that turns token ids into mean-pooled, L2-normalised sentence
/// vectors, on the CPU.
///
/// All weights live in one 64-byte-aligned allocation; `layout` holds each tensor's offset. Q, K and V are
/// stored as one fused `[3·hidden, hidden]` matrix and `[3·hidden]` bias so one sgemm does all three
/// projections. The model is immutable after `init`, so one instance can serve many threads at once: every call
/// allocates its own scratch.
public struct BertModel: Sendable {
    /// Which implementation of the numeric kernels a forward pass uses.
    public enum Kernels: Sendable {
        /// cblas_sgemm for every product, SIMD loops for the rest, no work on padding.
        case blas
        /// Plain loops over a padded batch with an additive attention mask, for checking `.blas`.
        case naive
    }

    /// Which GEMM computes the dense projections (QKV, attention output, FFN up and down) of a `.blas` pass.
    public enum ProjectionKernel: Sendable, CaseIterable {
        /// cblas_sgemm on the weights as loaded.
        case blas
        /// `TiledGEMM`, a register-tiled AVX-512 Swift kernel on weights packed at load (falls back to
        /// cblas_sgemm when a projection width is not a multiple of 16).
        case tiled
    }

    public let config: BertConfig

    /// The GEMM for the projections. `.tiled` by default: with OpenBLAS held to its AVX2 kernels
    /// (OPENBLAS_CORETYPE=Haswell) on an AVX-512 CPU it was 1.6–2.1× faster on every workload of
    /// `frontdesk bench embed --kernel blas|tiled` (2 cores: queries at batch 1 573 vs 306/s, at batch 32 1523 vs
    /// 857/s, 128-token passages 125 vs 68.5/s). On a CPU without AVX-512 measure before keeping it.
    public var projectionKernel: ProjectionKernel = .tiled

    /// Threads one `embed` call may use for its own parallelism (≥ 1).
    ///
    /// They are used only while the BLAS itself is single-threaded (`BLASThreads.current` is 1, or not
    /// OpenBLAS): OpenBLAS's pthreads build serialises concurrent multi-threaded calls on one lock, so our
    /// workers and its workers must not both run. With OpenBLAS at n > 1 threads, OpenBLAS parallelises each
    /// product and the rest of the pass runs on the caller's thread.
    ///
    /// Fastest on a 2-core machine: `BLASThreads.set(1)` once at start-up and `threads = 2` (batch-1 latency
    /// falls from ~4.7 ms to ~3 ms; the model's own split also beats OpenBLAS's on batches of 32).
    public var threads: Int = 1

    var effectiveThreads: Int {
        threads > 1 && (BLASThreads.current ?? 1) == 1 ? threads : 1
    }
    let layout: WeightLayout
    let storage: WeightStorage
    /// The projection weights again, packed for `TiledGEMM` (one more copy, 42 MB for MiniLM-L6); nil when a
    /// width is not a multiple of 16.
    let packed: PackedProjections?

    /// Length of every output vector (the hidden size, 384 for MiniLM).
    public var dimension: Int { config.hiddenSize }

    /// Builds the model from a parsed `config.json` and its safetensors weights.
    /// - Throws: `BertModelError` for an unsupported config, `SafeTensorsError` for a missing or mis-shaped tensor.
    public init(config: BertConfig, weights: SafeTensorsFile) throws {
        guard config.hiddenAct == "gelu" else { throw BertModelError.unsupportedActivation(config.hiddenAct) }
        guard config.hiddenSize > 0, config.hiddenSize % 16 == 0 else {
            throw BertModelError.invalidConfig("hidden_size \(config.hiddenSize) is not a positive multiple of 16")
        }
        guard config.numAttentionHeads > 0, config.hiddenSize % config.numAttentionHeads == 0 else {
            throw BertModelError.invalidConfig("hidden_size \(config.hiddenSize) does not split into \(config.numAttentionHeads) heads")
        }
        guard config.numHiddenLayers > 0, config.intermediateSize > 0, config.vocabSize > 0,
              config.maxPositionEmbeddings > 0, config.typeVocabSize > 0 else {
            throw BertModelError.invalidConfig("a size is not positive")
        }
        self.config = config
        // Some exports prefix every name with "bert." (BertForMaskedLM & co.); sentence-transformers does not.
        let prefix = weights.info("embeddings.word_embeddings.weight") == nil && weights.info("bert.embeddings.word_embeddings.weight") != nil
            ? "bert." : ""
        var builder = WeightLayout.Builder(prefix: prefix)
        layout = WeightLayout(config: config, builder: &builder)
        storage = WeightStorage(count: builder.count)
        for part in builder.parts {
            var offset = part.offset
            for (name, shape) in part.tensors {
                let count = shape.reduce(1, *)
                try weights.copyFloats(name, shape: shape, into: UnsafeMutableBufferPointer(start: storage.base + offset, count: count))
                offset += count
            }
        }
        packed = PackedProjections(config: config, layout: layout, weights: UnsafePointer(storage.base))
    }

    /// Embeds each token sequence into a `dimension`-long, L2-normalised vector (mean over its tokens).
    ///
    /// - Parameters:
    ///   - tokenBatch: token ids per text, `[CLS] … [SEP]` included, each at most `maxPositionEmbeddings` long and
    ///     every id below `vocabSize`. Sequences may differ in length; an empty one gives a zero vector.
    ///   - kernels: `.blas` (default) or `.naive`, the slow reference.
    /// - Returns: one vector per sequence, in order.
    public func embed(tokenBatch: [[Int32]], kernels: Kernels = .blas) -> [[Float]] {
        for tokens in tokenBatch {
            precondition(tokens.count <= config.maxPositionEmbeddings,
                         "sequence of \(tokens.count) tokens exceeds max_position_embeddings \(config.maxPositionEmbeddings)")
            precondition(tokens.allSatisfy { $0 >= 0 && Int($0) < config.vocabSize }, "token id outside the vocabulary")
        }
        guard !tokenBatch.isEmpty else { return [] }
        switch kernels {
        case .blas: return forwardBLAS(tokenBatch)
        case .naive: return forwardNaive(tokenBatch)
        }
    }

    /// The naive-kernel forward pass (padded batch, additive mask, plain loops): slow, for tests.
    public func embedReference(tokenBatch: [[Int32]]) -> [[Float]] {
        embed(tokenBatch: tokenBatch, kernels: .naive)
    }
}

/// The one weight allocation. Written only in `BertModel.init`, read-only afterwards, hence Sendable.
final class WeightStorage: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int) {
        self.count = count
        base = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: max(count, 1))
    }

    deinit { base.deallocate() }
}

/// The four projection weights of every layer packed into `TiledGEMM` panels, in one allocation.
struct PackedProjections: Sendable {
    /// Offsets (in floats) inside `storage` of one layer's packed weights.
    struct Layer: Sendable {
        var qkv = 0, attentionOutput = 0, intermediate = 0, output = 0
    }

    let storage: WeightStorage
    let layers: [Layer]

    init?(config c: BertConfig, layout: WeightLayout, weights w: UnsafePointer<Float>) {
        let (h, i) = (c.hiddenSize, c.intermediateSize)
        guard TiledGEMM.canPack(outputs: h), TiledGEMM.canPack(outputs: i) else { return nil }
        // Per layer: QKV (3H × H), attention output (H × H), FFN up (I × H), FFN down (H × I); all multiples of 16.
        let perLayer = 3 * h * h + h * h + i * h + h * i
        let storage = WeightStorage(count: perLayer * layout.layers.count)
        var layers: [Layer] = []
        var offset = 0
        func pack(_ weight: Int, outputs n: Int, inputs k: Int) -> Int {
            defer { offset += n * k }
            TiledGEMM.pack(w + weight, outputs: n, inputs: k, into: storage.base + offset)
            return offset
        }
        for source in layout.layers {
            var layer = Layer()
            layer.qkv = pack(source.qkvWeight, outputs: 3 * h, inputs: h)
            layer.attentionOutput = pack(source.attentionOutputWeight, outputs: h, inputs: h)
            layer.intermediate = pack(source.intermediateWeight, outputs: i, inputs: h)
            layer.output = pack(source.outputWeight, outputs: h, inputs: i)
            layers.append(layer)
        }
        (self.storage, self.layers) = (storage, layers)
    }
}

/// Offsets (in floats) of every tensor inside `WeightStorage`.
struct WeightLayout: Sendable {
    struct Layer: Sendable {
        var qkvWeight = 0, qkvBias = 0  // fused [3H, H] and [3H]: rows Q, then K, then V
        var attentionOutputWeight = 0, attentionOutputBias = 0
        var attentionNormGamma = 0, attentionNormBeta = 0
        var intermediateWeight = 0, intermediateBias = 0
        var outputWeight = 0, outputBias = 0
        var outputNormGamma = 0, outputNormBeta = 0
    }

    var wordEmbeddings = 0, positionEmbeddings = 0, tokenTypeEmbeddings = 0
    var embeddingNormGamma = 0, embeddingNormBeta = 0
    var layers: [Layer] = []

    /// Lays tensors out one after another, each starting on a 64-byte boundary; several tensors may share one
    /// slot back to back (the fused QKV).
    struct Builder {
        struct Part { var offset: Int; var tensors: [(String, [Int])] }
        let prefix: String
        var parts: [Part] = []
        var count = 0

        mutating func add(_ tensors: [(String, [Int])]) -> Int {
            let offset = (count + 15) / 16 * 16
            parts.append(Part(offset: offset, tensors: tensors.map { (prefix + $0.0, $0.1) }))
            count = offset + tensors.reduce(0) { $0 + $1.1.reduce(1, *) }
            return offset
        }

        mutating func add(_ name: String, _ shape: [Int]) -> Int { add([(name, shape)]) }
    }

    init(config c: BertConfig, builder b: inout Builder) {
        let (h, i) = (c.hiddenSize, c.intermediateSize)
        wordEmbeddings = b.add("embeddings.word_embeddings.weight", [c.vocabSize, h])
        positionEmbeddings = b.add("embeddings.position_embeddings.weight", [c.maxPositionEmbeddings, h])
        tokenTypeEmbeddings = b.add("embeddings.token_type_embeddings.weight", [c.typeVocabSize, h])
        embeddingNormGamma = b.add("embeddings.LayerNorm.weight", [h])
        embeddingNormBeta = b.add("embeddings.LayerNorm.bias", [h])
        for n in 0..<c.numHiddenLayers {
            let p = "encoder.layer.\(n)."
            let s = p + "attention.self."
            var layer = Layer()
            layer.qkvWeight = b.add([(s + "query.weight", [h, h]), (s + "key.weight", [h, h]), (s + "value.weight", [h, h])])
            layer.qkvBias = b.add([(s + "query.bias", [h]), (s + "key.bias", [h]), (s + "value.bias", [h])])
            layer.attentionOutputWeight = b.add(p + "attention.output.dense.weight", [h, h])
            layer.attentionOutputBias = b.add(p + "attention.output.dense.bias", [h])
            layer.attentionNormGamma = b.add(p + "attention.output.LayerNorm.weight", [h])
            layer.attentionNormBeta = b.add(p + "attention.output.LayerNorm.bias", [h])
            layer.intermediateWeight = b.add(p + "intermediate.dense.weight", [i, h])
            layer.intermediateBias = b.add(p + "intermediate.dense.bias", [i])
            layer.outputWeight = b.add(p + "output.dense.weight", [h, i])
            layer.outputBias = b.add(p + "output.dense.bias", [h])
            layer.outputNormGamma = b.add(p + "output.LayerNorm.weight", [h])
            layer.outputNormBeta = b.add(p + "output.LayerNorm.bias", [h])
            layers.append(layer)
        }
    }
}
