import ArgumentParser
import Foundation
import VectorIndex

/// `--model-dir`, shared by every command that loads MiniLM. Flag > `FRONTDESK_MODEL_DIR` > default.
struct ModelOptions: ParsableArguments {
    static let defaultDirectory = ".models/all-MiniLM-L6-v2"

    @Option(name: .customLong("model-dir"),
            help: "Directory with model.safetensors, vocab.txt and config.json (env FRONTDESK_MODEL_DIR; default \(defaultDirectory)).")
    var modelDirectory: String?

    var resolvedDirectory: URL {
        let path = modelDirectory
            ?? ProcessInfo.processInfo.environment["FRONTDESK_MODEL_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? Self.defaultDirectory
        return URL(fileURLWithPath: path)
    }

    /// Loads the embedder or fails with a message that says how to fetch the model.
    func loadEmbedder() throws -> MiniLMEmbedder {
        do {
            return try MiniLMEmbedder(modelDirectory: resolvedDirectory)
        } catch {
            throw ValidationError("""
                cannot load the MiniLM model from \(resolvedDirectory.path): \(error)
                Fetch it with `make bootstrap` (or `bash scripts/bootstrap.sh`), or point --model-dir / FRONTDESK_MODEL_DIR at it.
                """)
        }
    }
}
