import Foundation
import GRDB
import HummingbirdTesting
import Testing
@testable import Server

/// Booking on the phone with the business's real free slots and booking rules.
@Suite struct PhoneBookingTests {
    static func app() async throws -> CRMTestApp {
        try await CRMTestApp.make { config in
            config.twilioAuthToken = TwilioWebhookTests.authToken
            config.publicBaseURL = TwilioTestClient.publicBaseURL
        }
    }

    @Test func aCallerBooksAnOfferedSlotAndBecomesACustomerWithAnAppointment() async throws {
        let crm = try await Self.app()
        try await crm.test.app.test(.router) { client in
            var call = SimulatedCall(twilio: TwilioTestClient(authToken: TwilioWebhookTests.authToken), to: CRMTestApp.numberA)
            _ = try await call.start(client)
            let offer = try await call.say(client, "hi i'd like to book someone to look at my boiler")
            #expect(offer.contains("I can do"), "\(offer)")
            _ = try await call.say(client, "the first one")
            _ = try await call.say(client, "my name is omar haddad")
            _ = try await call.say(client, "yes")
            let readBack = try await call.say(client, "27 willow lane")
            #expect(readBack.contains("Appointment:"), "\(readBack)")
            let booked = try await call.say(client, "yes")
            #expect(booked.contains("You're booked for"), "\(booked)")
            _ = try await call.say(client, "no thanks")
            _ = try await call.hangUp(client, duration: 95)

            let (_, appointments) = try await client.call(.get, "/v1/appointments", key: crm.keyA)
            let appointment = try #require(appointments.items.first)
            #expect(appointments.items.count == 1)
            #expect(appointment["source_call_sid"] as? String == call.sid)
            #expect(appointment["status"] as? String == "booked")
            let (_, customer) = try await client.call(.get, "/v1/customers/\(appointment["customer_id"] as? String ?? "")", key: crm.keyA)
            #expect(customer["name"] as? String == "Omar Haddad")
            #expect(customer["address"] as? String == "27 Willow Lane")
            let (_, detail) = try await client.call(.get, "/v1/calls/\(call.sid)", key: crm.keyA)
            #expect(detail["outcome"] as? String == "booked")
            let (_, other) = try await client.call(.get, "/v1/appointments", key: crm.keyB)
            #expect(other.items.isEmpty)
        }
    }

    @Test func aSlotTakenWhileTheCallerGaveTheirDetailsIsNotDoubleBooked() async throws {
        let crm = try await Self.app()
        try await crm.test.app.test(.router) { client in
            var call = SimulatedCall(twilio: TwilioTestClient(authToken: TwilioWebhookTests.authToken), to: CRMTestApp.numberA)
            _ = try await call.start(client)
            _ = try await call.say(client, "can i book an appointment")
            _ = try await call.say(client, "the first one")
            _ = try await call.say(client, "my name is omar haddad")
            _ = try await call.say(client, "yes")
            _ = try await call.say(client, "27 willow lane")
            // Meanwhile the office books that very slot for someone else.
            let stored = try #require(try await crm.test.services.calls.call(sid: call.sid))
            let slot = try #require(stored.machine.lead?.appointment)
            let other = try await AppointmentsAPITests.customer(client, key: crm.keyA, phone: "+15557650000")
            let iso = ISO8601DateFormatter()
            let taken = try await client.call(.post, "/v1/appointments", key: crm.keyA,
                                              json: ["customer_id": other, "start": iso.string(from: slot.start)])
            #expect(taken.status == .created)

            let reply = try await call.say(client, "yes")
            #expect(reply.contains("has just been taken"), "\(reply)")
            #expect(reply.contains("I can do"))
            let (_, appointments) = try await client.call(.get, "/v1/appointments", key: crm.keyA)
            #expect(appointments.items.count == 1, "only the office's booking")
            let after = try #require(try await crm.test.services.calls.call(sid: call.sid))
            #expect(after.state == .bookingRequest)
            #expect(!after.machine.booked)
        }
    }
}
