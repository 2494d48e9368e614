import Foundation
import HummingbirdTesting
import Maintenance
import Testing
@testable import Server

extension DispatchLoopTests {
    @Test func anEscalationTextsAndCallsEachLandlordContactThreeTimesInOrderUntilSomeoneActs() async throws {
        try await DispatchWorld.run(at: DispatchWorld.mondayNoon) { world in
            try await world.crm.test.app.test(.live) { client in
                try await world.settings(client, ["landlord_contacts": [
                    ["name": "Dana (owner)", "phone": DispatchWorld.landlord],
                    ["name": "Eve (agent)", "phone": DispatchWorld.agent],
                ], "escalation_attempts_per_contact": 3, "escalation_attempt_gap_minutes": 5])
                try await world.vendor(client, "Acme Plumbing", DispatchWorld.acme)

                // Nobody covers heating: that ticket escalates at once; the landlord acts on it after one attempt.
                let heating = try await world.ticket(client, trade: "hvac", problem: "Heating is off in the flat")
                let heatingCode = try #require(heating["code"] as? String)
                #expect(try await world.get(client, ticket: try #require(heating.id))["state"] as? String == "escalated")
                #expect(world.texts(to: DispatchWorld.landlord).filter { $0.contains(heatingCode) }.count == 1)
                #expect(world.calls(to: DispatchWorld.landlord).count == 1, "a text, then a call to the same number")
                let closed = try await client.call(.post, "/v1/tickets/\(try #require(heating.id))/close", key: world.crm.keyA,
                                                   json: ["reason": "Dana sent her own engineer"])
                #expect(closed.status == .ok, "\(closed.body)")

                // The plumbing job: the only vendor says NO, so it escalates at once (no timer is waited out).
                let leak = try await world.ticket(client, problem: "Water dripping through the ceiling")
                let id = try #require(leak.id)
                let code = try #require(leak["code"] as? String)
                _ = try await world.text(client, "NO \(code)", from: DispatchWorld.acme)
                #expect(world.texts(to: DispatchWorld.acme).last == DispatchTexts.declined(code: code))
                #expect(try await world.get(client, ticket: id)["state"] as? String == "escalated")
                let escalation = try #require(world.texts(to: DispatchWorld.landlord).last)
                #expect(escalation.hasPrefix("Job \(code) needs you: every vendor declined or did not answer."), "\(escalation)")
                #expect(escalation.contains("Water dripping through the ceiling at 14 Elm St") && escalation.contains("Ana Diaz"))

                // The call speaks the ticket summary when the landlord answers.
                let request = try #require(world.calls(to: DispatchWorld.landlord).last)
                let url = try #require(request.form["Url"])
                let calls = try await world.services.calls.calls(businessId: world.crm.a.id, limit: 10, cursor: nil).items
                let call = try #require(calls.first { $0.called == DispatchWorld.landlord })
                let answered = try await TwilioTestClient(authToken: TwilioMessagingStandIn.authToken).post(
                    client, String(url.dropFirst(TwilioTestClient.publicBaseURL.count)),
                    [("AccountSid", TwilioMessagingStandIn.accountSid), ("CallSid", call.sid), ("From", CRMTestApp.numberA),
                     ("To", DispatchWorld.landlord), ("Direction", "outbound-api"), ("CallStatus", "in-progress")])
                #expect(answered.status == .ok)
                #expect(answered.body.contains("maintenance calling about job"), "\(answered.body)")

                // Every 5 minutes the next attempt: Dana three times, then Eve three times, then nothing more.
                for _ in 0..<8 { try await world.advance(by: 5 * 60) }
                let dana = world.texts(to: DispatchWorld.landlord).filter { $0.contains("Job \(code) needs you") }
                let eve = world.texts(to: DispatchWorld.agent).filter { $0.contains("Job \(code) needs you") }
                #expect(dana.count == 3 && eve.count == 3, "\(dana.count) texts to Dana, \(eve.count) to Eve")
                #expect(world.calls(to: DispatchWorld.landlord).count == 1 + 3, "the heating call and three for the leak")
                #expect(world.calls(to: DispatchWorld.agent).count == 3)
                let danaLast = try #require(world.messages(to: DispatchWorld.landlord).last?.receivedAt)
                let eveFirst = try #require(world.messages(to: DispatchWorld.agent).first?.receivedAt)
                #expect(danaLast <= eveFirst, "Dana's attempts come before Eve's")
                #expect(world.texts(to: DispatchWorld.landlord).filter { $0.contains(heatingCode) }.count == 1,
                        "closing the heating ticket stopped its escalation")
                let steps = try await world.services.repositories.events.events(EventQuery(
                    businessId: world.crm.a.id, stream: .ticket(id), types: [.dispatchEscalationStep]))
                #expect(steps.count == 12)
                #expect(try steps.map { try $0.decode(DispatchEscalationStep.self).attempt } == [1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3])

                // A NO stands: the same vendor's later YES does not take the escalated job.
                _ = try await world.text(client, "YES \(code)", from: DispatchWorld.acme)
                #expect(try await world.get(client, ticket: id)["state"] as? String == "escalated", "Acme said NO: that stands")
            }
        }
    }

    @Test func anEscalationThatStartsBetweenTwoMillisecondsStillContactsTheLandlord() async throws {
        // Stored times are rounded to the millisecond: at x.0006 s the escalation's stored time reads 0.4 ms after
        // the clock that wrote it, and its first step must not wait for a timer that can never fire.
        try await DispatchWorld.run(at: DispatchWorld.mondayNoon.addingTimeInterval(0.0006)) { world in
            try await world.crm.test.app.test(.live) { client in
                try await world.settings(client, ["landlord_contacts": [["name": "Dana (owner)", "phone": DispatchWorld.landlord]]])
                let ticket = try await world.ticket(client, trade: "hvac", problem: "Heating is off in the flat")
                let code = try #require(ticket["code"] as? String)
                #expect(try await world.get(client, ticket: try #require(ticket.id))["state"] as? String == "escalated")
                #expect(world.texts(to: DispatchWorld.landlord).filter { $0.contains("Job \(code) needs you") }.count == 1)
                #expect(world.calls(to: DispatchWorld.landlord).count == 1)
            }
        }
    }
}
