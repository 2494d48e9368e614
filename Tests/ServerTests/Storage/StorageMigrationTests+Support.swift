import Foundation
import GRDB
import Campaigns
import Logging
import Maintenance
import PostgresNIO
import Receptionist
import Testing
@testable import Server

/// The SQLite database `StorageMigrationTests` copies, fresh targets, the real binary, and both sides' contents.
extension StorageMigrationTests {
    /// A start with a millisecond fraction, so dates prove they keep their milliseconds.
    static let start = Date(timeIntervalSince1970: 1_790_000_000.123)
    static let dimension = 384
    /// Text COPY must escape, and text PostgreSQL must keep byte for byte.
    static let awkwardText = "Tab\there, newline\nthere, CR\r, backslash \\N \\. and ünïcödé ☎️ \"quotes\" 'single'"

    /// One SQLite database holding at least a row of every table.
    struct Source {
        let database: AppDatabase
        let store: RepositoryStore
        let clock: TestClock
        let a: Business
        let b: Business
        let embedding: [Float]
        /// The highest knowledge chunk id ever used; its entry was deleted afterwards.
        let deletedChunkId: Int64
    }

    static func embedding(_ seed: Int) -> [Float] {
        (0..<dimension).map { Float(sin(Double($0 * 7 + seed))) / 3 + 1e-7 * Float($0) }
    }

    static func makeSource() async throws -> Source {
        let clock = TestClock(start)
        let database = try AppDatabase.temporary()
        let store = SQLiteStore(origin: database, database: database).store(clock: clock)
        let repositories = store.repositories
        let a = try await store.makeBusiness("alpha-plumbing", numbers: ["+15550100001"], settings: CRMTestApp.settings())
        let b = try await store.makeBusiness("beta-heating", numbers: ["+15550100002"])
        _ = try await repositories.apiKeys.rotate(businessId: a.id)
        _ = try await repositories.apiKeys.rotate(businessId: b.id)
        _ = try await repositories.adminKeys.ensureAdminKey(configured: nil)
        try await repositories.calls.setTwilioAuthToken("sub-account-token", businessId: a.id)

        // Knowledge with 384-float embeddings; the last entry is deleted, so the highest chunk id is gone.
        let vector = embedding(1)
        _ = try await repositories.knowledge.upsert(
            KnowledgeEntry(businessId: a.id, title: "Boilers", content: awkwardText, category: "heating",
                           tags: ["boiler", "gas"], source: "manual", createdAt: start, updatedAt: start),
            chunks: [KnowledgeChunkInput(ordinal: 0, text: "Boilers " + awkwardText, body: awkwardText, embedding: vector),
                     KnowledgeChunkInput(ordinal: 1, text: "Second", body: "Second", embedding: embedding(2))])
        clock.advance(by: 1.001)
        _ = try await repositories.knowledge.upsert(
            KnowledgeEntry(businessId: b.id, title: "Radiators", content: "Bleed them yearly."),
            chunks: [KnowledgeChunkInput(ordinal: 0, text: "Radiators", body: "Bleed them", embedding: embedding(3))])
        let doomed = try await repositories.knowledge.upsert(
            KnowledgeEntry(businessId: a.id, title: "Old price list", content: "Gone."),
            chunks: [KnowledgeChunkInput(ordinal: 0, text: "Old", body: "Old", embedding: embedding(4))])
        let deletedChunkId = try #require(try await repositories.knowledge.chunks(entryId: doomed.id, businessId: a.id).first?.id)
        try await repositories.knowledge.delete(entryId: doomed.id, businessId: a.id)

        // A call with turns, a lead, an owner alert and a stored webhook reply; an emergency call of B.
        let call = try await store.seedCall(
            "CAmigrate1", business: a, caller: "+15557654321", startedAt: start, isEmergency: true,
            questionsAnswered: 1, citedEntries: "e1",
            lines: [.caller("my boiler\tleaks"), .answer("We can help.", confidence: 0.8, latencyMs: 12.345),
                    .declined("Sorry, I don't know that.", latencyMs: 0.1)],
            lead: LeadDraft(reason: .message, name: "Jo O'Neil", phone: "+15557654321", notes: awkwardText))
        #expect(try await repositories.calls.write(TurnWrite(
            call: call, isNewCall: false, turns: [], leads: [],
            alerts: [OwnerAlertRecord(id: nil, businessId: a.id, callSid: call.sid, kind: "emergency",
                                      callbackNumber: "+15557654321", message: "Burst pipe", status: "queued",
                                      createdAt: start)],
            idempotencyToken: "token-1", response: "<Response><Say>Hi</Say></Response>")) == .stored)
        try await store.seedCall("CAmigrate2", business: b, startedAt: start.addingTimeInterval(60), durationSeconds: nil,
                                 outcome: nil, lines: [.caller("hello")])
        let turns = try await repositories.calls.turns(callSid: call.sid)
        try await repositories.callSummaries.save(
            CallSummaryRecord(callSid: call.sid, businessId: a.id, summary: "Boiler leak", fields: #"{"answered":["boiler"]}"#,
                              followUpNeeded: true, sentiment: nil, createdAt: start),
            turnSentiments: [try #require(turns.first?.id): -0.25])

        // Customers, an appointment, an SMS thread, a queued text, a job and a consumer's checkpoint.
        let ann = try await repositories.customers.create(
            businessId: a.id, CustomerFields(name: "Ann Lee", phone: "+15550001111", address: awkwardText))
        _ = try await repositories.customers.create(businessId: b.id, CustomerFields(phone: "+15557654321"))
        _ = try await repositories.appointments.create(
            Appointment(businessId: a.id, customerId: ann.id, startAt: ContractTime.chicago("2030-06-05T13:00"),
                        endAt: ContractTime.chicago("2030-06-05T14:00"), service: "Boiler service", isEmergency: true,
                        sourceCallSid: call.sid, createdAt: start, updatedAt: start),
            rules: a.bookingRules, now: clock.read())
        #expect(try await repositories.messages.receive(InboundText(
            businessId: a.id, from: "+15557654321", body: "Is 1pm OK?", messageSid: "SM1", keyword: nil, reply: "Yes"),
            at: clock.read()))
        _ = try await repositories.outbox.enqueue(
            OutgoingText(businessId: a.id, to: "+15550001111", body: "See you at 1pm", kind: .customer,
                         dedupeKey: "reminder:1"), at: clock.read())
        #expect(try await repositories.jobs.enqueue(
            try NewJob(kind: "test.migrate", businessId: b.id, payload: ["n": 1], dedupeKey: "once",
                   runAt: start.addingTimeInterval(3600)), now: clock.read()))
        try await repositories.events.advanceCheckpoint(consumer: "test-consumer",
                                                        to: try await repositories.events.lastEventId())
        // A vendor with hours and a ticket booked with them (maintenance dispatch), text that COPY must escape.
        let vendor = try await repositories.vendors.create(businessId: a.id, VendorProfile(
            name: "Acme Plumbing", phone: "+15550103000", trades: [.plumbing, .hvac], serviceAreas: ["606", "SW1A"],
            workingHours: VendorHours([.monday: .init(open: "08:00", close: "17:00")])))
        let ticket = try await repositories.tickets.create(NewTicket(
            businessId: a.id, details: TicketDetails(trade: .plumbing, priority: .emergency, problem: awkwardText,
                                                     propertyAddress: "14 Elm St", postcode: "60614", tenantPhone: "+15550001111"),
            source: .call, sourceRef: call.sid, actor: TicketActor(.tenant, id: "+15550001111")))
        // A second ticket offered to the vendor (an offer, the vendor's rotation) and the business's dispatch settings.
        let offered = try await repositories.tickets.create(NewTicket(
            businessId: a.id, details: TicketDetails(trade: .plumbing, priority: .routine, problem: "Dripping tap",
                                                     propertyAddress: "16 Elm St", postcode: "60614"),
            source: .rest, actor: TicketActor(.admin)))
        let offer = DispatchOfferRecord(businessId: a.id, ticketId: offered.id, vendorId: vendor.id, code: offered.code,
                                        sentAt: clock.read(), expiresAt: clock.read().addingTimeInterval(14_400),
                                        windowStart: ContractTime.chicago("2030-06-06T13:00"),
                                        windowEnd: ContractTime.chicago("2030-06-06T17:00"))
        _ = try await repositories.dispatch.openOffer(NewDispatchOffer(
            offer: offer, ticketVersion: offered.version,
            text: OutgoingText(businessId: a.id, to: vendor.phone, body: "Job \(offered.code): \(awkwardText)", kind: .customer)),
            effects: .none)
        _ = try await repositories.dispatch.saveSettings(
            DispatchSettings(landlordContacts: [LandlordContact(name: "Dana O'Neil", phone: "+15550109000")]), businessId: a.id)
        _ = try await repositories.tickets.transition(id: ticket.id, businessId: a.id, TicketStateChange(
            to: .scheduled, actor: TicketActor(.admin), reason: "booked by hand", vendorId: .some(vendor.id)))
        // A running campaign with recipients (variables with text COPY must escape), one attempt ended with an answer
        // and a retry scheduled, and the do-not-call list.
        var definition = CampaignRepositoryTests.definition(startAt: start.addingTimeInterval(3600))
        definition.callerNumber = "+15550100001"
        let campaign = try await repositories.campaigns.create(NewCampaign(businessId: a.id, definition: definition, actor: .system))
        let recipients = try RecipientImport.csv(Array("""
            phone_number,first_name,service,date,notes
            +15550107001,Ann,boiler service,Tuesday,"\(awkwardText.replacingOccurrences(of: "\"", with: "\"\""))"
            +15550107002,Bo,boiler service,Wednesday,
            """.utf8), options: .init(requiredVariables: definition.script.recipientVariables, businessTimeZone: a.timeZone))
        _ = try await repositories.campaigns.addRecipients(campaignId: campaign.id, businessId: a.id,
                                                           RecipientUpload(recipients, actor: .system))
        _ = try await repositories.campaigns.transition(id: campaign.id, businessId: a.id, CampaignStateChange(to: .running, actor: .system))
        let due = try await repositories.campaigns.dueRecipients(campaignId: campaign.id, businessId: a.id, now: clock.read(), limit: 1)
        guard case .started(_, let attempt) = try await repositories.campaigns.startAttempt(recipientId: due[0].id, businessId: a.id)
        else { throw RepositoryError.invalid("the attempt should start") }
        _ = try await repositories.campaigns.recordCallSid(attemptId: attempt.id, businessId: a.id, callSid: "CAcampaign1")
        _ = try await repositories.campaigns.finishAttempt(attemptId: attempt.id, businessId: a.id,
                                                           AttemptEnd(outcome: .noAnswer, answeredBy: "unknown",
                                                                      results: ["confirmed": awkwardText]))
        _ = try await repositories.doNotCall.add(businessId: a.id, phone: "+15550107003", reason: awkwardText, actor: .system)
        // The web chat widget: a rotated key (a revoked and an active one), allowed origins, and a web conversation
        // whose visitor left a number (a reply with its sources, a lead naming the conversation).
        _ = try await repositories.widget.setAllowedOrigins(["https://www.example.com", "http://localhost:8080"], businessId: a.id)
        let widgetKey = try await repositories.widget.rotateKey(businessId: a.id).key
        let web = WidgetRepositoryTests.conversation(a, key: widgetKey, at: clock.read())
        _ = try await WidgetRepositoryTests.start(store, web)
        let webLead = Lead(draft: LeadDraft(reason: .message, name: "Web Visitor", phone: "+15550107004", notes: awkwardText),
                           businessId: a.id, callSid: nil, conversationId: web.conversationId, createdAt: clock.read())
        guard case .stored = try await repositories.widget.write(WidgetRepositoryTests.turn(web, text: awkwardText, leads: [webLead]))
        else { throw RepositoryError.invalid("the web message should be stored") }
        // The leader lease this process would hold (a copied lease simply runs out on PostgreSQL).
        #expect(try await repositories.leases.acquire(name: LeaderElection.leaseName, holder: "sqlite-node",
                                                       ttl: .seconds(15), now: clock.read()))
        // The web panel: a user with roles in both businesses, a signed-in session, a failed sign-in.
        let user = try await repositories.panelUsers.create(
            email: "Owner@Example.com", passwordHash: "$2b$04$" + String(repeating: "a", count: 53), businessId: a.id, role: .owner)
        try await repositories.panelUsers.addMembership(userId: user.id, businessId: b.id, role: .viewer)
        try await repositories.panelSessions.create(PanelSession(
            idHash: KeyHashing.sha256Hex("session-token"), userId: user.id, csrfToken: String(repeating: "c", count: 32),
            createdAt: clock.read(), lastSeenAt: clock.read(), expiresAt: clock.read().addingTimeInterval(3600)))
        try await repositories.loginAttempts.recordFailure(address: "192.0.2.1", account: awkwardText, at: clock.read())
        // A call being placed: the pacing row and its reservation (copied as they are; the reservation runs out).
        #expect(try await repositories.outboundPacing.reserve(requestId: "placing", limits: .default, now: clock.read())
                == .dial(at: clock.read()))
        return Source(database: database, store: store, clock: clock, a: a, b: b, embedding: vector,
                      deletedChunkId: deletedChunkId)
    }

    /// A fresh, empty, migrated PostgreSQL database on the test cluster. Left behind like the contract suites'
    /// databases (the cluster is thrown away): a `DROP DATABASE` waits until every backend of the cluster has
    /// absorbed a signal barrier, which a backend waiting for a parallel test's COPY data does not do, while that
    /// test cannot send it because the drop's synchronous psql call holds one of the few cooperative threads.
    static func freshTarget() async throws -> PGDatabase {
        try await PGDatabase.open(url: try PostgresURL(TestPostgres.freshDatabase(prefix: "migrate")),
                                  maximumConnections: 4, logger: Logger(label: "test.migrate"))
    }

    /// Runs the real `frontdesk` binary with `arguments`; standard output and error together.
    static func frontdesk(_ arguments: [String], environment: [String: String] = [:]) throws
        -> (status: Int32, output: String) {
        guard FileManager.default.isExecutableFile(atPath: LiveServer.binary.path) else {
            throw LiveServerError("\(LiveServer.binary.path) is missing: build it first (`swift build`; `make test` does)")
        }
        let process = Process()
        process.executableURL = LiveServer.binary
        process.arguments = arguments
        var variables = ProcessInfo.processInfo.environment
        variables["FRONTDESK_DATABASE_URL"] = nil
        process.environment = variables.merging(environment) { _, new in new }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    // MARK: - Contents of both sides

    /// Every row of `table` on SQLite, keyed by its first column, each value as text: dates as stored, integers
    /// and doubles in Swift's shortest form, blobs in hex.
    static func sqliteContents(_ database: AppDatabase, table: String) async throws -> [String: [String?]] {
        try await database.dbPool.read { db in
            let columns = try db.columns(in: table).map(\.name).sorted()
            let sql = "SELECT " + columns.map { "\"\($0)\"" }.joined(separator: ", ") + " FROM \(table)"
            var rows: [String: [String?]] = [:]
            for row in try Row.fetchAll(db, sql: sql) {
                let values: [String?] = (0..<columns.count).map { index in
                    switch (row[index] as DatabaseValue).storage {
                    case .null: nil
                    case .int64(let integer): String(integer)
                    case .double(let real): real.description
                    case .string(let text): text
                    case .blob(let data): data.map { String(format: "%02x", $0) }.joined()
                    }
                }
                rows[values[columns.firstIndex(of: try firstColumn(db, table))!] ?? "NULL"] = values
            }
            return rows
        }
    }

    private static func firstColumn(_ db: GRDB.Database, _ table: String) throws -> String {
        try db.columns(in: table).map(\.name).first!
    }

    /// Every row of `table` on PostgreSQL in the same text forms: timestamps as GRDB writes them (UTC, to the
    /// millisecond), booleans as 0/1, bytea in hex, doubles read back into Swift.
    static func postgresContents(_ database: PGDatabase, table: String) async throws -> [String: [String?]] {
        try await database.read { connection in
            let columns = try await connection.query("""
                SELECT column_name::text, data_type::text, ordinal_position::int FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = \(table) ORDER BY column_name
                """, logger: database.logger).all((String, String, Int32).self)
            let first = try #require(columns.min { $0.2 < $1.2 }?.0)
            let expressions = columns.map { name, type, _ in
                switch type {
                case "timestamp with time zone":
                    "to_char(\"\(name)\" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS')"
                case "boolean": "CASE WHEN \"\(name)\" THEN '1' ELSE '0' END"
                case "bytea": "encode(\"\(name)\", 'hex')"
                default: "\"\(name)\"::text"
                }
            }
            let sql = "SELECT " + expressions.joined(separator: ", ") + " FROM \"\(table)\""
            var rows: [String: [String?]] = [:]
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: database.logger) {
                var values: [String?] = []
                for (index, cell) in row.enumerated() {
                    let text = try cell.decode(String?.self)
                    values.append(columns[index].1 == "double precision" ? text.flatMap(Double.init)?.description : text)
                }
                rows[values[columns.firstIndex { $0.0 == first }!] ?? "NULL"] = values
            }
            return rows
        }
    }

    /// The FrontDesk tables of a PostgreSQL database (all but its migrations' record).
    static func postgresTables(_ database: PGDatabase) async throws -> [String] {
        try await PostgresImport(database: database).schema().map(\.name)
            .filter { !PostgresImport.bookkeepingTables.contains($0) }
    }
}
