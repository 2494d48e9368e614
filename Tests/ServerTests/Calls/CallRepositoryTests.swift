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

    @Test func callsAndLeadsPageNewestFirstWithoutGapsOrRepeats() async throws {
        let app = try await TwilioWebhookTests.makeApp()
        let (business, _) = try await TwilioWebhookTests.makeBusiness(app)
        let (other, _) = try await TwilioWebhookTests.makeBusiness(app, slug: "other", number: "+15550100001")
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        for index in 0..<5 {
            for owner in [business, other] {
                let call = CallRecord(sid: "CA\(owner.slug)\(index)", businessId: owner.id, caller: nil, called: TwilioWebhookTests.number,
                                      status: "completed", state: .ended, machine: CallMachine(callerNumber: nil), version: 0,
                                      outcome: .leadCaptured, isEmergency: false, emergencyCategory: nil,
                                      startedAt: start.addingTimeInterval(Double(index / 2) * 60), endedAt: nil, durationSeconds: nil)
                var lead = Lead(draft: LeadDraft(reason: .message, name: "Caller \(index)"), businessId: owner.id,
                                callSid: call.sid, createdAt: call.startedAt)
                lead.id = "lead-\(owner.slug)-\(index)"
                #expect(try await app.services.calls.write(TurnWrite(call: call, isNewCall: true, turns: [], leads: [lead], alerts: [],
                                                                    idempotencyToken: nil, response: "")) == .stored)
            }
        }
        var sids: [String] = [], leadIds: [String] = []
        var cursor: String?, leadCursor: String?
        repeat {
            let page = try await app.services.calls.calls(businessId: business.id, limit: 2, cursor: cursor)
            sids += page.items.map(\.sid)
            cursor = page.nextCursor
        } while cursor != nil
        repeat {
            let page = try await app.services.calls.leads(businessId: business.id, limit: 2, cursor: leadCursor)
            leadIds += page.items.map(\.id)
            leadCursor = page.nextCursor
        } while leadCursor != nil
        // Newest first; equal times in descending id order; only this business's rows.
        #expect(sids == ["CArapid-rooter4", "CArapid-rooter3", "CArapid-rooter2", "CArapid-rooter1", "CArapid-rooter0"])
        #expect(leadIds == ["lead-rapid-rooter-4", "lead-rapid-rooter-3", "lead-rapid-rooter-2", "lead-rapid-rooter-1", "lead-rapid-rooter-0"])
    }
}
