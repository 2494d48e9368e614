import Analytics
import Foundation
import Hummingbird
import Receptionist

/// A business's calls in the panel, behind `PanelSessionMiddleware` and `PanelBusinessMiddleware`:
/// `/app/b/{slug}/calls` (a page at a time, newest first, filtered by date and outcome) and
/// `/app/b/{slug}/calls/{sid}` (facts, summary, transcript with intent, sentiment and sources, leads).
/// Every role reads them; another business's call is 404, the same as a call that does not exist.
struct PanelCallsController {
    let panel: PanelServices
    let users: any PanelUserRepository
    let calls: any CallRepository
    let summaries: any CallSummaryRepository

    func addRoutes(to business: RouterGroup<AppRequestContext>) {
        business.get("calls", use: list)
        business.get("calls/:sid", use: show)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let pages = try panel.requirePages()
        let signedIn = try context.requirePanelUser()
        let membership = try context.requirePanelRole(.view)
        let business = membership.business
        let query = try PanelCallsQuery(request.uri.queryParameters, timeZone: business.zone)
        let page = try await calls.calls(businessId: business.id, matching: query.filter, limit: query.limit,
                                         cursor: query.cursor)
        let format = Self.timeFormat(business.zone)
        let rows = page.items.map { call in
            CallsView.Row(
                sid: call.sid, link: Self.callLink(slug: business.slug, sid: call.sid),
                startedAt: format.string(from: call.startedAt), direction: call.direction.rawValue,
                number: call.customerNumber ?? "unknown", duration: Self.duration(call.durationSeconds),
                outcome: Self.outcome(call), emergency: call.isEmergency, emergencyCategory: call.emergencyCategory)
        }
        let options = [CallsView.Option(value: "", label: "any outcome", selected: query.outcome.isEmpty)]
            + CallOutcome.allCases.map {
                CallsView.Option(value: $0.rawValue, label: Self.words($0.rawValue), selected: $0.rawValue == query.outcome)
            }
        return pages.response("calls", CallsView(
            chrome: try await PanelBusinessController.chrome(users: users, signedIn, membership, title: "Calls · \(business.name)"),
            slug: business.slug, from: query.from, to: query.to, outcomes: options, calls: rows,
            none: rows.isEmpty, filtered: query.isFiltered,
            nextPage: page.nextCursor.map { query.link(slug: business.slug, cursor: $0) },
            firstPage: query.cursor == nil ? nil : query.link(slug: business.slug, cursor: nil)))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let pages = try panel.requirePages()
        let signedIn = try context.requirePanelUser()
        let membership = try context.requirePanelRole(.view)
        let business = membership.business
        let call = try await CallsController.call(calls, sid: try context.parameters.require("sid"), businessId: business.id)
        async let turnsRead = calls.turns(callSid: call.sid)
        async let leadsRead = calls.leads(callSid: call.sid)
        async let summaryRead = summaries.summary(callSid: call.sid, businessId: business.id)
        let (turns, leads, summary) = try await (turnsRead, leadsRead, summaryRead)
        let titles = try await summaries.entryTitles(
            ids: Set(turns.flatMap { $0.citations ?? [] }.map(\.entryId)), businessId: business.id)
        let format = Self.timeFormat(business.zone)
        return pages.response("call", CallView(
            chrome: try await PanelBusinessController.chrome(users: users, signedIn, membership, title: "Call · \(business.name)"),
            backLink: PanelPaths.business(business.slug) + "calls", sid: call.sid,
            startedAt: format.string(from: call.startedAt), endedAt: call.endedAt.map(format.string(from:)),
            direction: call.direction.rawValue, customerNumber: call.customerNumber ?? "unknown",
            businessNumber: call.businessNumber ?? "unknown", status: call.status,
            duration: Self.duration(call.durationSeconds), outcome: Self.outcome(call), emergency: call.isEmergency,
            emergencyCategory: call.emergencyCategory, transfer: call.transferStatus.map(Self.words),
            summary: summary.map(Self.summary),
            turns: turns.map { Self.turn($0, sentiment: summary?.turnSentiments[$0.seq], titles: titles) },
            leads: leads.map(Self.lead)))
    }

    // MARK: Views

    static func summary(_ stored: StoredCallSummary) -> CallView.Summary {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        // The fields are the summarizer's; a row written by an older summarizer may not decode, and the text alone
        // is still worth showing.
        let fields = try? decoder.decode(Analytics.CallSummary.self, from: Data(stored.fields.utf8))
        let reasons = fields?.followUpReasons.map { words($0.rawValue) } ?? []
        return CallView.Summary(
            text: stored.summary, reason: fields?.reason, sentimentLabel: stored.sentimentLabel,
            sentimentScore: stored.sentimentScore.map(signed), sentimentTrend: stored.sentimentTrend,
            followUp: stored.followUpNeeded ? (reasons.isEmpty ? "yes" : reasons.joined(separator: ", ")) : nil,
            unanswered: fields?.declined ?? [], hasUnanswered: !(fields?.declined ?? []).isEmpty)
    }

    static func turn(_ turn: CallTurn, sentiment: Double?, titles: [String: String]) -> CallView.Turn {
        let caller = turn.speaker == .caller
        let text = turn.text.trimmingCharacters(in: .whitespacesAndNewlines)
        var seen = Set<String>()
        let sources = (turn.citations ?? []).map(\.entryId).filter { seen.insert($0).inserted }.map {
            CallView.Source(entryId: $0, title: titles[$0] ?? "an entry deleted since")
        }
        return CallView.Turn(
            seq: turn.seq, speaker: turn.speaker.rawValue, speakerLabel: caller ? "Caller" : "Receptionist",
            text: text.isEmpty ? nil : text, event: words(turn.event),
            intent: caller && turn.event == "speech" && !text.isEmpty ? words(IntentClassifier.classify(text).rawValue) : nil,
            sentiment: sentiment.map(signed), declined: turn.declined, sources: sources, hasSources: !sources.isEmpty)
    }

    static func lead(_ lead: Lead) -> CallView.LeadItem {
        CallView.LeadItem(reason: words(lead.reason.rawValue), name: lead.name, phone: lead.phone, address: lead.address,
                          notes: lead.notes, preferredTime: lead.preferredTime, status: lead.status,
                          emergency: lead.isEmergency)
    }

    // MARK: Formatting

    /// `2026-12-03 14:05` in `zone`.
    static func timeFormat(_ zone: TimeZone) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter
    }

    /// `2:05`, or a dash while the call has no duration.
    static func duration(_ seconds: Int?) -> String {
        guard let seconds else { return "—" }
        return "\(seconds / 60):" + String(format: "%02d", seconds % 60)
    }

    static func outcome(_ call: CallRecord) -> String {
        if let outcome = call.outcome { return words(outcome.rawValue) }
        return call.endedAt == nil ? "in progress" : "none"
    }

    /// `lead_captured` → `lead captured`; `humanRequest` → `human request`.
    static func words(_ raw: String) -> String {
        var result = ""
        for character in raw {
            if character == "_" || character == ":" {
                result.append(" ")
            } else if character.isUppercase {
                result.append(" ")
                result.append(contentsOf: character.lowercased())
            } else {
                result.append(character)
            }
        }
        return result
    }

    static func signed(_ score: Double) -> String {
        String(format: "%+.2f", score)
    }

    static func callLink(slug: String, sid: String) -> String {
        PanelPaths.business(slug) + "calls/" + PanelCallsQuery.encoded(sid)
    }
}
