import Foundation
import VectorIndex

/// The real all-MiniLM-L6-v2 files and sentence-transformers' golden vectors, shared by the model tests.
enum TestModel {
    /// `$FRONTDESK_MODEL_DIR`, else `<repo root>/.models/all-MiniLM-L6-v2`.
    static let directory: URL = {
        if let path = ProcessInfo.processInfo.environment["FRONTDESK_MODEL_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path, relativeTo: repositoryRoot)
        }
        return repositoryRoot.appendingPathComponent(".models/all-MiniLM-L6-v2")
    }()

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("model.safetensors").path)
    }

    /// Loaded once for all tests (90 MB of weights).
    static let model: BertModel? = try? MiniLMEmbedder.loadModel(directory: directory)

    struct Reference: Decodable {
        struct Item: Decodable {
            var text: String
            var token_ids: [Int32]
            var embedding: [Float]
        }
        var items: [Item]
    }

    /// 21 texts with their token ids and 384-d vectors from sentence-transformers (fp32, one text per call).
    static let reference: Reference = {
        let url = Bundle.module.url(forResource: "minilm_reference", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }()
}

func cosine(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count)
    var (dot, na, nb) = (0.0, 0.0, 0.0)
    for (x, y) in zip(a, b) {
        dot += Double(x) * Double(y)
        na += Double(x) * Double(x)
        nb += Double(y) * Double(y)
    }
    return dot / (na.squareRoot() * nb.squareRoot())
}
