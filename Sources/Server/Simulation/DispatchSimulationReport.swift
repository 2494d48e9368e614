import Events
import Foundation
import Maintenance

/// What a run of ``DispatchSimulator`` left in the database: the measures as `GET /v1/analytics/dispatch` computes
/// them, counts read from the stored tickets, offers, texts and events, and the broken invariants.
public struct DispatchSimulationReport: Sendable {
    public var tickets: Int
    /// The business's measures, and per vendor (with the vendor's name), per trade and per property.
    public var business: DispatchMeasureSet
    public var byVendor: [(name: String, measures: DispatchMeasureSet)]
    public var byTrade: [Trade: DispatchMeasureSet]
    public var byProperty: [String: DispatchMeasureSet]
    /// How many tickets ended in each state.
    public var states: [TicketState: Int]
    /// Why tickets escalated (the reason of each move to `escalated`).
    public var escalations: [DispatchPlanner.EscalationReason: Int]
    public var offers: Int
    /// Texts queued in the outbox (the business's), and how many of them the booking loop's (`dispatch-…` keys).
    public var texts: Int
    public var dispatchTexts: Int
    /// YES replies the loop answered "already taken", "not open for you" or "no open jobs" (too late, or for a job
    /// no longer theirs), and bare YES it answered by asking which job.
    public var lateYes: Int
    public var ambiguousYes: Int
    public var yesReplies: Int
    public var optedOutVendors: Int
    /// Escalation calls the loop placed (received by the simulated phones).
    public var escalationCalls: Int
    /// Tickets booked whose visit the business's booking rules refused in the CRM (booked without an appointment).
    public var bookedWithoutAppointment: Int
    /// Simulated time from the first possible arrival to rest.
    public var simulatedDuration: TimeInterval
    /// Wall-clock time of the run (the loop and the report, not the setup).
    public var runTime: Duration
    /// Broken invariants, in words; empty when every check held.
    public var violations: [String]
}

extension DispatchSimulator {
    func report(problems: [String], elapsed: Duration) async throws -> DispatchSimulationReport {
        let snapshot = try await DispatchSnapshot.read(businessId: business.id, from: repositories)
        let violations = problems + DispatchInvariants.check(snapshot)
        // Exactly as `GET /v1/analytics/dispatch` reads them: the business's ticket streams through
        // `DispatchFactsFold`, every ticket opened in the range.
        let range = AnalyticsRange(from: DispatchSimulation.start.addingTimeInterval(-86_400),
                                   to: clock.now.addingTimeInterval(86_400))
        let analytics = try await DispatchAnalytics(events: repositories.events, vendors: repositories.vendors)
            .report(businessId: business.id, range: range)

        var states: [TicketState: Int] = [:]
        for ticket in snapshot.tickets { states[ticket.state, default: 0] += 1 }
        var escalations: [DispatchPlanner.EscalationReason: Int] = [:]
        for event in snapshot.events where event.type == .ticketStateChanged {
            guard let change = try? event.decode(TicketStateChanged.self), change.to == .escalated,
                  let reason = change.reason.flatMap(DispatchPlanner.EscalationReason.init(rawValue:)) else { continue }
            escalations[reason, default: 0] += 1
        }
        // The loop's answer to each YES is queued under the reply's MessageSid.
        let answers = Dictionary(snapshot.texts.compactMap { row in row.dedupeKey.map { ($0, row.body) } },
                                 uniquingKeysWith: { first, _ in first })
        var late = 0, ambiguous = 0
        for sid in yesReplies {
            guard let answer = answers["dispatch-reply:\(sid)"] else { continue }
            if answer.hasPrefix("You have "), answer.contains(" open jobs: reply ") {
                ambiguous += 1
            } else if answer.hasSuffix(" has already been taken. Thank you for replying!") || answer.contains(" is not open for you")
                        || answer == DispatchTexts.unmatched(.noOpenJobs(.accept)) {
                late += 1
            }
        }
        let accepted = Set(snapshot.offers.filter { $0.state == .accepted }.map(\.ticketId))
        let vendorNames = analytics.byVendor.map { (id: $0.key, name: $0.value.name ?? $0.key, measures: $0.value.measures) }
        return DispatchSimulationReport(
            tickets: snapshot.tickets.count, business: analytics.business,
            byVendor: vendorNames.sorted { $0.name < $1.name }.map { ($0.name, $0.measures) },
            byTrade: Dictionary(uniqueKeysWithValues: analytics.byTrade.compactMap { key, set in Trade(rawValue: key).map { ($0, set) } }),
            byProperty: analytics.byProperty, states: states, escalations: escalations, offers: snapshot.offers.count,
            texts: snapshot.texts.count,
            dispatchTexts: snapshot.texts.filter { $0.dedupeKey?.hasPrefix("dispatch-") == true }.count,
            lateYes: late, ambiguousYes: ambiguous, yesReplies: yesReplies.count,
            optedOutVendors: snapshot.vendors.filter(\.optedOut).count,
            escalationCalls: phones.calls.count,
            bookedWithoutAppointment: snapshot.tickets.filter { accepted.contains($0.id) && $0.appointmentId == nil }.count,
            simulatedDuration: clock.now.timeIntervalSince(DispatchSimulation.start), runTime: elapsed,
            violations: violations)
    }
}
