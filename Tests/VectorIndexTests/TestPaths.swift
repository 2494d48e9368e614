import Foundation
import Testing
@testable import VectorIndex

/// Where tests find files that live outside the test bundle.
enum TestPaths {
    /// The package root: this file is `<root>/Tests/VectorIndexTests/TestPaths.swift`.
    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // VectorIndexTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()
    }

    /// The MiniLM model directory: `$FRONTDESK_MODEL_DIR` (relative paths are taken from the package root,
    /// as the Makefile sets it) or `<root>/.models/all-MiniLM-L6-v2`. `make bootstrap` fills it.
    static var modelDirectory: URL {
        if let configured = ProcessInfo.processInfo.environment["FRONTDESK_MODEL_DIR"], !configured.isEmpty {
            return configured.hasPrefix("/")
                ? URL(fileURLWithPath: configured, isDirectory: true)
                : repoRoot.appendingPathComponent(configured, isDirectory: true).standardizedFileURL
        }
        return repoRoot.appendingPathComponent(".models/all-MiniLM-L6-v2", isDirectory: true)
    }
}

let miniLMVocabulary = TestPaths.modelDirectory.appendingPathComponent("vocab.txt")

/// Loaded once for all tests: building the tries takes about half a second in a debug build.
let loadedMiniLMTokenizer = Result { try WordPieceTokenizer(vocabularyFile: miniLMVocabulary) }

func miniLMTokenizer() throws -> WordPieceTokenizer {
    try #require(
        FileManager.default.fileExists(atPath: miniLMVocabulary.path),
        "MiniLM vocabulary not found at \(miniLMVocabulary.path): run `make bootstrap` (or set FRONTDESK_MODEL_DIR)"
    )
    return try loadedMiniLMTokenizer.get()
}
