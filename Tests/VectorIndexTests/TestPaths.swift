import Foundation

/// Where tests find files that live outside the test bundle.
enum TestPaths {
    /// The package root: this file is `<root>/Tests/VectorIndexTests/TestPaths.swift`.
    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // VectorIndexTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()
    }

    /// `shared/data`, which sits beside the checkout (`<root>/../shared/data`).
    static var sharedData: URL {
        repoRoot.deletingLastPathComponent()
            .appendingPathComponent("shared/data", isDirectory: true)
            .standardizedFileURL
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
