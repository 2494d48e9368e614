import Foundation

/// The fields of a Hugging Face BERT `config.json` that the forward pass needs.
public struct BertConfig: Sendable, Equatable, Decodable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var intermediateSize: Int
    public var maxPositionEmbeddings: Int
    public var typeVocabSize: Int
    /// Only `"gelu"` (the exact, erf form) is supported.
    public var hiddenAct: String
    public var layerNormEps: Float

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", intermediateSize = "intermediate_size"
        case maxPositionEmbeddings = "max_position_embeddings", typeVocabSize = "type_vocab_size"
        case hiddenAct = "hidden_act", layerNormEps = "layer_norm_eps"
    }

    /// all-MiniLM-L6-v2's configuration.
    public static let miniLML6 = BertConfig(
        vocabSize: 30522, hiddenSize: 384, numHiddenLayers: 6, numAttentionHeads: 12, intermediateSize: 1536,
        maxPositionEmbeddings: 512, typeVocabSize: 2, hiddenAct: "gelu", layerNormEps: 1e-12)

    public init(vocabSize: Int, hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int, intermediateSize: Int,
                maxPositionEmbeddings: Int, typeVocabSize: Int, hiddenAct: String, layerNormEps: Float) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.intermediateSize = intermediateSize
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.typeVocabSize = typeVocabSize
        self.hiddenAct = hiddenAct
        self.layerNormEps = layerNormEps
    }

    /// Reads `config.json`.
    public init(url: URL) throws {
        self = try JSONDecoder().decode(BertConfig.self, from: Data(contentsOf: url))
    }

    /// Width of one attention head.
    public var headSize: Int { hiddenSize / numAttentionHeads }
}
