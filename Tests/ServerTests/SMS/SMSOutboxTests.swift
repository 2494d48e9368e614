import Foundation
import GRDB
import Logging
import Testing
@testable import Server

/// The messaging client and the outbox against a local stand-in that speaks Twilio's REST wire format.
@Suite struct SMSOutboxTests {
    static let businessNumber = "+15550100000"
    static let customerPhone = "+15557654321"

    struct Fixture {
        let repositories: TestRepositories
        let business: Business
        let clock: TestClock

        init(ownerPhone: String? = "+15550109999") async throws {
            clock = TestClock()
            repositories = try TestRepositories(clock: clock)
            var settings = ReceptionistSettings()
            settings.ownerPhone = ownerPhone
            business = try await repositories.businesses.create(NewBusiness(
                slug: "rapid-rooter", name: "Rapid Rooter", timeZone: "America/Chicago", settings: settings,
                numbers: [SMSOutboxTests.businessNumber]))
        }

        func outbox(_ baseURL: URL?, maxAttempts: Int = 5) -> SMSOutbox {
            let sender = baseURL.map {
                TwilioMessagingClient(accountSid: TwilioMessagingStandIn.accountSid, authToken: TwilioMessagingStandIn.authToken,
                                      baseURL: $0, timeout: 5)
            }
            var outbox = SMSOutbox(database: repositories.database, sender: sender, logger: Logger(label: "test"), now: clock.now)
            outbox.maxAttempts = maxAttempts
            return outbox
        }

        func customer(optedOut: Bool = false) async throws -> Customer {
            try await repositories.database.dbPool.write { db in
                let customer = try CustomerDirectory.upsert(db, businessId: business.id, phone: SMSOutboxTests.customerPhone, name: "Ann")
                if optedOut { try CustomerDirectory.setSMSOptOut(db, customerId: customer.id, optedOut: true) }
                return customer
            }
        }

        func row(_ id: Int64?) async throws -> SMSOutboxRow {
            try await repositories.database.dbPool.read { db in try #require(try SMSOutboxRow.fetchOne(db, key: id)) }
        }
    }

    @Test func clientSendsBasicAuthAndAFormBodyAndReturnsTheSid() async throws {
        let standIn = TwilioMessagingStandIn()
        let sid = try await standIn.run { base in
            try await TwilioMessagingClient(accountSid: TwilioMessagingStandIn.accountSid, authToken: TwilioMessagingStandIn.authToken,
                                            baseURL: base).send(to: Self.customerPhone, from: Self.businessNumber, body: "See you at 9 & bring the key")
        }
        #expect(sid.hasPrefix("SM") && sid.count == 34)
        let request = try #require(standIn.received.first)
        #expect(request.path == "/2010-04-01/Accounts/\(TwilioMessagingStandIn.accountSid)/Messages.json")
        #expect(request.contentType?.hasPrefix("application/x-www-form-urlencoded") == true)
        #expect(request.form["To"] == Self.customerPhone)
        #expect(request.form["From"] == Self.businessNumber)
        #expect(request.form["Body"] == "See you at 9 & bring the key")
    }

    @Test func clientErrorsCarryTwilioCodesAndSayWhetherToRetry() async throws {
        let standIn = TwilioMessagingStandIn(unsubscribed: [Self.customerPhone], failures: [503, 429])
        try await standIn.run { base in
            let client = TwilioMessagingClient(accountSid: TwilioMessagingStandIn.accountSid, authToken: TwilioMessagingStandIn.authToken, baseURL: base)
            for expectedStatus in [503, 429] {
                await #expect { try await client.send(to: Self.customerPhone, from: Self.businessNumber, body: "hi") } throws: { error in
                    guard case SMSSendError.rejected(let status, _, _) = error else { return false }
                    return status == expectedStatus && !(error as! SMSSendError).isPermanent
                }
            }
            await #expect(throws: SMSSendError.rejected(status: 400, code: 21610, message: "Attempt to send to unsubscribed recipient")) {
                try await client.send(to: Self.customerPhone, from: Self.businessNumber, body: "hi")
            }
            await #expect(throws: SMSSendError.rejected(status: 400, code: 21211, message: "Invalid 'To' Phone Number: 12345")) {
                try await client.send(to: "12345", from: Self.businessNumber, body: "hi")
            }
            let wrongToken = TwilioMessagingClient(accountSid: TwilioMessagingStandIn.accountSid, authToken: "nope", baseURL: base)
            await #expect(throws: SMSSendError.rejected(status: 401, code: 20003, message: "Authenticate")) {
                try await wrongToken.send(to: Self.customerPhone, from: Self.businessNumber, body: "hi")
            }
        }
        #expect(SMSSendError.rejected(status: 400, code: 21610, message: "").isPermanent)
        #expect(SMSSendError.rejected(status: 400, code: 21211, message: "").isPermanent)
        #expect(!SMSSendError.rejected(status: 500, code: nil, message: "").isPermanent)
        #expect(!SMSSendError.timedOut.isPermanent)
        #expect(!SMSSendError.transport("refused").isPermanent)
    }

    @Test func aConnectionThatIsRefusedIsRetryable() async throws {
        // A port nothing listens on: bind one, note it, close it.
        let client = TwilioMessagingClient(accountSid: TwilioMessagingStandIn.accountSid, authToken: TwilioMessagingStandIn.authToken,
                                           baseURL: URL(string: "http://127.0.0.1:9")!, timeout: 3)
        await #expect { try await client.send(to: Self.customerPhone, from: Self.businessNumber, body: "hi") } throws: { error in
            !(error as! SMSSendError).isPermanent
        }
    }

    @Test func deliverNextSendsAQueuedCustomerTextAndRecordsTheSid() async throws {
        let fixture = try await Fixture()
        _ = try await fixture.customer()
        let standIn = TwilioMessagingStandIn()
        try await standIn.run { base in
            let outbox = fixture.outbox(base)
            let queued = try #require(try await outbox.enqueue(businessId: fixture.business.id, to: Self.customerPhone,
                                                               body: "Reminder: plumber tomorrow at 9", kind: .customer,
                                                               dedupeKey: "reminder:apt-1"))
            // The same dedupe key queues nothing.
            #expect(try await outbox.enqueue(businessId: fixture.business.id, to: Self.customerPhone, body: "again", kind: .customer,
                                             dedupeKey: "reminder:apt-1") == nil)
            let (row, delivery) = try #require(try await outbox.deliverNext())
            #expect(row.id == queued.id)
            guard case .sent(let sid) = delivery else { Issue.record("\(delivery)"); return }
            let stored = try await fixture.row(queued.id)
            #expect(stored.status == .sent)
            #expect(stored.twilioSid == sid)
            #expect(stored.attempts == 1)
            #expect(stored.sentAt != nil)
            #expect(try await outbox.deliverNext() == nil)
        }
        #expect(standIn.received.map { $0.form["From"] } == [Self.businessNumber])
    }

    @Test func anOptedOutCustomerIsNeverTextedButTheOwnerStillIs() async throws {
        let fixture = try await Fixture()
        _ = try await fixture.customer(optedOut: true)
        let standIn = TwilioMessagingStandIn()
        try await standIn.run { base in
            let outbox = fixture.outbox(base)
            let customerRow = try #require(try await outbox.enqueue(businessId: fixture.business.id, to: Self.customerPhone,
                                                                    body: "Reminder", kind: .customer))
            let ownerRow = try #require(try await fixture.repositories.database.dbPool.write { db in
                try SMSOutbox.alertOwner(db, business: fixture.business, body: "New lead: Ann")
            })
            #expect(try await outbox.deliverNext()?.delivery == .optedOut)
            guard case .sent = try await outbox.deliverNext()?.delivery else { Issue.record("owner alert not sent"); return }
            #expect(try await fixture.row(customerRow.id).status == .failed)
            #expect(try await fixture.row(customerRow.id).lastError == "opted_out")
            #expect(try await fixture.row(customerRow.id).attempts == 0)
            #expect(try await fixture.row(ownerRow.id).status == .sent)
        }
        #expect(standIn.received.map { $0.form["To"] } == ["+15550109999"])
    }

    @Test func twilio21610FailsTheRowAndOptsTheCustomerOut() async throws {
        let fixture = try await Fixture()
        let customer = try await fixture.customer()
        let standIn = TwilioMessagingStandIn(unsubscribed: [Self.customerPhone])
        try await standIn.run { base in
            let outbox = fixture.outbox(base)
            let row = try #require(try await outbox.enqueue(businessId: fixture.business.id, to: Self.customerPhone, body: "Hi", kind: .customer))
            guard case .failed(let reason) = try await outbox.deliver(row) else { Issue.record("not failed"); return }
            #expect(reason.contains("21610"))
            #expect(try await fixture.row(row.id).status == .failed)
        }
        let reloaded = try await GRDBCustomerRepository(database: fixture.repositories.database).get(id: customer.id, businessId: fixture.business.id)
        #expect(reloaded?.smsOptOut == true)
    }

    @Test func aSendFailureKeepsTheRowQueuedWithItsErrorUntilTheBackoffPasses() async throws {
        let fixture = try await Fixture()
        let standIn = TwilioMessagingStandIn(failures: [503])
        try await standIn.run { base in
            let outbox = fixture.outbox(base)
            let row = try #require(try await outbox.enqueue(businessId: fixture.business.id, to: "+15550109999", body: "Alert", kind: .owner))
            guard case .willRetry(let reason, let retryAt) = try await outbox.deliverNext()?.delivery else { Issue.record("no retry"); return }
            #expect(reason.contains("503"))
            let stored = try await fixture.row(row.id)
            #expect(stored.status == .queued)
            #expect(stored.attempts == 1)
            #expect(stored.lastError?.contains("503") == true)
            #expect(retryAt == fixture.clock.read().addingTimeInterval(30))
            // Not due yet.
            #expect(try await outbox.deliverNext() == nil)
            fixture.clock.advance(by: 31)
            guard case .sent = try await outbox.deliverNext()?.delivery else { Issue.record("not sent on retry"); return }
            #expect(try await fixture.row(row.id).attempts == 2)
        }
    }

    @Test func attemptsRunOutIntoFailed() async throws {
        let fixture = try await Fixture()
        let standIn = TwilioMessagingStandIn(failures: [500, 500])
        try await standIn.run { base in
            let outbox = fixture.outbox(base, maxAttempts: 2)
            let row = try #require(try await outbox.enqueue(businessId: fixture.business.id, to: "+15550109999", body: "Alert", kind: .owner))
            guard case .willRetry = try await outbox.deliver(row) else { Issue.record("first attempt"); return }
            guard case .failed = try await outbox.deliver(row) else { Issue.record("second attempt"); return }
            #expect(try await fixture.row(row.id).status == .failed)
            #expect(try await fixture.row(row.id).attempts == 2)
        }
    }

    @Test func withoutAnAccountNothingIsTouched() async throws {
        let fixture = try await Fixture()
        let outbox = fixture.outbox(nil)
        let row = try #require(try await outbox.enqueue(businessId: fixture.business.id, to: "+15550109999", body: "Alert", kind: .owner))
        #expect(try await outbox.deliverNext() == nil)
        #expect(try await outbox.deliver(row) == .notConfigured)
        #expect(try await fixture.row(row.id).status == .queued)
        #expect(!outbox.isConfigured)
    }

    @Test func backoffDoublesUpToAnHour() {
        #expect(SMSOutbox.backoff(afterAttempt: 1) == 30)
        #expect(SMSOutbox.backoff(afterAttempt: 2) == 60)
        #expect(SMSOutbox.backoff(afterAttempt: 3) == 120)
        #expect(SMSOutbox.backoff(afterAttempt: 20) == 3600)
    }
}
