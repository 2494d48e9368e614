import Foundation
import HummingbirdTesting
import Receptionist
import Testing
@testable import Server

/// `frontdesk replay`: a stored call's inputs are rebuilt from its transcript and re-run.
@Suite struct CallReplayTests {
    /// Replays every receptionist turn of `sid` and returns (then, now) for each.
    static func replay(_ app: TestApp, sid: String) async throws -> [(then: String, now: String, input: CallInput)] {
        let console = CallConsole(services: app.services)
        let call = try #require(try await console.call(sid: sid))
        let business = try #require(try await console.business(id: call.businessId))
        var machine = CallMachine(callerNumber: call.caller)
        var previous: CallTurn?
        var results: [(String, String, CallInput)] = []
        for turn in try await console.turns(sid: sid) {
            defer { previous = turn }
            guard let input = turn.replayInput(after: previous) else { continue }
            let result = try await console.step(&machine, input: input, business: business, called: call.called, at: turn.createdAt)
            if turn.speaker == .receptionist { results.append((turn.text, CallResponse.spokenText(result.actions), input)) }
        }
        return results
    }

    @Test func replayReproducesACallAndShowsWhatNewKnowledgeChanges() async throws {
        let app = try await TwilioWebhookTests.makeApp()
        let (business, _) = try await TwilioWebhookTests.makeBusiness(app)
        let sid = try await app.app.test(.router) { client in
            var call = SimulatedCall(twilio: TwilioTestClient(authToken: TwilioWebhookTests.authToken), to: TwilioWebhookTests.number)
            _ = try await call.start(client)
            _ = try await call.say(client, "what time are you open on saturday")
            _ = try await call.silence(client)
            _ = try await call.say(client, "do you clean gutters")
            _ = try await call.say(client, "yes")
            _ = try await call.say(client, "my name is lee wong")
            _ = try await call.hangUp(client, duration: 40)
            return call.sid
        }
        let first = try await Self.replay(app, sid: sid)
        #expect(first.map(\.input) == [.start, .speech("what time are you open on saturday", confidence: 0.92), .silence,
                                        .speech("do you clean gutters", confidence: 0.92), .speech("yes", confidence: 0.92),
                                        .speech("my name is lee wong", confidence: 0.92)])
        for turn in first { #expect(turn.then == turn.now, "unchanged knowledge, same reply") }

        // The business adds what the caller asked about: replay now answers it.
        _ = try await app.services.knowledge.create(businessId: business.id, draft: KnowledgeDraft(
            title: "Gutter cleaning", content: "Yes, we clean gutters and downpipes. Gutter cleaning starts at 95 dollars for a two storey house."))
        let second = try await Self.replay(app, sid: sid)
        let changed = second.filter { $0.then != $0.now }
        #expect(!changed.isEmpty)
        #expect(changed.first?.now.contains("gutters") == true, "\(changed.map(\.now))")
    }
}
