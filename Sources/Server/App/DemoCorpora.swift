import Foundation
import Logging

/// Loads the sample businesses in `corpora/` (`<folder>/business.json` + `knowledge.jsonl`) on start-up.
///
/// Idempotent: a business whose slug exists already is left alone. A new one is created with its numbers
/// and receptionist settings, its knowledge imported, and its first API key announced (shown once).
struct DemoCorpora {
    let directory: URL
    let services: AppServices
    let logger: Logger

    /// `business.json`, in the corpora's snake_case.
    struct Manifest: Decodable {
        let slug: String
        let name: String
        let timezone: String
        let phoneNumbers: [String]
        let greeting: String?
        let businessHours: [Weekday: DayHours?]?
        let transferNumber: String?
        let emergencyPhrases: [String]?
        let answerConfidenceThreshold: Double?
        let emergencyNumber: String?
        let collectAddress: Bool?
    }

    func load(announce: @Sendable (String) -> Void) async throws {
        let folders = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: [.isDirectoryKey])
            .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("business.json").path) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        for folder in folders {
            let manifest = try decoder.decode(Manifest.self, from: Data(contentsOf: folder.appendingPathComponent("business.json")))
            if let existing = try await services.businesses.get(slug: manifest.slug) {
                logger.info("demo business present", metadata: ["slug": "\(existing.slug)"])
                announce("Demo business \(existing.name) (\(existing.slug)) is loaded; its API key was shown when it was created. "
                         + "New key: POST /v1/admin/businesses/\(existing.id)/keys with the admin key.")
                continue
            }
            var hours: [Weekday: DayHours] = [:]
            for (day, value) in manifest.businessHours ?? [:] { if let value { hours[day] = value } }
            let settings = ReceptionistSettings(
                greeting: manifest.greeting ?? ReceptionistSettings.defaultGreeting, businessHours: hours,
                transferNumber: manifest.transferNumber, emergencyPhrases: manifest.emergencyPhrases ?? [],
                answerConfidenceThreshold: manifest.answerConfidenceThreshold ?? ReceptionistSettings.defaultAnswerConfidenceThreshold,
                emergencyNumber: manifest.emergencyNumber ?? ReceptionistSettings.defaultEmergencyNumber,
                collectAddress: manifest.collectAddress ?? true)
            let business = try await services.businesses.create(NewBusiness(
                slug: manifest.slug, name: manifest.name, timeZone: manifest.timezone, settings: settings,
                numbers: manifest.phoneNumbers))
            do {
                let body = try Data(contentsOf: folder.appendingPathComponent("knowledge.jsonl"))
                let parsed = try KnowledgeImport.parse(body, format: .jsonl, defaultSource: "corpora/\(folder.lastPathComponent)")
                guard parsed.errors.isEmpty else {
                    throw StartupError(description: "\(folder.path)/knowledge.jsonl: \(parsed.errors.map(\.message).joined(separator: "; "))")
                }
                let entries = try await services.knowledge.importDrafts(businessId: business.id, parsed.drafts)
                let key = try await services.apiKeys.rotate(businessId: business.id)
                logger.info("demo business loaded", metadata: ["slug": "\(business.slug)", "entries": "\(entries.count)"])
                announce("Demo business \(business.name) (\(business.slug)): \(entries.count) knowledge entries; API key (shown once): \(key)")
            } catch {
                // Leave no half-loaded demo business behind: the next start tries again.
                try? await services.businesses.delete(id: business.id)
                services.knowledge.forget(businessId: business.id)
                throw error
            }
        }
    }
}
