import Foundation
import GRDB
import Logging
import Metrics
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

        func outbox(_ baseURL: URL?) -> SMSOutbox {
            let sender = baseURL.map {
                TwilioMessagingClient(accountSid: TwilioMessagingStandIn.accountSid, authToken: TwilioMessagingStandIn.authToken,
                                      baseURL: $0, timeout: 60)
            }
            return SMSOutbox(repository: GRDBOutboxRepository(database: repositories.database), sender: sender, logger: Logger(label: "test"), now: clock.now)
        }

        /// The one work queue's runner with the SMS handler, on the fixture's clock.
        func runner(_ outbox: SMSOutbox) -> JobRunner {
            JobRunner(queue: GRDBWorkQueue(database: repositories.database), handlers: [SMSSendJob(outbox: outbox)],
                      logger: Logger(label: "test"), metrics: NOOPMetricsHandler.instance, now: clock.now)
        }

        func customer(optedOut: Bool = false) async throws -> Customer {
            try await repositories.database.dbPool.write { db in
                let customer = try CustomerDirectory.upsert(db, businessId: business.id, phone: SMSOutboxTests.customerPhone, name: "Ann", source: "test")
                if optedOut { try CustomerDirectory.setSMSOptOut(db, customer: customer, optedOut: true, via: "api") }
                return customer
            }
        }

        func row(_ id: Int64?) async throws -> SMSOutboxRow {
            try await repositories.database.dbPool.read { db in try #require(try SMSOutboxRow.fetchOne(db, key: id)) }
        }

        /// The `sms.send` job of an outbox row.
        func job(_ id: Int64?) async throws -> Job {
            try await repositories.database.dbPool.read { db in
                try #require(try Job.filter(Column("dedupe_key") == "sms:\(id ?? -1)").fetchOne(db))
            }
        }

        func eventTypes() async throws -> [String] {
            try await repositories.database.dbPool.read { db in
                try String.fetchAll(db, sql: "SELECT type FROM events WHERE type LIKE 'sms.%' ORDER BY id")
            }
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

    @Test func theQueueSendsAQueuedCustomerTextAndRecordsTheSid() async throws {
        let fixture = try await Fixture()
        _ = try await fixture.customer()
        let standIn = TwilioMessagingStandIn()
        try await standIn.run { base in
            let outbox = fixture.outbox(base)
            let runner = fixture.runner(outbox)
            let queued = try #require(try await outbox.enqueue(businessId: fixture.business.id, to: Self.customerPhone,
                                                               body: "Reminder: plumber tomorrow at 9", kind: .customer,
                                                               dedupeKey: "reminder:apt-1"))
            // The same dedupe key queues nothing.
            #expect(try await outbox.enqueue(businessId: fixture.business.id, to: Self.customerPhone, body: "again", kind: .customer,
                                             dedupeKey: "reminder:apt-1") == nil)
            #expect(try await runner.runDue(now: fixture.clock.read()) == 1)
            let stored = try await fixture.row(queued.id)
            #expect(stored.status == .sent)
            #expect(stored.twilioSid?.hasPrefix("SM") == true)
            #expect(stored.attempts == 1)
            #expect(stored.sentAt != nil)
            #expect(try await fixture.job(queued.id).status == .done)
            #expect(try await runner.runDue(now: fixture.clock.read()) == 0)
        }
        #expect(standIn.received.map { $0.form["From"] } == [Self.businessNumber])
        #expect(try await fixture.eventTypes() == ["sms.queued", "sms.sent"])
    }

    @Test func anOptedOutCustomerIsNeverTextedButTheOwnerStillIs() async throws {
        let fixture = try await Fixture()
        _ = try await fixture.customer(optedOut: true)
        let standIn = TwilioMessagingStandIn()
        try await standIn.run { base in
            let outbox = fixture.outbox(base)
            let customerRow = try #require(try await outbox.enqueue(businessId: fixture.business.id, to: Self.customerPhone,
                                                                    body: "Reminder", kind: .customer))
            let ownerRow = try #require(try await outbox.enqueueOwnerAlert(business: fixture.business, body: "New lead: Ann",
                                                                           dedupeKey: nil))
            #expect(try await fixture.runner(outbox).runDue(now: fixture.clock.read()) == 2)
            #expect(try await fixture.row(customerRow.id).status == .failed)
            #expect(try await fixture.row(customerRow.id).lastError == "opted_out")
            #expect(try await fixture.row(customerRow.id).attempts == 0)
            // Nothing to retry: the job is done, not failed.
            #expect(try await fixture.job(customerRow.id).status == .done)
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
            try await fixture.runner(outbox).runDue(now: fixture.clock.read())
            #expect(try await fixture.row(row.id).status == .failed)
            #expect(try await fixture.row(row.id).lastError?.contains("21610") == true)
            // A permanent error fails the job for good, with its reason, and appends job.failed.
            let job = try await fixture.job(row.id)
            #expect(job.status == .failed)
            #expect(job.lastError?.contains("21610") == true)
        }
        let reloaded = try await GRDBCustomerRepository(database: fixture.repositories.database).get(id: customer.id, businessId: fixture.business.id)
        #expect(reloaded?.smsOptOut == true)
        let types = try await fixture.repositories.database.dbPool.read { db in
            try String.fetchAll(db, sql: "SELECT type FROM events ORDER BY id")
        }
        #expect(types.contains("customer.opted_out") && types.contains("sms.failed") && types.contains("job.failed"))
    }

    @Test func aSendFailureKeepsTheRowQueuedWithItsErrorUntilTheBackoffPasses() async throws {
        let fixture = try await Fixture()
        let standIn = TwilioMessagingStandIn(failures: [503])
        try await standIn.run { base in
            let outbox = fixture.outbox(base)
            let runner = fixture.runner(outbox)
            let row = try #require(try await outbox.enqueue(businessId: fixture.business.id, to: "+15550109999", body: "Alert", kind: .owner))
            #expect(try await runner.runDue(now: fixture.clock.read()) == 1)
            let stored = try await fixture.row(row.id)
            #expect(stored.status == .queued)
            #expect(stored.attempts == 1)
            #expect(stored.lastError?.contains("503") == true)
            let job = try await fixture.job(row.id)
            #expect(job.status == .queued)
            #expect(job.runAt == fixture.clock.read().addingTimeInterval(JobRunner.backoff(afterAttempt: 1)))
            // Not due yet.
            #expect(try await runner.runDue(now: fixture.clock.read()) == 0)
            fixture.clock.advance(by: 31)
            #expect(try await runner.runDue(now: fixture.clock.read()) == 1)
            #expect(try await fixture.row(row.id).status == .sent)
            #expect(try await fixture.row(row.id).attempts == 2)
        }
    }

    @Test func attemptsRunOutIntoFailed() async throws {
        let fixture = try await Fixture()
        let standIn = TwilioMessagingStandIn(failures: [500, 500])
        try await standIn.run { base in
            let outbox = fixture.outbox(base)
            let runner = fixture.runner(outbox)
            let row = try #require(try await fixture.repositories.database.dbPool.write { db -> SMSOutboxRow? in
                let row = try GRDBOutboxRepository.enqueue(db, OutgoingText(businessId: fixture.business.id, to: "+15550109999",
                                                                            body: "Alert", kind: .owner), at: fixture.clock.read())
                try db.execute(sql: "UPDATE jobs SET max_attempts = 2 WHERE dedupe_key = ?", arguments: ["sms:\(row?.id ?? -1)"])
                return row
            })
            try await runner.runDue(now: fixture.clock.read())
            #expect(try await fixture.row(row.id).status == .queued)
            fixture.clock.advance(by: 3600)
            try await runner.runDue(now: fixture.clock.read())
            #expect(try await fixture.row(row.id).status == .failed)
            #expect(try await fixture.row(row.id).attempts == 2)
            #expect(try await fixture.job(row.id).status == .failed)
        }
        #expect(standIn.received.count == 2)
    }

    @Test func withoutAnAccountTextsWaitWithoutSpendingAttempts() async throws {
        let fixture = try await Fixture()
        let outbox = fixture.outbox(nil)
        let row = try #require(try await outbox.enqueue(businessId: fixture.business.id, to: "+15550109999", body: "Alert", kind: .owner))
        #expect(try await outbox.deliver(outboxId: try #require(row.id), attempt: 1, isLastAttempt: false) == .notConfigured)
        for _ in 0..<10 {
            try await fixture.runner(outbox).runDue(now: fixture.clock.read())
            fixture.clock.advance(by: SMSSendJob.unconfiguredDelay + 1)
        }
        #expect(try await fixture.row(row.id).status == .queued)
        let job = try await fixture.job(row.id)
        #expect(job.status == .queued)
        #expect(job.attempts == 0)
        #expect(!outbox.isConfigured)
    }

    @Test func queuedRowsOfAnOlderDatabaseGetTheirJob() async throws {
        // v4-sms-through-jobs gives every row still queued its sms.send job; sent and failed rows get none.
        let migration = try #require(AppDatabase.v4Migrations.first { $0.name == "v4-sms-through-jobs" })
        let fixture = try await Fixture()
        let ids = try await fixture.repositories.database.dbPool.write { db -> [Int64] in
            try db.execute(sql: "DELETE FROM jobs")
            var ids: [Int64] = []
            for status in ["queued", "sent", "failed"] {
                try db.execute(sql: """
                    INSERT INTO sms_outbox (business_id, "to", body, kind, status, created_at) VALUES (?, '+15550109999', 'x', 'owner', ?, ?)
                    """, arguments: [fixture.business.id, status, fixture.clock.read()])
                ids.append(db.lastInsertedRowID)
            }
            try db.execute(sql: String(migration.sql.prefix { $0 != "-" }))
            return ids
        }
        let keys = try await fixture.repositories.database.dbPool.read { db in
            try String.fetchAll(db, sql: "SELECT dedupe_key FROM jobs WHERE kind = 'sms.send' ORDER BY id")
        }
        #expect(keys == ["sms:\(ids[0])"])
    }
}
