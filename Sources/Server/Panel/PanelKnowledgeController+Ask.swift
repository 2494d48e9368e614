import Foundation
import Hummingbird
import Receptionist

extension PanelKnowledgeController {
    /// Longest question the ask box takes (a call's speech is cut at the same length).
    static let maxQuestionCharacters = CallService.maxSpeechCharacters

    /// "Ask it as a caller": the question goes through a call's own turn — a new `CallMachine` greeted and then
    /// hearing the words, `CallService.step` with the business's settings, knowledge lookup and phrasing — and the
    /// page shows what the receptionist would say and which entries it cites. `step` stores nothing: no call, no
    /// transcript, no lead, no SMS, no event; its actions (a lead to save, an owner to alert) are shown, not done.
    /// A GET (it changes nothing), so a viewer may ask too.
    @Sendable func ask(_ request: Request, context: AppRequestContext) async throws -> Response {
        let pages = try panel.requirePages()
        let membership = try context.requirePanelRole(.view)
        let question = String((request.uri.queryParameters["question"].map(String.init) ?? "").prefix(Self.maxQuestionCharacters))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard !question.isEmpty else {
            return .panelRedirect(to: Self.path(membership.business.slug, "knowledge"))
        }
        let asked = try await answer(question, business: membership.business)
        context.logger.info("panel ask as a caller", metadata: ["outcome": "\(asked.outcome)"])
        return pages.response("knowledge", try await listView(request, context: context, notice: nil, asked: asked, importError: nil))
    }

    /// What the receptionist would answer `question` on a call to `business` now.
    func answer(_ question: String, business: Business) async throws -> AskedView {
        let called = try await businesses.numbers(ofBusiness: business.id).first ?? "+15550000000"
        var machine = CallMachine(callerNumber: nil)
        let timestamp = now()
        _ = try await calls.step(&machine, input: .start, business: business, called: called, at: timestamp, options: VoiceOptions())
        let turn = try await calls.step(&machine, input: .speech(question, confidence: nil), business: business, called: called,
                                        at: timestamp, options: VoiceOptions())
        var outcome = "other", citations: [Citation] = [], similarity: Double?
        for action in turn.actions {
            switch action {
            case .answer(let answer, _):
                outcome = "answered"
                citations = answer.citations
                similarity = answer.confidence
            case .declined(_, let best):
                outcome = "declined"
                similarity = best
            case .flagEmergency:
                outcome = "emergency"
            default: break
            }
        }
        var cited: [AskedView.Cited] = []
        for entryId in citations.map(\.entryId) where !cited.contains(where: { $0.id == entryId }) {
            let entry = try await repository.get(entryId: entryId, businessId: business.id)
            cited.append(.init(id: entryId, title: entry?.title ?? "(deleted entry)", missing: entry == nil))
        }
        return AskedView(
            question: question, spoken: CallResponse.spokenText(turn.actions), outcome: outcome,
            answered: outcome == "answered", declined: outcome == "declined", emergency: outcome == "emergency",
            cited: cited, similarity: similarity.map { String(format: "%.2f", $0) },
            threshold: String(format: "%.2f", business.settings.answerConfidenceThreshold))
    }

    /// The knowledge gaps of `GET /v1/analytics/knowledge-gaps` (`from`, `to`: the same range rules; 30 days by
    /// default), each topic with a link to the create form prefilled with its question.
    @Sendable func gaps(_ request: Request, context: AppRequestContext) async throws -> Response {
        let pages = try panel.requirePages()
        let signedIn = try context.requirePanelUser()
        let membership = try context.requirePanelRole(.view)
        let business = membership.business
        let query = request.uri.queryParameters
        let range = try AnalyticsRange.parse(from: query["from"].map(String.init), to: query["to"].map(String.init),
                                             timeZone: business.zone, now: now())
        let report = try await KnowledgeGapReport(
            analytics: analytics, embedder: service.bulkEmbedder, businessId: business.id, range: range,
            lowConfidence: min(1, business.settings.answerConfidenceThreshold + 0.1)
        ).report(maxTopics: 20)
        let day = Self.dayFormat(business.zone)
        return pages.response("knowledge-gaps", KnowledgeGapsView(
            chrome: try await chrome(signedIn, membership, title: "Knowledge gaps · \(business.name)"),
            slug: business.slug, canEdit: membership.role.allows(.knowledge),
            // `to` is exclusive: the last day shown is the one before it.
            from: report.from.formatted(day), to: report.to.addingTimeInterval(-1).formatted(day),
            questionsConsidered: report.questionsConsidered,
            topics: report.topics.map { topic in
                .init(representative: topic.representative, count: topic.count, declined: topic.declined,
                      examples: topic.examples.filter { $0 != topic.representative },
                      writeAnswer: Self.path(business.slug, "knowledge/new") + Self.query([("question", topic.representative)]))
            },
            none: report.topics.isEmpty))
    }
}
