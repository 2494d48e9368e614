import Foundation
import HummingbirdTesting
import Maintenance
import Testing
@testable import Server

extension DispatchWorld {
    /// Acme then Bolt (a second apart: Acme is offered first), an urgent ticket, and Acme's hour run out: Bolt has
    /// the open offer. Returns the ticket's id and code.
    func acmeTimedOutBoltAsked(_ client: some TestClientProtocol) async throws -> (id: String, code: String) {
        try await vendor(client, "Acme Plumbing", Self.acme)
        clock.advance(by: 1)
        try await vendor(client, "Bolt Plumbing", Self.bolt)
        let ticket = try await ticket(client)
        try await advance(by: 61 * 60)
        return (try #require(ticket.id), try #require(ticket["code"] as? String))
    }
}

extension DispatchLoopTests {
    @Test func aLateYesAndTheNextVendorsYesAtOnceBookTheJobExactlyOnceAndTheOtherIsTold() async throws {
        // Friday evening: both offers are for Monday morning, still ahead when the YES come.
        try await DispatchWorld.run(at: DispatchWorld.fridayEvening) { world in
            try await world.crm.test.app.test(.live) { client in
                let (id, code) = try await world.acmeTimedOutBoltAsked(client)
                #expect(world.texts(to: DispatchWorld.bolt).count == 1, "Acme timed out: Bolt has the open offer")

                // Acme's late YES and Bolt's YES arrive at the same moment, on two connections.
                async let late = world.text(client, "YES \(code)", from: DispatchWorld.acme)
                async let next = world.text(client, "YES \(code)", from: DispatchWorld.bolt)
                _ = try await (late, next)
                try await world.settle()

                let booked = try await world.get(client, ticket: id)
                #expect(booked["state"] as? String == "scheduled")
                let offers = try await world.offers(id)
                #expect(offers.filter { $0.state == .accepted }.count == 1, "\(offers.map(\.state))")
                let winner = try #require(offers.first { $0.state == .accepted })
                #expect(booked["vendor_id"] as? String == winner.vendorId)
                let (won, lost) = winner.id == offers[0].id ? (DispatchWorld.acme, DispatchWorld.bolt)
                                                             : (DispatchWorld.bolt, DispatchWorld.acme)
                #expect(world.texts(to: won).filter { $0.hasPrefix("Job \(code) is yours") }.count == 1)
                #expect(!world.texts(to: won).contains(DispatchTexts.alreadyTaken(code: code)))
                #expect(world.texts(to: lost).filter { $0.hasPrefix("Job \(code) is yours") }.isEmpty)
                #expect(world.texts(to: lost).contains(DispatchTexts.alreadyTaken(code: code)), "\(world.texts(to: lost))")
                #expect(world.texts(to: DispatchWorld.tenant).filter { $0.contains("is booked") }.count == 1)
                let appointments = try await client.call(.get, "/v1/appointments", key: world.crm.keyA).body.items
                #expect(appointments.filter { $0["status"] as? String != "cancelled" }.count == 1,
                        "the losing YES's appointment is withdrawn: \(appointments)")

                // A second YES from the winner is thanked, not told the job is taken.
                _ = try await world.text(client, "YES \(code)", from: won)
                #expect(world.texts(to: won).last == DispatchTexts.alreadyYours(code: code))
                #expect(try await world.get(client, ticket: id)["version"] as? Int == booked["version"] as? Int)
            }
        }
    }

    @Test func aLateYesBooksTheJobWhileTheNextVendorIsStillAskedAndTheirOfferIsWithdrawn() async throws {
        try await DispatchWorld.run(at: DispatchWorld.fridayEvening) { world in
            try await world.crm.test.app.test(.live) { client in
                let (id, code) = try await world.acmeTimedOutBoltAsked(client)
                _ = try await world.text(client, "yes \(code)", from: DispatchWorld.acme)
                let booked = try await world.get(client, ticket: id)
                #expect(booked["state"] as? String == "scheduled")
                #expect(try await world.offers(id).map(\.state) == [.accepted, .cancelled])
                #expect(world.texts(to: DispatchWorld.bolt).last == DispatchTexts.withdrawn(code: code))
                // Bolt's YES now is too late.
                _ = try await world.text(client, "YES", from: DispatchWorld.bolt)
                #expect(try await world.get(client, ticket: id)["vendor_id"] as? String == booked["vendor_id"] as? String)
            }
        }
    }

    @Test func aLateYesForAWindowThatHasBegunIsTooLate() async throws {
        // Monday noon: Acme was offered 13:00-14:00 and answers at 13:01.
        try await DispatchWorld.run(at: DispatchWorld.mondayNoon) { world in
            try await world.crm.test.app.test(.live) { client in
                let (id, code) = try await world.acmeTimedOutBoltAsked(client)
                let acmeWindow = try #require(try await world.offers(id).first?.window)
                #expect(acmeWindow.start <= world.clock.read())
                _ = try await world.text(client, "YES \(code)", from: DispatchWorld.acme)
                #expect(world.texts(to: DispatchWorld.acme).last == DispatchTexts.alreadyTaken(code: code))
                #expect(try await world.get(client, ticket: id)["state"] as? String == "vendor_contacting")
                #expect(try await world.offers(id).map(\.state) == [.timedOut, .open], "Bolt's offer stands")
            }
        }
    }

    @Test func aRestartInTheMiddleOfAnOfferStillFiresItsTimerExactlyOnce() async throws {
        try await DispatchWorld.run(at: DispatchWorld.mondayNoon) { first in
            let (id, code) = try await first.crm.test.app.test(.live) { client in
                try await first.vendor(client, "Acme Plumbing", DispatchWorld.acme)
                first.clock.advance(by: 1)
                try await first.vendor(client, "Bolt Plumbing", DispatchWorld.bolt)
                let ticket = try await first.ticket(client)
                return (try #require(ticket.id), try #require(ticket["code"] as? String))
            }
            #expect(first.texts(to: DispatchWorld.acme).count == 1)

            // The process stops with the offer open; a new one starts on the same database. The old one's job
            // runner is still there too (a second node, or a process not quite gone): both run the due timers.
            let second = try await first.restarted()
            first.clock.advance(by: 61 * 60)
            async let a = second.services.jobRunner.runDue(now: second.clock.read())
            async let b = second.services.jobRunner.runDue(now: second.clock.read())
            async let c = first.services.jobRunner.runDue(now: first.clock.read())
            _ = try await (a, b, c)
            try await second.settle()

            #expect(second.texts(to: DispatchWorld.bolt).count == 1, "the next vendor is offered the job once")
            let offers = try await second.offers(id)
            #expect(offers.map(\.state) == [.timedOut, .open])
            let resolved = try await second.services.repositories.events.events(EventQuery(
                businessId: second.crm.a.id, stream: .ticket(id), types: [.dispatchOfferResolved]))
            #expect(resolved.count == 1, "the timer fired once")
            let timers = try await second.services.repositories.jobs.jobs(kind: DispatchTimer.kind)
            #expect(timers.filter { $0.status == .queued || $0.status == .running }.count == 1, "only Bolt's timer is left")

            try await second.crm.test.app.test(.live) { client in
                _ = try await second.text(client, "YES \(code)", from: DispatchWorld.bolt)
                #expect(try await second.get(client, ticket: id)["state"] as? String == "scheduled")
            }
        }
    }

    @Test func twoBusinessesVendorsNeverSeeEachOthersTickets() async throws {
        try await DispatchWorld.run(at: DispatchWorld.mondayNoon) { world in
            try await world.crm.test.app.test(.live) { client in
                let keyB = world.crm.keyB
                // Acme works for both managers (one phone, a vendor of each); Cole only for B.
                try await world.vendor(client, "Acme Plumbing", DispatchWorld.acme)
                try await world.vendor(client, "Acme Plumbing", DispatchWorld.acme, key: keyB)
                try await world.vendor(client, "Cole Electric", DispatchWorld.cole, trade: "electrical", key: keyB)
                let ours = try await world.ticket(client, problem: "Leaking pipe under the sink at A's flat")
                let theirs = try await world.ticket(client, trade: "electrical", problem: "Sparking socket in B's hallway",
                                                    key: keyB)
                let ourCode = try #require(ours["code"] as? String), theirCode = try #require(theirs["code"] as? String)
                try #require(ourCode != theirCode)

                // Each business's texts come from its own number and name only its own job.
                let acme = world.messages(to: DispatchWorld.acme)
                #expect(acme.count == 1)
                #expect(acme.first?.form["From"] == CRMTestApp.numberA && acme.first?.form["Body"]?.contains(ourCode) == true)
                let cole = world.messages(to: DispatchWorld.cole)
                #expect(cole.count == 1 && cole.first?.form["From"] == CRMTestApp.numberB)
                #expect(cole.allSatisfy { !($0.form["Body"] ?? "").contains(ourCode) && !($0.form["Body"] ?? "").contains("A's flat") })

                let before = try await world.get(client, ticket: try #require(theirs.id), key: keyB)
                #expect(before["state"] as? String == "vendor_contacting")
                // A YES for A's job sent to B's number takes nothing: B has no such job for Acme.
                _ = try await world.text(client, "YES \(ourCode)", from: DispatchWorld.acme, to: CRMTestApp.numberB)
                #expect(try await world.get(client, ticket: try #require(ours.id))["state"] as? String == "vendor_contacting")
                #expect(world.messages(to: DispatchWorld.acme).last?.form["From"] == CRMTestApp.numberB)
                #expect(world.texts(to: DispatchWorld.acme).last?.contains("is not open for you") == true)
                // Cole (a vendor of B only) answering A's job at A's number is just a message to A.
                _ = try await world.text(client, "YES \(ourCode)", from: DispatchWorld.cole, to: CRMTestApp.numberA)
                #expect(try await world.get(client, ticket: try #require(ours.id))["state"] as? String == "vendor_contacting")
                // At A's number it books A's job, and B's job is untouched.
                _ = try await world.text(client, "YES \(ourCode)", from: DispatchWorld.acme, to: CRMTestApp.numberA)
                #expect(try await world.get(client, ticket: try #require(ours.id))["state"] as? String == "scheduled")
                let b = try await world.get(client, ticket: try #require(theirs.id), key: keyB)
                #expect(b["state"] as? String == "vendor_contacting" && b["version"] as? Int == before["version"] as? Int)

                // Neither business can read, list or count the other's tickets or vendors.
                #expect(try await client.call(.get, "/v1/tickets/\(try #require(theirs.id))", key: world.crm.keyA).status == .notFound)
                #expect(try await client.call(.get, "/v1/tickets", key: keyB).body.items.compactMap(\.id) == [try #require(theirs.id)])
                #expect(try await client.call(.get, "/v1/vendors", key: keyB).body.items.count == 2)
                let measures = try await client.call(.get, "/v1/analytics/dispatch?from=2030-06-01&to=2030-06-30", key: keyB).body
                #expect((measures["business"] as? [String: Any])?["tickets"] as? Int == 1)
            }
        }
    }
}
