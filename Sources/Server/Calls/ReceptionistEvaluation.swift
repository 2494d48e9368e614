import Foundation
import Logging
import Receptionist

/// `frontdesk eval receptionist`: every question of the sample businesses' `eval.jsonl` asked as the first turn
/// of a call, through the same machine and retrieval as a phone call. Measures what callers feel: is a known
/// question answered from the right entry, is an unknown one declined honestly, is an emergency flagged.
public struct ReceptionistEvaluation: Sendable {
    public struct Question: Decodable, Sendable {
        public var question: String
        public var expectedTitles: [String]
        public var kind: String
    }

    /// What the receptionist did with one question.
    public struct Outcome: Sendable {
        public var business: String
        public var question: Question
        /// answered, declined, emergency, or what else the call became (booking, transfer, message …).
        public var result: String
        public var citedTitle: String?
        public var similarity: Double?
        public var spoken: String

        /// The answer came from one of the expected entries.
        public var answeredRight: Bool { result == "answered" && citedTitle.map(question.expectedTitles.contains) == true }
    }

    public struct Report: Sendable {
        public var outcomes: [Outcome]

        func of(_ kind: String) -> [Outcome] { outcomes.filter { $0.question.kind == kind } }
        func rate(_ kind: String, _ test: (Outcome) -> Bool) -> (Int, Int) {
            let group = of(kind)
            return (group.filter(test).count, group.count)
        }

        /// Known questions answered from an expected entry.
        public var faqAnsweredRight: (Int, Int) { rate("faq") { $0.answeredRight } }
        /// Known questions answered from another entry (a wrong answer).
        public var faqAnsweredWrong: (Int, Int) { rate("faq") { $0.result == "answered" && !$0.answeredRight } }
        /// Known questions declined (a missed answer, but an honest one).
        public var faqDeclined: (Int, Int) { rate("faq") { $0.result == "declined" } }
        /// Unknown questions declined (what should happen).
        public var unanswerableDeclined: (Int, Int) { rate("unanswerable") { $0.result == "declined" } }
        /// Emergencies flagged as such.
        public var emergenciesFlagged: (Int, Int) { rate("emergency") { $0.result == "emergency" } }
    }

    let console: CallConsole

    /// Loads the businesses of `corpora` into a new database at `databasePath` (the model from `modelDirectory`).
    public static func open(corpora: URL, databasePath: String, modelDirectory: String) async throws -> ReceptionistEvaluation {
        var config = AppConfig()
        config.databasePath = databasePath
        config.modelDirectory = modelDirectory
        config.adminKey = "eval-admin-key-0123456789abcdef"
        var logger = Logger(label: "eval")
        logger.logLevel = .error
        let console = CallConsole(services: try await makeServices(config, logger: logger, announce: { _ in }))
        try await DemoCorpora(directory: corpora, services: console.services, logger: logger).load(announce: { _ in })
        return ReceptionistEvaluation(console: console)
    }

    public func run(corpora: URL, threshold: Double?) async throws -> Report {
        var outcomes: [Outcome] = []
        let folders = try FileManager.default.contentsOfDirectory(at: corpora, includingPropertiesForKeys: nil)
            .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("eval.jsonl").path) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        for folder in folders {
            let manifest = try decoder.decode(DemoCorpora.Manifest.self, from: Data(contentsOf: folder.appendingPathComponent("business.json")))
            guard var business = try await console.business(slug: manifest.slug) else { continue }
            if let threshold { business.settings.answerConfidenceThreshold = threshold }
            let titles = try await entryTitles(business.id)
            let lines = try String(contentsOf: folder.appendingPathComponent("eval.jsonl"), encoding: .utf8).split(separator: "\n")
            for line in lines where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                let question = try decoder.decode(Question.self, from: Data(line.utf8))
                var machine = CallMachine(callerNumber: "+15555550123")
                let called = manifest.phoneNumbers.first ?? "+15550000000"
                _ = try await console.step(&machine, input: .start, business: business, called: called)
                let result = try await console.step(&machine, input: .speech(question.question, confidence: 0.9),
                                                    business: business, called: called)
                var outcome = Outcome(business: manifest.slug, question: question, result: machine.state.rawValue.lowercased(),
                                      citedTitle: nil, similarity: nil, spoken: CallResponse.spokenText(result.actions))
                for action in result.actions {
                    switch action {
                    case .answer(let answer, _):
                        outcome.result = "answered"
                        outcome.citedTitle = answer.citations.first.flatMap { titles[$0.entryId] }
                        outcome.similarity = answer.confidence
                    case .declined(_, let best):
                        outcome.result = "declined"
                        outcome.similarity = best
                    case .flagEmergency:
                        outcome.result = "emergency"
                    default: break
                    }
                }
                outcomes.append(outcome)
            }
        }
        return Report(outcomes: outcomes)
    }

    /// Titles of the business's knowledge entries by id.
    private func entryTitles(_ businessId: String) async throws -> [String: String] {
        var titles: [String: String] = [:]
        var cursor: String?
        repeat {
            let page = try await console.services.knowledgeRepository.list(
                businessId: businessId, category: nil, text: nil, limit: PageCursor.maximumLimit, cursor: cursor)
            for entry in page.items { titles[entry.id] = entry.title }
            cursor = page.nextCursor
        } while cursor != nil
        return titles
    }

    public func close() throws { try console.close() }
}

