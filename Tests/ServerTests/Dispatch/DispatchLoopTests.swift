import Foundation
import HummingbirdTesting
import Maintenance
import Testing
@testable import Server

/// The booking loop end to end through the real HTTP server (`.live`) and the Twilio stand-in, on the test's clock:
/// a tenant's call becomes a ticket, the first vendor times out, the second books it, the visit is reminded, asked
/// about and closed; the dispatch measures read what happened. See also `DispatchLoopTests+Races` (a YES race, a
/// restart mid-offer, two businesses) and `+Escalation`.
@Suite struct DispatchLoopTests {
    @Test func aCallBecomesATicketTheSecondVendorBooksAfterTheFirstTimesOutAndTheVisitRunsToDone() async throws {
        try await DispatchWorld.run(at: DispatchWorld.fridayEvening, intake: true) { world in
            try await world.crm.test.app.test(.live) { client in
                try await world.settings(client, ["landlord_contacts": [["name": "Dana (owner)", "phone": DispatchWorld.landlord]]])
                try await world.vendor(client, "Acme Plumbing", DispatchWorld.acme)
                world.clock.advance(by: 1)
                try await world.vendor(client, "Bolt Plumbing", DispatchWorld.bolt)
                world.clock.advance(by: 60)

                // A tenant calls about a leak and confirms the read-back.
                var call = SimulatedCall(twilio: TwilioTestClient(authToken: TwilioMessagingStandIn.authToken), to: CRMTestApp.numberA)
                _ = try await call.start(client)
                _ = try await call.say(client, "hi my kitchen sink is leaking under the cabinet")
                _ = try await call.say(client, "fourteen elm street chicago 60614")
                _ = try await call.say(client, "apartment three b")
                _ = try await call.say(client, "monday morning works")
                _ = try await call.say(client, "ana ruiz")
                let readBack = try await call.say(client, "yes")
                #expect(readBack.contains("Let me read that back"), "\(readBack)")
                _ = try await call.say(client, "yes that's right")
                _ = try await call.hangUp(client, duration: 95)
                let opened = world.clock.read()
                try await world.settle()

                let list = try await client.call(.get, "/v1/tickets", key: world.crm.keyA).body.items
                let ticket = try #require(list.first)
                #expect(list.count == 1)
                #expect(ticket["source"] as? String == "call" && ticket["postcode"] as? String == "60614", "\(ticket)")
                let id = try #require(ticket["id"] as? String)
                let code = try #require(ticket["code"] as? String)
                #expect(ticket["state"] as? String == "vendor_contacting")
                let offer = try #require(world.texts(to: DispatchWorld.acme).first)
                #expect(offer.hasPrefix("Job \(code): ") && offer.contains("Reply YES \(code)"), "\(offer)")
                #expect(offer.contains("Mon"), "the first slot after a Friday evening: \(offer)")
                #expect(world.texts(to: DispatchWorld.bolt).isEmpty, "one open offer at a time")

                // Acme never answers: an urgent job's hour passes, the timer fires, and Bolt is offered it.
                try await world.advance(by: 59 * 60)
                #expect(world.texts(to: DispatchWorld.bolt).isEmpty, "not before the offer's time is up")
                try await world.advance(by: 2 * 60)
                #expect(world.texts(to: DispatchWorld.bolt).count == 1)
                #expect(world.texts(to: DispatchWorld.acme).count == 1, "a timed-out vendor is not texted again")

                // Bolt takes it five minutes later.
                try await world.advance(by: 5 * 60)
                let answer = try await world.text(client, "yes \(code.lowercased())", from: DispatchWorld.bolt)
                #expect(answer == TwilioSMSWebhookTests.empty, "a vendor's YES is not a carrier opt-in")
                let booked = try await world.get(client, ticket: id)
                #expect(booked["state"] as? String == "scheduled")
                let offers = try await world.offers(id)
                let bolt = try #require(offers.last)
                #expect(offers.map(\.state) == [.timedOut, .accepted])
                #expect(booked["vendor_id"] as? String == bolt.vendorId)
                #expect(world.texts(to: DispatchWorld.bolt).last?.hasPrefix("Job \(code) is yours") == true)
                #expect(world.texts(to: DispatchWorld.bolt).last?.contains("Ana Ruiz") == true)
                let tenant = call.from
                #expect(world.texts(to: tenant).filter { $0.contains("is booked: Bolt Plumbing will come") }.count == 1,
                        "\(world.texts(to: tenant))")
                #expect(world.texts(to: DispatchWorld.landlord).count == 1)
                #expect(world.texts(to: DispatchWorld.landlord).first?.contains("Job \(code) booked") == true)

                // The visit is in the CRM, for the caller, at the window offered.
                let window = try #require(bolt.window)
                let appointments = try await client.call(.get, "/v1/appointments", key: world.crm.keyA).body.items
                #expect(appointments.count == 1)
                #expect(appointments.first?["id"] as? String == booked["appointment_id"] as? String)
                #expect(window.start > opened.addingTimeInterval(24 * 3600), "Monday 08:00, more than a day ahead")

                // Reminders 24 h and 1 h before, to vendor and tenant; the tenant gets one at 24 h although the
                // CRM appointment has a reminder of its own.
                try await world.advance(to: window.start.addingTimeInterval(-24 * 3600))
                #expect(world.texts(to: DispatchWorld.bolt).filter { $0.hasPrefix("Reminder: Job \(code)") }.count == 1)
                #expect(world.texts(to: tenant).filter { $0.hasPrefix("Reminder") }.count == 1, "\(world.texts(to: tenant))")
                try await world.advance(to: window.start.addingTimeInterval(-3600))
                #expect(world.texts(to: DispatchWorld.bolt).filter { $0.hasPrefix("Reminder: Job \(code)") }.count == 2)
                #expect(world.texts(to: tenant).filter { $0.hasPrefix("Reminder") }.count == 2)

                // After the window both are asked; the tenant's DONE closes the ticket.
                try await world.advance(to: window.end)
                #expect(world.texts(to: DispatchWorld.bolt).last?.hasPrefix("Finished Job \(code) at 14 Elm") == true)
                #expect(world.texts(to: tenant).last?.hasPrefix("Is Job \(code)") == true)
                try await world.advance(by: 600)
                _ = try await world.text(client, "DONE \(code)", from: tenant)
                let closed = try await world.get(client, ticket: id)
                #expect(closed["state"] as? String == "closed")

                // The whole history is the ticket's timeline.
                let timeline = try await world.timeline(client, id)
                #expect(timeline.first == "ticket.opened")
                #expect(timeline.filter { $0 == "dispatch.offer_sent" }.count == 2)
                #expect(timeline.filter { $0 == "dispatch.offer_resolved" }.count == 2)
                #expect(timeline.filter { $0 == "ticket.state_changed" }.count == 3, "vendor_contacting, scheduled, closed")

                // The measures: first offer at once, Bolt accepted 5 min after his offer, booked 66 min after opening.
                let report = try await client.call(.get, "/v1/analytics/dispatch?from=2030-06-01&to=2030-06-30", key: world.crm.keyA).body
                let business = try #require(report["business"] as? [String: Any])
                #expect(business["tickets"] as? Int == 1 && business["offers"] as? Int == 2)
                #expect((business["time_to_first_response"] as? [String: Any])?["median"] as? Double == 0)
                #expect((business["time_to_accept"] as? [String: Any])?["median"] as? Double == 300)
                #expect(abs(((business["time_to_book"] as? [String: Any])?["median"] as? Double ?? 0) - 66 * 60) < 0.01)
                #expect(business["timeout_rate"] as? Double == 0.5)
                #expect(business["acceptance_rate"] as? Double == 0.5)
                let vendor = try #require((report["by_vendor"] as? [String: Any])?[bolt.vendorId] as? [String: Any])
                #expect(vendor["name"] as? String == "Bolt Plumbing")

                // The same figures in /metrics, for Prometheus: per business, vendor and trade.
                let scrape = try await client.scrapeMetrics()
                let a = world.crm.a.id
                func labels(_ group: String, _ key: String, _ extra: [String: String] = [:]) -> [String: String] {
                    ["business": a, "group": group, "key": key].merging(extra) { _, new in new }
                }
                #expect(scrape.value(DispatchMetrics.Name.tickets, labels("business", a)) == 1)
                #expect(scrape.value(DispatchMetrics.Name.offers, labels("business", a)) == 2)
                #expect(scrape.value(DispatchMetrics.Name.ratio, labels("business", a, ["measure": "timeout"])) == 0.5)
                #expect(scrape.value(DispatchMetrics.Name.ratio, labels("vendor", bolt.vendorId, ["measure": "acceptance"])) == 1)
                #expect(scrape.value(DispatchMetrics.Name.duration,
                                     labels("vendor", bolt.vendorId, ["measure": "accept", "quantile": "0.5"])) == 300)
                let book = scrape.value(DispatchMetrics.Name.duration, labels("trade", "plumbing", ["measure": "book", "quantile": "0.9"]))
                #expect(abs((book ?? 0) - 66 * 60) < 0.01, "\(String(describing: book))")
                #expect(scrape.value(DispatchMetrics.Name.tickets, ["business": world.crm.b.id, "group": "business",
                                                                    "key": world.crm.b.id]) == 0)
                #expect(scrape.value(DispatchMetrics.Name.duration, labels("business", a, ["measure": "emergency_escalation", "quantile": "0.5"])) == nil,
                        "no emergency escalated: no figure rather than a zero")

                // The other business saw none of it.
                #expect(try await client.call(.get, "/v1/tickets", key: world.crm.keyB).body.items.isEmpty)
                #expect(try await client.call(.get, "/v1/tickets/\(id)", key: world.crm.keyB).status == .notFound)
            }
        }
    }

    @Test func aRoutineVisitClosesByItselfADayAfterItsWindowAndAnEmergencyWaitsForDone() async throws {
        try await DispatchWorld.run(at: DispatchWorld.fridayEvening) { world in
            try await world.crm.test.app.test(.live) { client in
                try await world.vendor(client, "Acme Plumbing", DispatchWorld.acme)
                try await world.vendor(client, "Cole Electric", DispatchWorld.cole, trade: "electrical")
                let routine = try await world.ticket(client, priority: "routine")
                let emergency = try await world.ticket(client, priority: "emergency", trade: "electrical",
                                                       problem: "No power in the whole flat")
                let routineCode = try #require(routine["code"] as? String)
                let emergencyCode = try #require(emergency["code"] as? String)
                #expect(world.texts(to: DispatchWorld.cole).first?.hasPrefix("EMERGENCY job \(emergencyCode)") == true)
                _ = try await world.text(client, "YES \(routineCode)", from: DispatchWorld.acme)
                _ = try await world.text(client, "YES", from: DispatchWorld.cole)
                let routineId = try #require(routine.id), emergencyId = try #require(emergency.id)
                #expect(try await world.get(client, ticket: routineId)["state"] as? String == "scheduled")
                #expect(try await world.get(client, ticket: emergencyId)["state"] as? String == "scheduled",
                        "a bare YES counts: Cole has exactly one open offer")

                let window = try #require(try await world.offers(routineId).last?.window)
                try await world.advance(to: window.end)
                #expect(world.texts(to: DispatchWorld.acme).last?.contains("Reply DONE \(routineCode)") == true)
                try await world.advance(by: 23 * 3600)
                #expect(try await world.get(client, ticket: routineId)["state"] as? String == "scheduled", "not before 24 h")
                try await world.advance(by: 3600 + 60)
                let closed = try await world.get(client, ticket: routineId)
                #expect(closed["state"] as? String == "closed")
                #expect(world.texts(to: DispatchWorld.tenant).last == DispatchTexts.tenantAutoClosed(code: routineCode))
                let changes = try await world.services.repositories.events.events(EventQuery(
                    businessId: world.crm.a.id, stream: .ticket(routineId), types: [.ticketStateChanged]))
                let last = try #require(changes.last).decode(TicketStateChanged.self)
                #expect(last.to == .closed && last.reason == DispatchTexts.autoClosedNote(afterMinutes: 1440))
                #expect(last.actor.kind == .system)

                // The emergency was asked too (its window was "now"), but it stays open until someone says DONE.
                #expect(world.texts(to: DispatchWorld.cole).last?.contains("Reply DONE \(emergencyCode)") == true)
                #expect(try await world.get(client, ticket: emergencyId)["state"] as? String == "scheduled")
                _ = try await world.text(client, "done \(emergencyCode)", from: DispatchWorld.cole)
                #expect(try await world.get(client, ticket: emergencyId)["state"] as? String == "closed")
            }
        }
    }
}
