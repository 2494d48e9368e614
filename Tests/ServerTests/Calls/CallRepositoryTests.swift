import Foundation
import Receptionist
import Testing
@testable import Server

@Suite struct CallRepositoryTests {
    /// A machine holding dates (a booking's time window) reads back equal after a turn's conditional update —
    /// the update must encode JSON exactly as GRDB decodes it.
    @Test func aMachineWithDatesSurvivesATurnWrite() async throws {
        let app = try await TwilioWebhookTests.makeApp()
        let (business, _) = try await TwilioWebhookTests.makeBusiness(app)
        let policy = CallPolicy(businessName: "Rapid Rooter", greeting: "Hi", isOpen: false,
                                now: Date(timeIntervalSince1970: 1_795_000_000), timeZone: TimeZone(identifier: "America/Chicago")!)
        var machine = CallMachine(callerNumber: "+15557654321")
        _ = machine.handle(.started, policy: policy)
        var call = CallRecord(sid: "CAdates", businessId: business.id, caller: "+15557654321", called: TwilioWebhookTests.number,
                              status: "in-progress", state: machine.state, machine: machine, version: 0, outcome: nil,
                              isEmergency: false, emergencyCategory: nil, startedAt: Date(), endedAt: nil, durationSeconds: nil)
        #expect(try await app.services.calls.write(TurnWrite(call: call, isNewCall: true, turns: [], leads: [], alerts: [],
                                                            idempotencyToken: nil, response: "")) == .stored)
        _ = machine.handle(.heard(Utterance(text: "can someone come out tomorrow morning", confidence: 0.9)), policy: policy)
        let window = try #require(machine.lead?.timeWindow)
        call.machine = machine
        call.state = machine.state
        #expect(try await app.services.calls.write(TurnWrite(call: call, isNewCall: false, turns: [], leads: [], alerts: [],
                                                            idempotencyToken: nil, response: "")) == .stored)
        let stored = try #require(try await app.services.calls.call(sid: "CAdates"))
        #expect(stored.machine == machine)
        #expect(stored.machine.lead?.timeWindow == window)
        #expect(stored.version == 1)
    }
}
