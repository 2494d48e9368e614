import Foundation
import Testing
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

    /// Fails the calling test (never skips it) when a model file is absent, naming the fix.
    static func requireFiles() throws {
        for name in ["config.json", "model.safetensors", "vocab.txt"] {
            let path = directory.appendingPathComponent(name).path
            try #require(FileManager.default.fileExists(atPath: path),
                         "MiniLM model file not found: \(path): run `make bootstrap` (or set FRONTDESK_MODEL_DIR)")
        }
    }

    /// Loaded once for all tests (90 MB of weights).
    private static let loaded = Result { try MiniLMEmbedder.loadModel(directory: directory) }

    /// The real model; a missing model is a test failure with the fix in its message.
    static func model() throws -> BertModel {
        try requireFiles()
        return try loaded.get()
    }

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
