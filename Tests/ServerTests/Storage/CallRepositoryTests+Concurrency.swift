import Foundation
import Testing
@testable import Server

/// Webhooks of one call reaching two nodes (or two tasks) at the same moment: on every backend exactly one turn
/// is stored per call version, and a redelivery is answered with the first reply.
extension CallRepositoryTests {
    /// Two turns computed from the same version, written at once: exactly one is stored, the other is a conflict
    /// (the caller re-reads and recomputes); the transcript has one turn's lines, the receipt is the winner's.
    @Test(arguments: RepositoryBackend.all)
    func twoTurnsOverOneVersionStoreExactlyOne(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let calls = store.repositories.calls
        let business = try await store.makeBusiness("rapid-rooter")
        for round in 0..<6 {
            let call = Self.call("CA\(round)", business: business)
            #expect(try await calls.write(Self.starting(call)) == .stored)
            async let first = calls.write(Self.turning(call, "first", token: "a\(round)", response: "A"))
            async let second = calls.write(Self.turning(call, "second", token: "b\(round)", response: "B"))
            let results = try await [first, second]
            #expect(results.filter { $0 == .stored }.count == 1 && results.filter { $0 == .conflict }.count == 1,
                    "round \(round): \(results)")
            let winner = results[0] == .stored ? "first" : "second"
            let turns = try await calls.turns(callSid: call.sid)
            #expect(turns.map(\.seq) == [0, 1, 2])
            #expect(turns.map(\.text).dropFirst() == [winner, "Reply to \(winner)"])
            #expect(try await calls.call(sid: call.sid)?.version == 1)
            #expect(try await calls.response(forIdempotencyToken: "a\(round)") == (winner == "first" ? "A" : nil))
            #expect(try await calls.response(forIdempotencyToken: "b\(round)") == (winner == "second" ? "B" : nil))
        }
    }

    /// The same webhook delivered twice at once (same token, same version): one is stored, the other gets its
    /// reply as a duplicate — never a conflict, never two turns.
    @Test(arguments: RepositoryBackend.all)
    func aRedeliveryRacingTheFirstDeliveryGetsItsReply(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let calls = store.repositories.calls
        let business = try await store.makeBusiness("rapid-rooter")
        for round in 0..<6 {
            let call = Self.call("CA\(round)", business: business)
            #expect(try await calls.write(Self.starting(call)) == .stored)
            async let first = calls.write(Self.turning(call, "hello", token: "tok\(round)", response: "one"))
            async let second = calls.write(Self.turning(call, "hello", token: "tok\(round)", response: "two"))
            let results = try await [first, second]
            let stored = try #require(try await calls.response(forIdempotencyToken: "tok\(round)"))
            #expect(results.filter { $0 == .stored }.count == 1, "round \(round): \(results)")
            #expect(results.contains(.duplicate(response: stored)), "round \(round): \(results)")
            #expect(try await calls.turns(callSid: call.sid).count == 3)
            #expect(try await calls.call(sid: call.sid)?.version == 1)
        }
    }

    /// One call started on two nodes at once: one insert wins, the other is a conflict (and continues the call
    /// as a redirect); one customer and one voice conversation.
    @Test(arguments: RepositoryBackend.all)
    func aCallStartedTwiceAtOnceIsStoredOnce(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let calls = store.repositories.calls
        let business = try await store.makeBusiness("rapid-rooter")
        for round in 0..<6 {
            let call = Self.call("CA\(round)", business: business, caller: "+1555765430\(round)")
            async let first = calls.write(Self.starting(call, token: "a\(round)"))
            async let second = calls.write(Self.starting(call, token: "b\(round)"))
            let results = try await [first, second]
            #expect(results.filter { $0 == .stored }.count == 1 && results.filter { $0 == .conflict }.count == 1,
                    "round \(round): \(results)")
            #expect(try await calls.turns(callSid: call.sid).count == 1)
            #expect(try await store.count("customers", where: "phone = ?", [call.caller!]) == 1)
            #expect(try await store.count("conversations", where: "call_sid = ?", [call.sid]) == 1)
            #expect(try await store.count("events", where: "type = 'call.started' AND stream = ?", ["call:\(call.sid)"]) == 1)
        }
    }
}
