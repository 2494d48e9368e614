import Foundation
import Testing
@testable import Server

extension MultiNodeTests {
    /// Posts an inbound text to `node` as Twilio does; the owner is alerted by text (an `sms.send` job).
    static func inboundText(_ body: String, from: String, to: String, on node: LiveServer) async throws -> WebhookReply {
        let sid = "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        return try await LiveCall.post("/twilio/sms", [
            ("ToCountry", "US"), ("SmsMessageSid", sid), ("NumMedia", "0"), ("SmsSid", sid), ("SmsStatus", "received"),
            ("Body", body), ("To", to), ("NumSegments", "1"), ("MessageSid", sid),
            ("AccountSid", "AC00000000000000000000000000000000"), ("From", from), ("ApiVersion", "2010-04-01"),
        ], token: nil, to: node)
    }

    /// Waits (polling every 100 ms, up to `limit`) until `condition` holds; returns whether it did.
    static func eventually(within limit: Duration, _ condition: () throws -> Bool) async throws -> Bool {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < limit {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try condition()
    }

    /// Node A takes the owner alerts' `sms.send` jobs and hangs in Twilio (the stand-in holds its requests); A is
    /// killed with SIGKILL while it holds them. Node B sends every text once the lease has run out — never before,
    /// never twice.
    @Test func aNodeKilledWhileHoldingTextsHasThemSentByTheOtherAfterTheLeaseWithoutDuplicates() async throws {
        let lease: TimeInterval = 20
        let standIn = TwilioMessagingStandIn()
        try await standIn.run { base in
            defer { standIn.releaseHeld() }
            let twilio = [
                "FRONTDESK_TWILIO_ACCOUNT_SID": TwilioMessagingStandIn.accountSid,
                "FRONTDESK_TWILIO_AUTH_TOKEN": TwilioMessagingStandIn.authToken,
                "FRONTDESK_JOB_LEASE_SECONDS": String(Int(lease)),
            ]
            // A alone first, pointed at the holding Twilio, so it is A that claims the work.
            let cluster = try MultiNodeCluster(nodes: 1, environment: twilio.merging([
                "FRONTDESK_TWILIO_API_BASE_URL": base.appendingPathComponent("held").absoluteString,
            ]) { _, new in new })
            defer { cluster.stop() }
            let number = "+15550100000", ownerPhone = "+15550109999"
            _ = try await MultiNodeFixture.makeBusiness(cluster, number: number, ownerPhone: ownerPhone)

            let markers = (1...4).map { "kiwitext\($0)" }
            for (index, marker) in markers.enumerated() {
                let reply = try await Self.inboundText("Is the \(marker) job booked?", from: "+1555060000\(index)", to: number,
                                                       on: cluster[0])
                #expect(reply.status == 200, "\(reply)")
            }
            // Every alert is queued and A is in Twilio with the first it claimed.
            let queued = try await Self.eventually(within: .seconds(60)) {
                try cluster.sql("SELECT count(*) FROM sms_outbox WHERE kind = 'owner'") == "\(markers.count)" && !standIn.held.isEmpty
            }
            try #require(queued, "A did not queue and start sending the alerts: outbox \(cluster.show("SELECT id, status FROM sms_outbox")), held \(standIn.held.count)\n\(cluster.logs())")
            // What A holds: its claimed (running) jobs, each with its lease's end (Unix seconds).
            let leased = try cluster.sql("""
                SELECT o.body, extract(epoch FROM j.locked_until) FROM jobs j JOIN sms_outbox o ON j.dedupe_key = 'sms:' || o.id
                WHERE j.kind = 'sms.send' AND j.status = 'running' ORDER BY j.id
                """).split(separator: "\n").map { line -> (body: String, until: Date) in
                    let fields = line.split(separator: "|")
                    return (String(fields[0]), Date(timeIntervalSince1970: Double(fields.last ?? "") ?? 0))
                }
            try #require(!leased.isEmpty, "A holds no claimed job: \(cluster.show("SELECT id, status, attempts FROM jobs"))")
            let heldBodies = standIn.held.compactMap { $0.form["Body"] }
            #expect(Set(heldBodies).isSubset(of: Set(leased.map(\.body))), "A is sending what it claimed")

            // B joins (pointed at the answering Twilio), then A dies without any shutdown code.
            try cluster.startNode(environment: twilio.merging([
                "FRONTDESK_TWILIO_API_BASE_URL": base.absoluteString,
            ]) { _, new in new })
            cluster[0].kill9()

            // B sends every alert exactly once.
            func sent() -> [TwilioMessagingStandIn.Received] { standIn.received.filter { $0.path.hasSuffix("/Messages.json") } }
            let delivered = try await Self.eventually(within: .seconds(lease + 30 + 90)) {
                try cluster.sql("SELECT count(*) FROM sms_outbox WHERE status = 'sent'") == "\(markers.count)"
            }
            try #require(delivered, "B did not send every alert: outbox \(cluster.show("SELECT id, status, attempts, last_error FROM sms_outbox")), jobs \(cluster.show("SELECT id, status, attempts, locked_until, last_error FROM jobs WHERE kind = 'sms.send'"))\n\(cluster.logs())")
            let bodies = sent().compactMap { $0.form["Body"] }
            for marker in markers {
                #expect(bodies.filter { $0.contains(marker) }.count == 1, "the alert for \(marker) reached Twilio \(bodies.filter { $0.contains(marker) }.count) times")
                #expect(heldBodies.filter { $0.contains(marker) }.count <= 1)
            }
            #expect(bodies.count == markers.count, "\(bodies)")
            #expect(sent().allSatisfy { $0.form["To"] == ownerPhone && $0.form["From"] == number })
            // A job A held was taken over only once its lease had run out (A's own request never reached Twilio).
            for job in leased {
                guard let delivery = sent().first(where: { $0.form["Body"] == job.body }) else { continue }
                #expect(delivery.receivedAt >= job.until.addingTimeInterval(-0.5),
                        "\"\(job.body)\" was sent \(job.until.timeIntervalSince(delivery.receivedAt)) s before A's lease ended")
            }
            let jobs = try await Self.eventually(within: .seconds(30)) {
                try cluster.sql("SELECT count(*) FROM jobs WHERE kind = 'sms.send' AND status = 'done'") == "\(markers.count)"
            }
            #expect(jobs, "jobs: \(cluster.show("SELECT id, status, attempts, last_error FROM jobs WHERE kind = 'sms.send'"))")
            // Nothing more goes out afterwards (B's next passes find nothing to do).
            try await Task.sleep(for: .seconds(2))
            #expect(sent().count == markers.count)
            print("multi-node kill: A held \(leased.count) claimed job(s) (\(heldBodies.count) in Twilio); B sent \(bodies.count) texts, each once")
        }
    }
}
