import Foundation

/// The sample knowledge bases in `<root>/corpora`, for properties that must hold on realistic text.
struct KnowledgeSample: Sendable {
    var business: String
    var title: String
    var content: String
}

enum KnowledgeSamples {
    static func all() throws -> [KnowledgeSample] {
        try VoiceTestPaths.knowledgeFiles.flatMap { url -> [KnowledgeSample] in
            let business = url.deletingLastPathComponent().lastPathComponent
            return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { line in
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
                return KnowledgeSample(business: business, title: object["title"] as? String ?? "",
                                       content: object["content"] as? String ?? "")
            }
        }
    }
}
