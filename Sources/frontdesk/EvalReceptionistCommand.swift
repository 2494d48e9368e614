import ArgumentParser
import Foundation
import Server

struct EvalReceptionistCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receptionist",
        abstract: "Ask every eval.jsonl question of the sample businesses as a call's first turn; report answers, declines and emergencies.",
        discussion: """
            Loads corpora/ into a temporary database and runs each question through the same state machine and \
            retrieval as a phone call. FAQ questions should be answered from one of their expected entries; \
            unanswerable ones declined (never answered from something else); emergencies flagged.
            """
    )

    @OptionGroup var model: ModelOptions

    @Option(help: "Folder of sample businesses with eval.jsonl files.")
    var corpora: String = "corpora"

    @Option(help: "Answer-confidence threshold to use instead of each business's own (0–1).")
    var threshold: Double?

    @Flag(help: "List every question that was not handled as expected.")
    var misses = false

    func run() async throws {
        if let threshold, !(0...1).contains(threshold) { throw ValidationError("--threshold must be 0–1") }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let corporaURL = URL(fileURLWithPath: corpora, isDirectory: true)
        let evaluation = try await ReceptionistEvaluation.open(
            corpora: corporaURL, databasePath: directory.appendingPathComponent("eval.sqlite").path,
            modelDirectory: model.resolvedDirectory.path)
        defer { try? evaluation.close() }
        let report = try await evaluation.run(corpora: corporaURL, threshold: threshold)
        func line(_ label: String, _ value: (Int, Int)) -> [String] {
            [label, "\(value.0) / \(value.1)", value.1 == 0 ? "–" : String(format: "%.1f %%", 100 * Double(value.0) / Double(value.1))]
        }
        print("threshold: \(threshold.map { String($0) } ?? "each business's own")")
        printTable(["", "questions", "rate"], [
            line("FAQ answered from an expected entry", report.faqAnsweredRight),
            line("FAQ answered from another entry", report.faqAnsweredWrong),
            line("FAQ declined", report.faqDeclined),
            line("unanswerable declined", report.unanswerableDeclined),
            line("emergencies flagged", report.emergenciesFlagged),
        ])
        if misses {
            for outcome in report.outcomes {
                let expected = switch outcome.question.kind {
                case "faq": outcome.answeredRight
                case "unanswerable": outcome.result == "declined"
                default: outcome.result == "emergency"
                }
                if expected { continue }
                let similarity = outcome.similarity.map { String(format: "%.2f", $0) } ?? "–"
                print("\n[\(outcome.business)] \(outcome.question.kind): \"\(outcome.question.question)\"")
                print("  → \(outcome.result)\(outcome.citedTitle.map { " from \"\($0)\"" } ?? "") (similarity \(similarity)); expected \(outcome.question.expectedTitles)")
            }
        }
    }
}
