import Foundation
import Maintenance
import Testing
@testable import Receptionist

/// Every line of the property business's maintenance corpus (`corpora/property/maintenance.jsonl`, copied to
/// `Fixtures/property_maintenance.jsonl`) through ``MaintenanceTriage``: the trade, priority and rule each line
/// expects, and whether it names a problem, with the line's outdoor temperature when it gives one (the business's
/// own emergency phrases are not applied: the lines test the built-in rules).
struct MaintenanceCorpusTests {
    struct Line: Decodable {
        var text: String
        var channel: String
        var outdoorF: Double?
        var trade: Trade
        var priority: TicketPriority
        var rule: MaintenanceRule?
        /// False for the lines that say there is no problem ("it's not flooding anymore").
        var namesProblem: Bool

        enum CodingKeys: String, CodingKey {
            case text, channel, outdoorF = "outdoor_f", trade, priority, rule, namesProblem = "names_problem"
        }
    }

    static func lines() throws -> [Line] {
        let url = try #require(Bundle.module.url(forResource: "property_maintenance", withExtension: "jsonl",
                                                 subdirectory: "Fixtures"))
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(Line.self, from: Data($0.utf8))
        }
    }

    @Test func theCorpusCoversEveryRuleBothChannelsAndEveryPriority() throws {
        let lines = try Self.lines()
        #expect((20...40).contains(lines.count))
        #expect(Set(lines.map(\.channel)) == ["call", "sms"])
        #expect(Set(lines.map(\.priority)) == Set(TicketPriority.allCases))
        let rules = Set(lines.compactMap(\.rule))
        #expect(rules.isSuperset(of: [.flooding, .sewageBackup, .noHeat, .noCooling, .noWater, .noPower, .security,
                                      .gas, .carbonMonoxide]))
    }

    @Test func everyLineIsTriagedAsExpected() throws {
        var misses: [String] = []
        for line in try Self.lines() {
            let assessment = MaintenanceTriage(outdoorFahrenheit: line.outdoorF).assess(line.text)
            if assessment.trade != line.trade || assessment.priority != line.priority || assessment.rule != line.rule
                || assessment.namesProblem != line.namesProblem {
                misses.append("\(line.text) → \(assessment.trade?.rawValue ?? "-") \(assessment.priority.rawValue) "
                    + "\(assessment.rule?.rawValue ?? "-") (\(assessment.reason))")
            }
        }
        #expect(misses.isEmpty, "\(misses.joined(separator: "\n"))")
    }
}
