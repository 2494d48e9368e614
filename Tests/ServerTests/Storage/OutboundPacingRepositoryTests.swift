import Foundation
import Events
import Receptionist
import Testing
@testable import Server

/// `OutboundPacingRepository`'s contract, on every backend: dial slots spaced at the account's rate, the cap on
/// calls in progress (recorded outbound calls not ended, plus reservations), release, and expiry of what a dead
/// node left behind. Concurrent reservations never share a slot.
@Suite struct OutboundPacingRepositoryTests {
    static let start = Date(timeIntervalSince1970: 1_795_000_000)
    static func at(_ seconds: TimeInterval) -> Date { start.addingTimeInterval(seconds) }
    static let twoPerSecond = OutboundLimits(callsPerSecond: 2, maxConcurrentCalls: 3)

    /// A decision with its time in whole milliseconds after `start` (SQLite stores milliseconds, PostgreSQL
    /// microseconds: a time read back may differ from the one computed here in the last bits).
    enum Decision: Equatable {
        case dial(ms: Int)
        case wait(ms: Int, reason: String)
    }

    static func ms(_ date: Date) -> Int { Int((date.timeIntervalSince(start) * 1000).rounded()) }

    static func rounded(_ decision: DialDecision) -> Decision {
        switch decision {
        case .dial(let at): .dial(ms: ms(at))
        case .wait(let until, let reason): .wait(ms: ms(until), reason: reason)
        }
    }

    static func slot(_ decision: DialDecision) -> Int? {
        if case .dial(let at) = decision { return ms(at) }
        return nil
    }

    static func reserve(_ pacing: any OutboundPacingRepository, _ id: String, _ limits: OutboundLimits,
                        at seconds: TimeInterval) async throws -> Decision {
        rounded(try await pacing.reserve(requestId: id, limits: limits, now: at(seconds)))
    }

    @Test(arguments: RepositoryBackend.all)
    func slotsAreSpacedAtTheRateAndAFarSlotIsNotTaken(_ backend: RepositoryBackend) async throws {
        let pacing = try await backend.make().repositories.outboundPacing
        let limits = OutboundLimits(callsPerSecond: 1, maxConcurrentCalls: 100)
        var slots: [Int] = []
        for index in 0..<6 {
            let decision = try await pacing.reserve(requestId: "r\(index)", limits: limits, now: Self.at(0))
            slots.append(try #require(Self.slot(decision), "request \(index): \(decision)"))
        }
        #expect(slots == (0..<6).map { $0 * 1000 }, "one a second from now; the 6th is 5 s ahead (the most waited for)")
        let seventh = try await Self.reserve(pacing, "r6", limits, at: 0)
        #expect(seventh == .wait(ms: 1000, reason: "paced at 1.0 calls per second"),
                "6 s ahead: not taken; asked again when it is 5 s away")
        // Asking again for a request that holds a slot gives the same slot, without taking another.
        #expect(try await Self.reserve(pacing, "r2", limits, at: 0.5) == .dial(ms: 2000))
        #expect(try await Self.reserve(pacing, "r6", limits, at: 1) == .dial(ms: 6000))
        // After a quiet spell the next call goes at once: slots never lie in the past.
        #expect(try await Self.reserve(pacing, "r7", limits, at: 100) == .dial(ms: 100_000))
    }

    @Test(arguments: RepositoryBackend.all)
    func callsInProgressAndReservationsCountAgainstTheCapUntilTheyEndOrExpire(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let pacing = store.repositories.outboundPacing
        let business = try await store.makeBusiness("pacing", numbers: ["+15550100000"])
        // Two outbound calls in progress, one ended, one inbound: two count.
        for (sid, direction, ended) in [("CA1", CallDirection.outbound, false), ("CA2", .outbound, false),
                                        ("CA3", .outbound, true), ("CA4", .inbound, false)] {
            let call = CallRecord(
                sid: sid, businessId: business.id, caller: "+15550100000", called: "+15557654321",
                status: ended ? "completed" : "in-progress", state: .greeting, machine: CallMachine(callerNumber: nil),
                version: 0, outcome: nil, isEmergency: false, emergencyCategory: nil, startedAt: Self.at(-60),
                endedAt: ended ? Self.at(-1) : nil, durationSeconds: nil, direction: direction, context: nil)
            let written = try await store.repositories.calls.write(TurnWrite(
                call: call, isNewCall: true, turns: [], leads: [], alerts: [], idempotencyToken: nil, response: ""))
            #expect(written == .stored)
        }
        #expect(try await Self.reserve(pacing, "r1", Self.twoPerSecond, at: 0) == .dial(ms: 0), "2 in progress, the cap is 3")
        #expect(try await Self.reserve(pacing, "r2", Self.twoPerSecond, at: 0)
                == .wait(ms: Int(OutboundLimits.busyRetry * 1000), reason: "3 outbound calls in progress, the limit is 3"))
        // The reservation ends (its call was refused): room again, at the next slot of the rate.
        try await pacing.release(requestId: "r1")
        #expect(try await Self.reserve(pacing, "r2", Self.twoPerSecond, at: 0.1) == .dial(ms: 500))
        // A reservation whose node died stops counting after its lifetime; so does a call whose end never came.
        let afterReservations = OutboundLimits.reservationLifetime + 1
        #expect(try await Self.reserve(pacing, "r3", Self.twoPerSecond, at: afterReservations)
                == .dial(ms: Int(afterReservations * 1000)), "r2's reservation has expired: 2 in progress again")
        let limitOne = OutboundLimits(callsPerSecond: 2, maxConcurrentCalls: 1)
        #expect(try await Self.reserve(pacing, "r4", limitOne, at: OutboundLimits.callLifetime)
                == .dial(ms: Int(OutboundLimits.callLifetime * 1000)),
                "the calls started 4 h ago with no end no longer count; r3's reservation has expired")
    }

    @Test(arguments: RepositoryBackend.all)
    func aDialNeverHeardRingingFreesItsSlotAfterTheDialLeaseAnAnsweredOneOnlyAfterTheCallLifetime(
        _ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let pacing = store.repositories.outboundPacing
        let business = try await store.makeBusiness("pacing", numbers: ["+15550100000"])
        for (sid, status) in [("CA1", "queued"), ("CA2", "initiated"), ("CA3", "in-progress")] {
            let call = CallRecord(
                sid: sid, businessId: business.id, caller: "+15550100000", called: "+15557654321", status: status,
                state: .greeting, machine: CallMachine(callerNumber: nil), version: 0, outcome: nil, isEmergency: false,
                emergencyCategory: nil, startedAt: Self.at(0), endedAt: nil, durationSeconds: nil, direction: .outbound,
                context: nil)
            _ = try await store.repositories.calls.write(TurnWrite(
                call: call, isNewCall: true, turns: [], leads: [], alerts: [], idempotencyToken: nil, response: ""))
        }
        let cap = OutboundLimits(callsPerSecond: 1, maxConcurrentCalls: 3)
        let lease = OutboundLimits.unansweredDialLifetime
        #expect(lease == 660, "2 × the 30 s ring timeout + 10 min")
        #expect(try await Self.reserve(pacing, "r1", cap, at: lease - 1)
                == .wait(ms: Int((lease - 1 + OutboundLimits.busyRetry) * 1000), reason: "3 outbound calls in progress, the limit is 3"))
        // The two dials never heard ringing stop counting; the answered call still does.
        #expect(try await Self.reserve(pacing, "r1", cap, at: lease + 1) == .dial(ms: Int((lease + 1) * 1000)))
        #expect(try await Self.reserve(pacing, "r2", cap, at: lease + 2) == .dial(ms: Int((lease + 2) * 1000)))
        #expect(try await Self.reserve(pacing, "r3", cap, at: lease + 2) == .wait(
            ms: Int((lease + 2 + OutboundLimits.busyRetry) * 1000), reason: "3 outbound calls in progress, the limit is 3"),
                "the answered call and two reservations")
    }

    @Test(arguments: RepositoryBackend.all)
    func concurrentReservationsNeverShareASlotNorPassTheCap(_ backend: RepositoryBackend) async throws {
        let pacing = try await backend.make().repositories.outboundPacing
        let limits = OutboundLimits(callsPerSecond: 10, maxConcurrentCalls: 12)
        let decisions = try await withThrowingTaskGroup(of: DialDecision.self) { group in
            for index in 0..<20 {
                group.addTask { try await pacing.reserve(requestId: "c\(index)", limits: limits, now: Self.at(0)) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let slots = decisions.compactMap(Self.slot).sorted()
        #expect(slots == (0..<12).map { $0 * 100 }, "12 distinct slots 0.1 s apart: the cap")
        #expect(decisions.count - slots.count == 8)
    }

    @Test(arguments: RepositoryBackend.all)
    func aReservationNeedsARequestId(_ backend: RepositoryBackend) async throws {
        let pacing = try await backend.make().repositories.outboundPacing
        await #expect(throws: RepositoryError.invalid("a dial reservation needs a request id")) {
            try await pacing.reserve(requestId: "", limits: .default, now: Self.at(0))
        }
    }
}
