import Foundation

/// Where the spoken-answer tests find the checkout's sample corpora (outside the test bundle).
enum VoiceTestPaths {
    /// The package root: this file is `<root>/Tests/ReceptionistTests/VoiceTestPaths.swift`. Symlinks are
    /// resolved so a scratch package that links this folder in still finds the checkout's files.
    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent()  // ReceptionistTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()
    }

    /// `<root>/corpora/<business>/knowledge.jsonl` for each sample business.
    static var knowledgeFiles: [URL] {
        ["dental", "plumbing", "property"].map {
            repoRoot.appendingPathComponent("corpora/\($0)/knowledge.jsonl")
        }
    }
}
