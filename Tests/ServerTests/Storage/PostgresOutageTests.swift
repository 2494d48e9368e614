import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Server

/// What callers and the load balancer see when a node loses its PostgreSQL database: the database is dropped under
/// a running app (every connection is cut and none can be opened again — as with a server that went away).
@Suite struct PostgresOutageTests {
    @Test func aNodeWithoutItsDatabaseApologisesToCallersAndReportsUnhealthy() async throws {
        let url = try TestPostgres.freshDatabase()
        let app = try await TestApp.make { config in
            config.databaseURL = url
            config.databasePoolSize = 4
            config.twilioAuthToken = TwilioWebhookTests.authToken
            config.publicBaseURL = TwilioTestClient.publicBaseURL
        }
        #expect(app.services.storage.kind == "postgresql")
        let (_, key) = try await TwilioWebhookTests.makeBusiness(app)
        let twilio = TwilioTestClient(authToken: TwilioWebhookTests.authToken)
        try await app.app.test(.router) { client in
            // Healthy, and a call is answered normally.
            let healthy = try await client.call(.get, "/healthz", key: nil)
            #expect(healthy.status == .ok)
            #expect(healthy.body["database"] as? String == "postgresql")
            var call = SimulatedCall(twilio: twilio, to: TwilioWebhookTests.number)
            let greeting = try await call.start(client)
            #expect(greeting.contains("Rapid Rooter"))

            await TestPostgres.dropDatabaseAndWait(url: url)

            // A new call: the caller hears an apology, not Twilio's "application error" (a 5xx).
            var second = SimulatedCall(twilio: twilio, to: TwilioWebhookTests.number)
            let reply = try await twilio.post(client, "/twilio/voice", second.base + [("CallStatus", "ringing")],
                                              idempotencyToken: second.nextToken())
            #expect(reply.status == .ok)
            #expect(reply.body.contains("<Say") && reply.body.contains("call again"))
            #expect(reply.body.contains("<Hangup"))
            // The load balancer takes the node out of rotation.
            let unhealthy = try await client.call(.get, "/healthz", key: nil)
            #expect(unhealthy.status == .serviceUnavailable)
            #expect(unhealthy.body["problem"] as? String != nil)
            // REST gets a JSON error, never a half answer.
            let calls = try await client.call(.get, "/v1/calls", key: key)
            #expect(calls.status == .serviceUnavailable)
            #expect(calls.body.errorCode == "database_unavailable")
        }
    }
}
