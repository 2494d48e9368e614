import Foundation
import Logging
import Testing
@testable import Server

extension MultiNodeTests {
    /// Outbound pacing holds across nodes (issue 11): eight calls queued at once on the shared database are dialled
    /// by two nodes competing for them, never faster than the account's rate and never more in progress than the
    /// cap; as calls end (their status callbacks, to either node), the rest are dialled.
    @Test func outboundCallsArePacedAndCappedAcrossNodes() async throws {
        let rate = 2.0
        let cap = 3
        let standIn = TwilioMessagingStandIn()
        try await standIn.run { base in
            let shared = [
                "FRONTDESK_TWILIO_ACCOUNT_SID": TwilioMessagingStandIn.accountSid,
                "FRONTDESK_TWILIO_AUTH_TOKEN": TwilioMessagingStandIn.authToken,
                "FRONTDESK_TWILIO_API_BASE_URL": base.absoluteString,
                "FRONTDESK_OUTBOUND_CALLS_PER_SECOND": String(rate),
                "FRONTDESK_OUTBOUND_MAX_CONCURRENT_CALLS": String(cap),
            ]
            let cluster = try MultiNodeCluster(nodes: 0)
            defer { cluster.stop() }
            // Each node names itself in the webhook URL it gives Twilio, so the requests tell who dialled.
            for name in ["node-a", "node-b"] {
                try cluster.startNode(environment: shared.merging(["FRONTDESK_PUBLIC_BASE_URL": "https://\(name).example.com"]) { _, new in new })
            }
            let number = "+15550100000"
            let tenant = try await MultiNodeFixture.makeBusiness(cluster, number: number)

            // Queued from this process, as a third node would: straight into the shared work queue.
            let database = try await PGDatabase.open(url: try PostgresURL(cluster.databaseURL), maximumConnections: 2,
                                                     logger: Logger(label: "pacing-test"))
            let repositories = Repositories.postgres(database: database)
            let outbound = OutboundCalls(jobs: repositories.jobs, businesses: repositories.businesses, now: Date.init, queued: {})
            let callees = (0..<8).map { "+1555070000\($0)" }
            for callee in callees { _ = try await outbound.place(businessId: tenant.id, to: callee) }
            await database.close()

            func dialled() -> [TwilioMessagingStandIn.Received] { standIn.received.filter { $0.path.hasSuffix("/Calls.json") } }
            func inProgress() throws -> [String] {
                try cluster.sql("SELECT sid FROM calls WHERE direction = 'outbound' AND ended_at IS NULL ORDER BY sid")
                    .split(separator: "\n").map(String.init).filter { !$0.isEmpty }
            }
            var ended = 0
            while dialled().count < callees.count {
                // Wait for the next batch to be dialled and recorded, then check the cap held while they ran.
                let expected = min(callees.count, ended + cap)
                let batchRecorded = try await Self.eventually(within: .seconds(30)) {
                    let recorded = try inProgress().count
                    return dialled().count >= expected && recorded == expected - ended
                }
                #expect(batchRecorded, "\(dialled().count) dialled, \(ended) ended\n\(cluster.logs())")
                try await Task.sleep(for: .seconds(1.5))
                let running = try inProgress()
                #expect(dialled().count == expected, "no call beyond the cap of \(cap) while \(running.count) are in progress")
                #expect(running.count <= cap)
                guard !running.isEmpty else { break }
                // They end; their status callbacks land on alternating nodes.
                for (index, sid) in running.enumerated() {
                    let status = try await LiveCall.post("/twilio/call-status", [
                        ("AccountSid", TwilioMessagingStandIn.accountSid), ("CallSid", sid), ("From", number),
                        ("To", callees[0]), ("Direction", "outbound-api"), ("CallStatus", "completed"),
                        ("CallDuration", "5"), ("SequenceNumber", "1"),
                    ], token: nil, to: cluster[index % 2])
                    #expect(status.status == 200, "\(status)")
                }
                ended += running.count
            }
            let requests = dialled()
            #expect(Set(requests.compactMap { $0.form["To"] }) == Set(callees), "every callee dialled once")
            #expect(requests.count == callees.count)
            let gaps = zip(requests.dropFirst(), requests).map { $0.receivedAt.timeIntervalSince($1.receivedAt) }
            // Slots are exactly 1/rate apart; a request may leave its node late (a busy machine), which shrinks the
            // gap after it: half the spacing is allowed for that. Unpaced, the eight would arrive milliseconds apart.
            #expect(gaps.allSatisfy { $0 >= 0.5 / rate }, "gaps between dials: \(gaps)")
            let byNode = Dictionary(grouping: requests) { $0.form["Url"].flatMap { URL(string: $0)?.host } ?? "?" }
                .mapValues(\.count)
            print("outbound pacing across nodes: dials per node \(byNode), gaps \(gaps.map { Int($0 * 1000) }) ms")
        }
    }
}
