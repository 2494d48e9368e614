import Foundation
import Synchronization
import VectorIndex

/// The embedding model, loaded once per process per directory and shared by every application built in it. A
/// server builds one application, so this changes nothing there; a test process builds hundreds (each suite its own
/// app, many at once), and loading the weights for each held one copy per live app — 20 GB at the peak of a full
/// parallel run on this machine's 24.
enum LoadedModels {
    private static let embedders = Mutex<[String: MiniLMEmbedder]>([:])

    static func embedder(directory: URL) throws -> MiniLMEmbedder {
        let key = directory.standardizedFileURL.path
        if let loaded = embedders.withLock({ $0[key] }) { return loaded }
        let loaded = try MiniLMEmbedder(modelDirectory: directory)
        return embedders.withLock { cache in
            if let first = cache[key] { return first }
            cache[key] = loaded
            return loaded
        }
    }
}
