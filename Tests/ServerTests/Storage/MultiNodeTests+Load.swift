import Foundation
import Testing
@testable import Server

extension MultiNodeTests {
    /// What one simulated call saw.
    struct CallRun: Sendable {
        let sid: String
        let lines: [String]
        /// One line per webhook that was not a 200 with TwiML (or threw), naming the node.
        var errors: [String] = []
    }

    /// One call: rings at node `index % 2`, then 2 or 3 gathers and the hang-up, each on the other node than the
    /// webhook before it.
    static func simulatedCall(_ index: Int, nodes: [LiveServer], number: String) async -> CallRun {
        let questions = MultiNodeFixture.questions
        let lines = (0..<(2 + index % 2)).map { questions[(index + $0) % questions.count] }
        var call = LiveCall(from: "+155504\(10000 + index)", to: number)
        var run = CallRun(sid: call.sid, lines: lines)
        var node = index % 2
        func check(_ step: String, _ reply: () async throws -> WebhookReply) async {
            do {
                let answer = try await reply()
                if !answer.isTwiML { run.errors.append("\(step) on node \(node): \(answer.status) \(answer.body.prefix(200))") }
            } catch {
                run.errors.append("\(step) on node \(node): \(error)")
            }
            node = 1 - node
        }
        await check("voice") { try await call.answer(on: nodes[node]) }
        for line in lines {
            await check("gather \"\(line)\"") { try await call.say(line, on: nodes[node]).reply }
        }
        await check("call-status") { try await call.hangUp(on: nodes[node], duration: 30 + index) }
        return run
    }

    @Test func oneHundredConcurrentCallsOverBothNodesFinishWithoutErrorsAndAreEachRecordedOnce() async throws {
        let cluster = try MultiNodeCluster(nodes: 2, environment: ["FRONTDESK_DATABASE_POOL": "12"])
        defer { cluster.stop() }
        let nodes = [cluster[0], cluster[1]]
        let number = "+15550100000"
        let tenant = try await MultiNodeFixture.makeBusiness(cluster, number: number)
        // Both nodes load the business before the calls (as a node serving traffic would have).
        for node in nodes {
            #expect(try await node.json("POST", "/v1/knowledge/search", key: tenant.key, ["query": "opening hours"]).status == 200)
        }

        let callCount = 100
        let started = ContinuousClock.now
        let runs = await withTaskGroup(of: CallRun.self) { group in
            for index in 0..<callCount {
                group.addTask { await Self.simulatedCall(index, nodes: nodes, number: number) }
            }
            var runs: [CallRun] = []
            for await run in group { runs.append(run) }
            return runs
        }
        let elapsed = ContinuousClock.now - started
        let errors = runs.flatMap(\.errors)
        let webhooks = runs.reduce(0) { $0 + $1.lines.count + 2 }
        print("multi-node load: \(callCount) concurrent calls, \(webhooks) webhooks over 2 nodes in \(elapsed), \(errors.count) errors")
        #expect(errors.isEmpty, "\(errors.count) of \(webhooks) webhooks failed, e.g. \(errors.prefix(5))\n\(cluster.logs())")

        // Every call once in the calls list (paged through both nodes in turn), no other.
        var listed: [String] = []
        var cursor: String?
        var page = 0
        repeat {
            let response = try await nodes[page % 2].request("GET", "/v1/calls?limit=30" + (cursor.map { "&cursor=\($0)" } ?? ""),
                                                             key: tenant.key)
            try #require(response.status == 200, "\(response)")
            listed += (response.json["items"] as? [[String: Any]] ?? []).compactMap { $0["sid"] as? String }
            cursor = response.json["next_cursor"] as? String
            page += 1
        } while cursor != nil && page < 20
        #expect(listed.count == callCount, "listed \(listed.count) calls")
        #expect(Set(listed) == Set(runs.map(\.sid)), "the listed calls are the calls made")

        // Each call's transcript: greeting, the caller's lines in order each once with a reply, the hang-up.
        for (index, run) in runs.enumerated() {
            let detail = try await nodes[index % 2].callDetail(run.sid, key: tenant.key)
            guard detail.status == 200 else {
                Issue.record("call \(run.sid): \(detail.status)")
                continue
            }
            let transcript = RecordedTurns(detail.json)
            #expect(transcript.seqs == Array(0..<transcript.turns.count), "\(run.sid): seq \(transcript.seqs)")
            #expect(transcript.callerLines == run.lines, "\(run.sid): \(transcript.callerLines)")
            #expect(transcript.receptionistCount == run.lines.count + 1, "\(run.sid): greeting + one reply per line")
            #expect(transcript.hangups == ["hangup:completed"], "\(run.sid): \(transcript.hangups)")
            #expect(detail.json["state"] as? String == "ENDED", "\(run.sid)")
        }
        // And in the database itself: no call or turn twice.
        #expect(try cluster.sql("SELECT count(*) FROM calls") == "\(callCount)")
        #expect(try cluster.sql("SELECT count(*) FROM (SELECT call_sid, seq FROM call_turns GROUP BY call_sid, seq HAVING count(*) > 1) AS twice") == "0")
        let expectedTurns = runs.reduce(0) { $0 + 2 * $1.lines.count + 2 }
        #expect(try cluster.sql("SELECT count(*) FROM call_turns") == "\(expectedTurns)")
    }
}
