import Foundation
import Testing
@testable import Server

extension MultiNodeTests {
    /// Waits (polling every 100 ms, up to `limit`) until `condition` holds; returns whether it did.
    static func eventually(within limit: Duration, _ condition: () throws -> Bool) async throws -> Bool {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < limit {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try condition()
    }

    /// `YYYY-MM-DD` of tomorrow in `zone`.
    static func tomorrow(in zone: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone)!
        let parts = calendar.dateComponents([.year, .month, .day], from: calendar.date(byAdding: .day, value: 1, to: Date())!)
        func two(_ n: Int?) -> String { n.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "??" }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day))"
    }

    /// Node A claims a batch of reminder texts (`sms.send` jobs queued together by `send-upcoming`) and hangs in
    /// Twilio with the first (the stand-in holds its requests); A is killed with SIGKILL while it holds them all.
    /// Node B sends every text once their lease has run out — never before, never twice.
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
            let a = cluster[0]
            let number = "+15550100000"
            // Open round the clock, reminders off while the appointments are booked (so no per-appointment timer
            // queues a text on its own), then on: `send-upcoming` queues all the texts in one transaction.
            var settings: [String: Any] = [
                "greeting": MultiNodeFixture.greeting, "default_reminder_hours": 0, "reserve_mornings_for_emergencies": false,
                "business_hours": Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0.rawValue, ["open": "00:00", "close": "24:00"]) }),
            ]
            let tenant = try await cluster.makeTenant(slug: "rapid-rooter", name: "Rapid Rooter", numbers: [number], settings: settings)
            let day = Self.tomorrow(in: "America/Chicago")
            let markers = (1...4).map { "kiwi\($0)" }
            var phones: [String] = []
            for (index, marker) in markers.enumerated() {
                let phone = "+1555060000\(index)"
                let customer = try await a.json("POST", "/v1/customers", key: tenant.key, ["name": "Customer \(marker)", "phone": phone])
                try #require(customer.status == 201, "\(customer)")
                let booked = try await a.json("POST", "/v1/appointments", key: tenant.key, [
                    "customer_id": try #require(customer.json["id"] as? String), "start": "\(day)T\(10 + 2 * index):00",
                    "service": "\(marker) inspection",
                ])
                try #require(booked.status == 201, "\(booked)")
                phones.append(phone)
            }
            let consumed = try await Self.eventually(within: .seconds(60)) {
                try cluster.sql("""
                    SELECT count(*) FROM event_checkpoints WHERE consumer = 'reminders'
                      AND last_event_id >= (SELECT max(id) FROM events WHERE type = 'appointment.booked')
                    """) == "1"
            }
            try #require(consumed, "the reminders consumer did not see the bookings: \(cluster.show("SELECT * FROM event_checkpoints"))\n\(cluster.logs())")
            #expect(try cluster.sql("SELECT count(*) FROM jobs") == "0", "no timer with reminders off")
            settings["default_reminder_hours"] = 72
            let patched = try await a.json("PATCH", "/v1/admin/businesses/\(tenant.id)", key: nil, ["settings": settings],
                                           headers: ["X-Admin-Key": TestApp.adminKey])
            try #require(patched.status == 200, "\(patched)")
            let queued = try await a.request("POST", "/v1/reminders/send-upcoming", key: tenant.key)
            try #require((queued.json["sent"] as? [[String: Any]])?.count == markers.count, "\(queued)")

            // A claims them together and is in Twilio with the first.
            let claimed = try await Self.eventually(within: .seconds(60)) { !standIn.held.isEmpty }
            try #require(claimed, "A did not start sending: jobs \(cluster.show("SELECT id, status, attempts FROM jobs"))\n\(cluster.logs())")
            // What A holds: its claimed (running) jobs, each with its lease's end (Unix seconds).
            let leased = try cluster.sql("""
                SELECT o.body, extract(epoch FROM j.locked_until) FROM jobs j JOIN sms_outbox o ON j.dedupe_key = 'sms:' || o.id
                WHERE j.kind = 'sms.send' AND j.status = 'running' ORDER BY j.id
                """).split(separator: "\n").map { line -> (body: String, until: Date) in
                    let fields = line.split(separator: "|")
                    return (String(fields[0]), Date(timeIntervalSince1970: Double(fields.last ?? "") ?? 0))
                }
            #expect(leased.count == markers.count, "A holds every text it claimed in one batch: \(cluster.show("SELECT id, status, attempts FROM jobs"))")
            let heldBodies = standIn.held.compactMap { $0.form["Body"] }
            #expect(Set(heldBodies).isSubset(of: Set(leased.map(\.body))), "A is sending what it claimed")

            // B joins (pointed at the answering Twilio), then A dies without any shutdown code.
            try cluster.startNode(environment: twilio.merging([
                "FRONTDESK_TWILIO_API_BASE_URL": base.absoluteString,
            ]) { _, new in new })
            cluster[0].kill9()

            // B sends every text exactly once.
            func sent() -> [TwilioMessagingStandIn.Received] { standIn.received.filter { $0.path.hasSuffix("/Messages.json") } }
            let delivered = try await Self.eventually(within: .seconds(lease + 30 + 90)) {
                try cluster.sql("SELECT count(*) FROM sms_outbox WHERE status = 'sent'") == "\(markers.count)"
            }
            try #require(delivered, "B did not send every text: outbox \(cluster.show("SELECT id, status, attempts, last_error FROM sms_outbox")), jobs \(cluster.show("SELECT id, status, attempts, locked_until, last_error FROM jobs WHERE kind = 'sms.send'"))\n\(cluster.logs())")
            let bodies = sent().compactMap { $0.form["Body"] }
            for marker in markers {
                #expect(bodies.filter { $0.contains(marker) }.count == 1, "the reminder for \(marker) reached Twilio \(bodies.filter { $0.contains(marker) }.count) times")
                #expect(heldBodies.filter { $0.contains(marker) }.count <= 1)
            }
            #expect(bodies.count == markers.count, "\(bodies)")
            #expect(Set(sent().compactMap { $0.form["To"] }) == Set(phones))
            #expect(sent().allSatisfy { $0.form["From"] == number })
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
