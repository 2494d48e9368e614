import Events
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
@testable import Server

/// `GET /v1/calls/{sid}/live` on a real listening server: a call's Twilio webhooks go in through the same server,
/// and a watcher reads the snapshot and the call's events with URLSession as the bytes arrive. Run on their own
/// in `make test` (Makefile `ALONE`), like EventStreamTests: they wait for wake-ups and heartbeats.
@Suite struct CallLiveTests {
    static func url(_ port: Int?, _ sid: String, _ query: String = "") throws -> URL {
        URL(string: "http://127.0.0.1:\(try #require(port))/v1/calls/\(sid)/live\(query.isEmpty ? "" : "?" + query)")!
    }

    /// The call's stored events after `after`, as `GET /v1/events` lists them (the objects a frame's data must equal).
    static func stored(_ client: some TestClientProtocol, _ sid: String, after: String, key: String) async throws -> [[String: Any]] {
        let page = try await client.call(.get, "/v1/events?stream=call:\(sid)&after=\(after)&limit=500", key: key)
        #expect(page.status == .ok)
        return try #require(page.body["events"] as? [[String: Any]])
    }

    /// Reads the frames of the events the log stored after `after` and checks each equals its stored object:
    /// what a webhook committed reaches the watcher before the test sends the next one.
    @discardableResult
    static func expectEvents(_ watcher: SSEClient, _ client: some TestClientProtocol, _ sid: String, after: String,
                             key: String, _ note: String) async throws -> [SSEClient.Frame] {
        let expected = try await stored(client, sid, after: after, key: key)
        #expect(!expected.isEmpty, "\(note)")
        var frames: [SSEClient.Frame] = []
        for object in expected {
            let frame = try await watcher.nextEvent()
            #expect(frame.id == (object["id"] as? Int).map(String.init), "\(note): \(frame)")
            #expect(frame.event == object["type"] as? String, "\(note)")
            #expect(NSDictionary(dictionary: frame.json).isEqual(to: object), "\(note): \(frame)")
            frames.append(frame)
        }
        return frames
    }

    /// A JSON object as sorted-key JSON text (Foundation on Linux does not compare nested arrays of objects).
    static func canonical(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static func caller(_ words: [SSEClient.Frame]) -> [String] {
        words.filter { $0.event == "call.turn" }.compactMap { ($0.json["payload"] as? [String: Any])?["caller_text"] as? String }
    }

    @Test(.timeLimit(.minutes(1)))
    func aWatcherSeesTheSnapshotThenEachTurnAsItHappensThenTheEnd() async throws {
        let test = try await TwilioWebhookTests.makeApp()
        let (_, key) = try await TwilioWebhookTests.makeBusiness(test)
        try await test.app.test(.live) { client in
            var call = SimulatedCall(twilio: TwilioTestClient(authToken: TwilioWebhookTests.authToken), to: TwilioWebhookTests.number)
            _ = try await call.start(client)
            _ = try await call.say(client, "what time are you open on saturday")
            let shown = try await client.call(.get, "/v1/calls/\(call.sid)", key: key)

            let watcher = SSEClient(url: try Self.url(client.port, call.sid), key: key)
            let head = try await watcher.head()
            #expect(head.statusCode == 200)
            #expect(head.value(forHTTPHeaderField: "Content-Type")?.hasPrefix("text/event-stream") == true)
            #expect(head.value(forHTTPHeaderField: "Cache-Control") == "no-cache")

            // The snapshot: GET /v1/calls/{sid}'s body, with every turn so far in order; its id is the log position
            // it is as of: every event of the call so far is at or before it.
            let snapshot = try await watcher.nextEvent()
            #expect(snapshot.event == "snapshot")
            #expect(try Self.canonical(snapshot.json) == Self.canonical(shown.body), "\(snapshot)")
            let turns = try #require(snapshot.json["turns"] as? [[String: Any]])
            #expect(turns.compactMap { $0["seq"] as? Int } == Array(0..<turns.count))
            #expect(turns.contains { $0["text"] as? String == "what time are you open on saturday" }, "\(turns)")
            #expect(snapshot.json["direction"] as? String == "inbound" && snapshot.json["status"] as? String == "in-progress")
            let position = try #require(snapshot.id)
            let before = try await Self.stored(client, call.sid, after: "0", key: key)
            let earlier = before.compactMap { $0["id"] as? Int }
            #expect(earlier.count >= 3 && earlier.allSatisfy { $0 <= Int(position) ?? 0 },
                    "the call's events so far are in the snapshot: \(earlier) ≤ \(position)")

            // Each turn reaches the watcher as it happens (before the next webhook is sent), as the log stored it.
            var last = position
            var seen: [SSEClient.Frame] = []
            for words in ["do you install tankless water heaters", "how much is a fifty gallon tank"] {
                _ = try await call.say(client, words)
                let frames = try await Self.expectEvents(watcher, client, call.sid, after: last, key: key, "after \"\(words)\"")
                #expect(Self.caller(frames) == [words])
                let turn = try #require(frames.first { $0.event == "call.turn" }?.json["payload"] as? [String: Any])
                #expect((turn["reply"] as? String)?.isEmpty == false, "the receptionist's answer: \(turn)")
                last = try #require(frames.last?.id)
                seen += frames
            }

            // The caller hangs up: call.ended is sent, then the response ends cleanly, with nothing after it.
            #expect(try await call.hangUp(client, duration: 42) == .ok)
            let end = try await Self.expectEvents(watcher, client, call.sid, after: last, key: key, "the hang-up")
            #expect(end.last?.event == "call.ended")
            #expect((end.last?.json["payload"] as? [String: Any])?["duration_seconds"] as? Int == 42)
            seen += end
            let error = try await watcher.ended(timeout: 10)
            #expect(error == nil, "the stream ended cleanly after call.ended: \(String(describing: error))")
            let all = try await Self.stored(client, call.sid, after: position, key: key).compactMap { ($0["id"] as? Int).map(String.init) }
            #expect(seen.compactMap(\.id) == all, "every event after the snapshot, once, in order")
            watcher.close()
            try await EventStreamTests.waitForOpenStreams(test, 0)

            // Watching a call that has ended: its final snapshot, then the end at once.
            let late = SSEClient(url: try Self.url(client.port, call.sid), key: key)
            let final = try await late.nextEvent()
            #expect(final.event == "snapshot")
            #expect(final.json["status"] as? String == "completed" && final.json["ended_at"] is String, "\(final)")
            #expect(final.json["duration_seconds"] as? Int == 42)
            #expect(try await late.ended(timeout: 10) == nil)
            #expect(try await late.frames(during: 0).isEmpty, "nothing after the snapshot")
            late.close()
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aWatcherThatReconnectsWithLastEventIDMissesNothingAndGetsNothingTwice() async throws {
        let test = try await TwilioWebhookTests.makeApp()
        let (_, key) = try await TwilioWebhookTests.makeBusiness(test)
        try await test.app.test(.live) { client in
            var call = SimulatedCall(twilio: TwilioTestClient(authToken: TwilioWebhookTests.authToken), to: TwilioWebhookTests.number)
            _ = try await call.start(client)
            let first = SSEClient(url: try Self.url(client.port, call.sid), key: key)
            let snapshot = try await first.nextEvent()
            #expect(snapshot.event == "snapshot")
            let position = try #require(snapshot.id)
            _ = try await call.say(client, "what time are you open on saturday")
            var received = try await Self.expectEvents(first, client, call.sid, after: position, key: key, "the first turn")

            // The watcher goes away mid-call; two turns happen meanwhile.
            first.close()
            try await EventStreamTests.waitForOpenStreams(test, 0)
            _ = try await call.say(client, "do you install tankless water heaters")
            _ = try await call.say(client, "how much is a fifty gallon tank")

            // The reconnect names the last id it saw (which wins over ?after=): no snapshot, exactly the missed events.
            let lastSeen = try #require(received.last?.id)
            let missed = try await Self.stored(client, call.sid, after: lastSeen, key: key)
            let second = SSEClient(url: try Self.url(client.port, call.sid, "after=0"), key: key, headers: ["Last-Event-ID": lastSeen])
            for object in missed {
                let frame = try await second.nextEvent()
                #expect(frame.event != "snapshot", "a resumed watch sends no snapshot")
                #expect(frame.id == (object["id"] as? Int).map(String.init) && NSDictionary(dictionary: frame.json).isEqual(to: object), "\(frame)")
                received.append(frame)
            }
            #expect(Self.caller(received) == ["what time are you open on saturday", "do you install tankless water heaters",
                                             "how much is a fifty gallon tank"])
            let extra = try await second.frames(during: 1.5)
            #expect(extra.isEmpty, "nothing repeated: \(extra)")

            // Then live again, up to the end.
            _ = try await call.hangUp(client, duration: 30)
            received += try await Self.expectEvents(second, client, call.sid, after: try #require(received.last?.id), key: key, "the hang-up")
            #expect(try await second.ended(timeout: 10) == nil)
            let ids = received.compactMap(\.id)
            let all = try await Self.stored(client, call.sid, after: position, key: key).compactMap { ($0["id"] as? Int).map(String.init) }
            #expect(ids == all, "missed nothing, repeated nothing")
            #expect(Set(ids).count == ids.count)
            second.close()

            // Resumed from the snapshot's own id: every event after it. Resumed after call.ended: nothing, and the end.
            let fromSnapshot = SSEClient(url: try Self.url(client.port, call.sid, "after=\(position)"), key: key)
            var replayed: [String] = []
            for _ in all { replayed.append(try await fromSnapshot.nextEvent().id ?? "") }
            #expect(replayed == all)
            #expect(try await fromSnapshot.ended(timeout: 10) == nil)
            fromSnapshot.close()
            let afterEnd = SSEClient(url: try Self.url(client.port, call.sid), key: key, headers: ["Last-Event-ID": try #require(all.last)])
            #expect(try await afterEnd.head().statusCode == 200)
            #expect(try await afterEnd.ended(timeout: 10) == nil)
            #expect(try await afterEnd.frames(during: 0).isEmpty)
            afterEnd.close()
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func anotherBusinessGetsA404AndNoByteOfTheCall() async throws {
        let test = try await TwilioWebhookTests.makeApp()
        let (_, keyA) = try await TwilioWebhookTests.makeBusiness(test)
        let (_, keyB) = try await TwilioWebhookTests.makeBusiness(test, slug: "other-rooter", number: "+15550100099")
        try await test.app.test(.live) { client in
            var call = SimulatedCall(twilio: TwilioTestClient(authToken: TwilioWebhookTests.authToken), to: TwilioWebhookTests.number)
            _ = try await call.start(client)
            _ = try await call.say(client, "my name is jon smith and my boiler is leaking")

            func raw(_ path: String, key: String?, headers: HTTPFields = [:]) async throws -> (HTTPResponse.Status, String, String?) {
                var fields = headers
                if let key { fields[HTTPField.Name("X-API-Key")!] = key }
                return try await client.execute(uri: path, method: .get, headers: fields, body: nil) { response in
                    (response.status, String(buffer: response.body), response.headers[.contentType])
                }
            }
            // Exactly what GET /v1/calls/{sid} answers for a foreign sid: 404 JSON, nothing of the call.
            let shown = try await raw("/v1/calls/\(call.sid)", key: keyB)
            for headers: HTTPFields in [[:], [HTTPField.Name("Last-Event-ID")!: "0"]] {
                let watched = try await raw("/v1/calls/\(call.sid)/live", key: keyB, headers: headers)
                #expect(watched.0 == .notFound)
                #expect(watched.2?.hasPrefix("application/json") == true)
                #expect(watched.1 == shown.1, "\(watched.1)")
                #expect(!watched.1.contains("boiler") && !watched.1.contains("+15557654321") && !watched.1.contains("event:"))
            }
            let unknown = try await client.call(.get, "/v1/calls/CAnosuchcall/live", key: keyA)
            #expect(unknown.status == .notFound && unknown.body.errorCode == "not_found")
            #expect(try await client.call(.get, "/v1/calls/\(call.sid)/live", key: nil).status == .unauthorized)
            let badResume = try await client.call(.get, "/v1/calls/\(call.sid)/live", key: keyA,
                                                  headers: [HTTPField.Name("Last-Event-ID")!: "yesterday"])
            #expect(badResume.status == .badRequest && badResume.body.errorCode == "invalid_parameter")

            // The owner's watch of the same call works, so the 404 is about the business, not the call.
            let own = SSEClient(url: try Self.url(client.port, call.sid), key: keyA)
            #expect(try await own.nextEvent().event == "snapshot")
            own.close()
        }
    }

    /// The controller as buildRouter registers it, with a short heartbeat.
    static func app(_ test: TestApp, heartbeat: Duration) -> some ApplicationProtocol {
        let router = Router(context: AppRequestContext.self)
        router.middlewares.add(JSONErrorMiddleware())
        LiveController(log: test.services.events, signal: test.services.storage.eventSignal, metrics: test.services.metrics.factory,
                       calls: test.services.calls, heartbeat: heartbeat, pollInterval: .seconds(1))
            .addRoutes(calls: router.group("v1").add(middleware: BusinessAuthMiddleware(keys: test.services.apiKeys)).group("calls"))
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return Application(router: router, logger: logger)
    }

    @Test(.timeLimit(.minutes(1)))
    func aQuietCallSendsHeartbeatsAndThenItsNextTurn() async throws {
        let test = try await TwilioWebhookTests.makeApp()
        let (_, key) = try await TwilioWebhookTests.makeBusiness(test)
        let call = try await test.app.test(.router) { client in
            var call = SimulatedCall(twilio: TwilioTestClient(authToken: TwilioWebhookTests.authToken), to: TwilioWebhookTests.number)
            _ = try await call.start(client)
            return call
        }

        try await Self.app(test, heartbeat: .milliseconds(200)).test(.live) { client in
            let watcher = SSEClient(url: try Self.url(client.port, call.sid), key: key)
            #expect(try await watcher.nextEvent().event == "snapshot")
            var arrivals: [Date] = []
            for _ in 0..<4 {
                let frame = try #require(try await watcher.next(timeout: 5))
                #expect(frame.isHeartbeat, "\(frame)")
                arrivals.append(Date())
            }
            let gaps = zip(arrivals.dropFirst(), arrivals).map { $0.timeIntervalSince($1) }
            // Loose bounds (two shared cores); what matters is that the injected interval drives them, not a loop.
            #expect(gaps.sorted()[gaps.count / 2] < 2 && gaps.reduce(0, +) / Double(gaps.count) > 0.05, "gaps \(gaps)")

            // The call goes on (its webhooks reach the same services): the turn comes through between heartbeats.
            try await test.app.test(.router) { twilio in
                var next = call
                _ = try await next.say(twilio, "what time are you open on saturday")
            }
            let turn = try await watcher.nextEvent(timeout: 5)
            #expect(turn.event == "call.turn")
            #expect((turn.json["payload"] as? [String: Any])?["caller_text"] as? String == "what time are you open on saturday")
            watcher.close()
        }
    }

    /// The snapshot's position is exact: an event of the watched call committed while the snapshot was read makes
    /// it read again (the read may or may not have seen that event's rows); another stream's event does not.
    @Test func aSnapshotIsReadAgainWhenTheWatchedCallMovesDuringTheRead() async throws {
        let test = try await TestApp.make()
        let (a, _) = try await test.makeTenant("snapshot-race")
        let log = test.services.events
        let session = EventStreamSession(log: log, signal: test.services.storage.eventSignal, businessId: a.id,
                                         filter: EventFilter(stream: .call("CA-S1")), heartbeat: .seconds(15),
                                         pollInterval: .seconds(1), endTypes: [.callEnded])
        let started = try await log.append([EventDraft(businessId: a.id, stream: .call("CA-S1"), CallStarted(
            direction: .inbound, from: "+15557654321", to: "+15550001111", customerNumber: "+15557654321"))])[0]
        #expect(try await session.hasEnded(at: started.id) == false)

        var reads = 0
        var turn: StoredEvent?
        let (value, position) = try await session.snapshot { () async throws -> Int in
            reads += 1
            if reads == 1 {
                turn = try await log.append([EventDraft(businessId: a.id, stream: .call("CA-S1"), CallTurnRecorded(
                    event: "speech", callerText: "hello", reply: "Hi.", state: "FAQ", citedEntries: [], declined: false, latencyMs: 1))])[0]
            } else {
                _ = try await EventFixtures.knowledge(log, business: a.id, version: Int64(reads))
            }
            return reads
        }
        #expect(value == 2 && reads == 2, "read again once, after the call's turn; not after another stream's event")
        let moved = try #require(turn)
        #expect(position >= moved.id)
        #expect(try await log.events(EventQuery(businessId: a.id, after: position, stream: .call("CA-S1"))).isEmpty)

        // A call that never holds still: a 503 JSON error after a bounded number of reads, not a loop.
        reads = 0
        await #expect(throws: AppError.self) {
            _ = try await session.snapshot { () async throws -> Int in
                reads += 1
                _ = try await EventFixtures.call(log, business: a.id, sid: "CA-S1")
                return reads
            }
        }
        #expect(reads == EventStreamSession.snapshotAttempts)

        // The end: ended at or after its call.ended, not before it.
        let ended = try #require(try await log.events(EventQuery(businessId: a.id, stream: .call("CA-S1"), types: [.callEnded])).first)
        #expect(try await session.hasEnded(at: ended.id))
        #expect(try await session.hasEnded(at: ended.id + 5))
        #expect(try await session.hasEnded(at: ended.id - 1) == false)
    }

    /// An outbound call is watched the same way: from the moment FrontDesk has placed it (a snapshot with no turns
    /// yet), through its status callbacks, the callee's answer and words, to its end.
    @Test(.timeLimit(.minutes(1)))
    func anOutboundCallIsWatchedFromItsPlacingToItsEnd() async throws {
        let standIn = TwilioMessagingStandIn()
        try await standIn.run { base in
            let (test, business) = try await OutboundCallTests.makeApp(base)
            let key = try await test.services.apiKeys.rotate(businessId: business.id)
            _ = try await test.services.outboundCalls.place(businessId: business.id, to: OutboundCallTests.callee,
                context: .init(greeting: "Hi, this is Rapid Rooter calling to confirm your visit tomorrow.", purpose: "test"))
            #expect(try await test.services.jobRunner.runDue(now: Date()) == 1)
            let sent = try #require(standIn.received.first { $0.path.hasSuffix("/Calls.json") })
            let answer = String(try #require(sent.form["Url"]).dropFirst(TwilioTestClient.publicBaseURL.count))
            let sid = try #require(try await test.services.calls.calls(businessId: business.id, limit: 1, cursor: nil).items.first).sid
            let twilio = TwilioTestClient(authToken: OutboundCallTests.token)
            @Sendable func post(_ client: some TestClientProtocol, _ path: String, _ extra: [(String, String)]) async throws {
                #expect(try await twilio.post(client, path, OutboundCallTests.parameters(sid, extra)).status == .ok)
            }

            try await test.app.test(.live) { client in
                let watcher = SSEClient(url: try Self.url(client.port, sid), key: key)
                let snapshot = try await watcher.nextEvent()
                #expect(snapshot.event == "snapshot")
                #expect(snapshot.json["direction"] as? String == "outbound" && snapshot.json["customer_number"] as? String == OutboundCallTests.callee)
                #expect((snapshot.json["turns"] as? [Any])?.isEmpty == true, "\(snapshot)")
                var last = try #require(snapshot.id)

                try await post(client, "/twilio/call-status", [("CallStatus", "ringing"), ("SequenceNumber", "1")])
                last = try #require(try await Self.expectEvents(watcher, client, sid, after: last, key: key, "ringing").last?.id)
                try await post(client, answer, [("CallStatus", "in-progress")])
                let opening = try await Self.expectEvents(watcher, client, sid, after: last, key: key, "the answer")
                let greeting = opening.first { $0.event == "call.turn" }?.json["payload"] as? [String: Any]
                #expect((greeting?["reply"] as? String)?.contains("confirm your visit tomorrow") == true, "\(opening)")
                last = try #require(opening.last?.id)
                try await post(client, "/twilio/gather", [("CallStatus", "in-progress"), ("SpeechResult", "yes tomorrow is fine"), ("Confidence", "0.9")])
                let words = try await Self.expectEvents(watcher, client, sid, after: last, key: key, "the callee's words")
                #expect(Self.caller(words) == ["yes tomorrow is fine"])
                last = try #require(words.last?.id)
                try await post(client, "/twilio/call-status", [("CallStatus", "completed"), ("CallDuration", "20"), ("SequenceNumber", "3")])
                let end = try await Self.expectEvents(watcher, client, sid, after: last, key: key, "the end")
                #expect(end.last?.event == "call.ended")
                #expect((end.last?.json["payload"] as? [String: Any])?["direction"] as? String == "outbound")
                #expect(try await watcher.ended(timeout: 10) == nil)
                watcher.close()
            }
        }
    }
}
