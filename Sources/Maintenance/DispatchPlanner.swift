import Foundation

/// The booking loop's next move for one ticket, decided from values only (no clock, no storage).
///
/// Rules, in order:
/// 1. An accepted offer → ``Decision/done`` (whatever the stage: first acceptance won).
/// 2. A ticket not being dispatched (`scheduled`, `closed`, `escalated`, `cancelled`) → ``Decision/idle``.
/// 3. An emergency whose first offer went out at least ``DispatchSettings/emergencyEscalationWindow`` ago
///    (2 × the emergency timeout, 30 min by default) without an acceptance → escalate `emergencyNotAccepted`, even
///    with candidates left: a flood cannot wait for the fifth plumber.
/// 4. A live open offer (sent less than its priority's timeout ago) → ``Decision/wait(until:)`` its expiry (or the
///    emergency deadline, if sooner). One open offer at a time. An open offer past its expiry counts as timed out:
///    the caller records `timed_out` for it in the same transaction as it acts on the decision.
/// 5. The first candidate never offered this ticket (whatever that offer's outcome) → ``Decision/offer(_:expiresAt:)``.
///    A vendor is never offered the same ticket twice.
/// 6. No one left: `noCandidates` when no offer was ever made, else `allDeclinedOrTimedOut`. This happens at once —
///    a NO from the last candidate escalates without waiting for any timer.
public enum DispatchPlanner {
    /// The ticket's state: ``TicketState`` itself, so there is one list of states.
    public typealias Stage = TicketState

    /// Why a ticket goes to the landlord. Raw values are public API (events, the timeline, measures).
    public enum EscalationReason: String, Codable, Sendable, CaseIterable {
        /// No active, reachable vendor covers the trade and the area.
        case noCandidates = "no_candidates"
        /// Every candidate declined or let the offer time out.
        case allDeclinedOrTimedOut = "all_declined_or_timed_out"
        /// An emergency had no acceptance within its window after the first offer.
        case emergencyNotAccepted = "emergency_not_accepted"
    }

    /// The next move.
    public enum Decision<VendorID: Hashable & Sendable>: Sendable, Equatable {
        /// Send the job to `vendorId`; the offer times out at `expiresAt` (schedule the timer for then).
        case offer(VendorID, expiresAt: Date)
        /// An offer is open: nothing to do before `until` (its expiry, or an emergency's deadline).
        case wait(until: Date)
        /// Hand the ticket to the landlord contacts.
        case escalate(EscalationReason)
        /// A vendor accepted: the loop is over.
        case done
        /// The ticket is not being dispatched (scheduled without an offer, closed, escalated, cancelled).
        case idle
    }

    /// The next move for a ticket.
    ///
    /// - Parameters:
    ///   - priority: the ticket's priority (chooses the offer timeout and the emergency rule).
    ///   - stage: the ticket's state.
    ///   - candidates: vendor ids that may take the job, already filtered (trade, area, active, reachable) and in
    ///     round-robin order by the store; vendors offered before may be among them.
    ///   - offers: every offer of this ticket so far, in any order.
    ///   - timeouts: the business's offer timeouts.
    ///   - now: the current time.
    public static func decide<VendorID>(
        priority: TicketPriority,
        stage: Stage,
        candidates: [VendorID],
        offers: [DispatchOffer<VendorID>],
        timeouts: OfferTimeouts,
        now: Date
    ) -> Decision<VendorID> {
        if offers.contains(where: { $0.outcome == .accepted }) { return .done }
        guard stage.isDispatching else { return .idle }
        let timeout = timeouts.timeout(for: priority)
        var deadline: Date?
        if priority == .emergency, let first = offers.map(\.sentAt).min() {
            let window = timeouts.timeout(for: .emergency) * TimeInterval(DispatchSettings.emergencyEscalationTimeouts)
            let due = first.addingTimeInterval(window)
            if now >= due { return .escalate(.emergencyNotAccepted) }
            deadline = due
        }
        let live = offers.filter { $0.outcome == .open && now < $0.sentAt.addingTimeInterval(timeout) }
        if let expiry = live.map({ $0.sentAt.addingTimeInterval(timeout) }).min() {
            return .wait(until: deadline.map { min($0, expiry) } ?? expiry)
        }
        let offered = Set(offers.map(\.vendorId))
        if let next = candidates.first(where: { !offered.contains($0) }) {
            return .offer(next, expiresAt: now.addingTimeInterval(timeout))
        }
        return .escalate(offers.isEmpty ? .noCandidates : .allDeclinedOrTimedOut)
    }
}
