import Events
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
@testable import Server

/// `GET /v1/events/stream` on a real listening server, read with URLSession as bytes arrive.
@Suite struct EventStreamTests {
    static func url(_ port: Int?, _ query: String = "") throws -> URL {
        URL(string: "http://127.0.0.1:\(try #require(port))/v1/events/stream\(query.isEmpty ? "" : "?" + query)")!
    }

    /// `frontdesk_event_streams_open` in the app's metrics.
    static func openStreams(_ test: TestApp) -> Double {
        let text = String(decoding: test.services.metrics.exposition(), as: UTF8.self)
        let line = text.split(separator: "\n").first { $0.hasPrefix(AppMetrics.Name.eventStreamsOpen + " ") }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    }

    static func waitForOpenStreams(_ test: TestApp, _ count: Double, timeout: TimeInterval = 5) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while openStreams(test) != count, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(openStreams(test) == count, "open event streams")
    }

    @Test(.timeLimit(.minutes(1)))
    func storedThenLiveEventsResumeWithoutGapsOrRepeatsAndOnlyTheBusinesses() async throws {
        let test = try await TestApp.make()
        let (a, keyA) = try await test.makeTenant("stream-a")
        let (b, keyB) = try await test.makeTenant("stream-b")
        let log = test.services.events
        let stored = try await EventFixtures.call(log, business: a.id, sid: "CA-A1")
        let storedB = try await EventFixtures.call(log, business: b.id, sid: "CA-B1")

        let ended = try await test.app.test(.live) { client in
            let listed = try await client.call(.get, "/v1/events", key: keyA)
            let listedEvents = try #require(listed.body["events"] as? [[String: Any]])

            let stream = SSEClient(url: try Self.url(client.port), key: keyA)
            let head = try await stream.head()
            #expect(head.statusCode == 200)
            #expect(head.value(forHTTPHeaderField: "Content-Type")?.hasPrefix("text/event-stream") == true)
            #expect(head.value(forHTTPHeaderField: "Cache-Control") == "no-cache")

            // The stored events first, each as id / event / data, the data equal to the list's object.
            for (index, event) in stored.enumerated() {
                let frame = try await stream.nextEvent()
                #expect(frame.id == String(event.id))
                #expect(frame.event == event.type.rawValue)
                #expect(NSDictionary(dictionary: frame.json).isEqual(to: listedEvents[index]), "\(frame)")
            }
            try await Self.waitForOpenStreams(test, 1)

            // Then events committed after connecting; B's are never sent to A.
            let live = try await EventFixtures.customer(log, business: a.id, id: "cust-a1")
            let frame = try await stream.nextEvent()
            #expect(frame.id == String(live.id))
            #expect((frame.json["payload"] as? [String: Any])?["name"] as? String == "Ana Lima")
            let liveB = try await EventFixtures.customer(log, business: b.id, id: "cust-b1")
            let afterB = try await EventFixtures.knowledge(log, business: a.id, version: 1)
            #expect(try await stream.nextEvent().id == String(afterB.id), "A's next event, not B's \(liveB.id)")

            // The client goes away: the server ends the session although it had nothing to write (no heartbeat
            // for 15 s), because the connection's input closed.
            stream.close()
            try await Self.waitForOpenStreams(test, 0, timeout: 3)

            // Missed while disconnected; the reconnect names the last id it saw, which wins over ?after=0.
            let missed = try await EventFixtures.call(log, business: a.id, sid: "CA-A2")
            let resumed = SSEClient(url: try Self.url(client.port, "after=0"), key: keyA, headers: ["Last-Event-ID": String(afterB.id)])
            var ids: [String] = []
            for _ in missed { ids.append(try await resumed.nextEvent().id ?? "") }
            #expect(ids == missed.map { String($0.id) }, "exactly the missed events, in order")
            let extra = try await resumed.frames(during: 1.5)
            #expect(extra.isEmpty, "nothing repeated: \(extra)")
            let later = try await EventFixtures.knowledge(log, business: a.id, version: 2)
            #expect(try await resumed.nextEvent().id == String(later.id))
            resumed.close()

            // A type filter on the stream, from ?after=.
            let ends = SSEClient(url: try Self.url(client.port, "type=call.ended&after=\(stored[0].id)"), key: keyA)
            #expect(try await ends.nextEvent().id == String(stored[2].id))
            #expect(try await ends.nextEvent().id == String(missed[2].id))
            ends.close()

            // B's key: only B's events, and nothing when naming A's call.
            let streamB = SSEClient(url: try Self.url(client.port), key: keyB)
            var seenB: [String] = []
            for _ in 0..<(storedB.count + 1) { seenB.append(try await streamB.nextEvent().id ?? "") }
            #expect(seenB == (storedB + [liveB]).map { String($0.id) })
            let snoop = SSEClient(url: try Self.url(client.port, "stream=call:CA-A1"), key: keyB)
            #expect(try await snoop.head().statusCode == 200)
            _ = try await EventFixtures.call(log, business: a.id, sid: "CA-A3")
            let leaked = try await snoop.frames(during: 1.5) + streamB.frames(during: 0)
            #expect(leaked.isEmpty, "B saw A's events: \(leaked)")
            snoop.close()

            // Left open: the server's graceful shutdown at the end of the test must end it.
            return streamB
        }
        let error = try await ended.ended(timeout: 10)
        #expect(error == nil, "the stream ended cleanly at shutdown: \(String(describing: error))")
        ended.close()
    }

    /// The controller as buildRouter registers it, with other intervals.
    static func app(_ test: TestApp, heartbeat: Duration, poll: Duration) -> some ApplicationProtocol {
        let router = Router(context: AppRequestContext.self)
        router.middlewares.add(JSONErrorMiddleware())
        EventsController(log: test.services.events, signal: test.services.database.eventSignal,
                         metrics: test.services.metrics.factory, heartbeat: heartbeat, pollInterval: poll)
            .addRoutes(to: router.group("v1").add(middleware: BusinessAuthMiddleware(keys: test.services.apiKeys)).group("events"))
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return Application(router: router, logger: logger)
    }

    @Test(.timeLimit(.minutes(1)))
    func aQuietStreamSendsHeartbeatsWithinTheInterval() async throws {
        let test = try await TestApp.make()
        let (a, key) = try await test.makeTenant("heartbeat")
        let app = Self.app(test, heartbeat: .milliseconds(200), poll: .seconds(1))

        try await app.test(.live) { client in
            let stream = SSEClient(url: try Self.url(client.port), key: key)
            #expect(try await stream.head().statusCode == 200)
            var arrivals: [Date] = []
            for _ in 0..<6 {
                let frame = try #require(try await stream.next(timeout: 5))
                #expect(frame.isHeartbeat, "\(frame)")
                arrivals.append(Date())
            }
            let gaps = zip(arrivals.dropFirst(), arrivals).map { $0.timeIntervalSince($1) }
            // Sent after 100–200 ms of silence (the tick is half the interval). Other tests share the two cores,
            // so the bound is loose (well under the 15 s default); what matters is that the injected interval drives them.
            #expect(gaps.sorted()[gaps.count / 2] < 2 && gaps.allSatisfy { $0 < 10 }, "gaps \(gaps)")
            #expect(gaps.reduce(0, +) / Double(gaps.count) > 0.05, "heartbeats are not sent in a loop: \(gaps)")

            // Events still come through between the heartbeats.
            let event = try await EventFixtures.knowledge(test.services.events, business: a.id, version: 1)
            #expect(try await stream.nextEvent(timeout: 5).id == String(event.id))
            stream.close()
            try await Self.waitForOpenStreams(test, 0)
        }
    }

    /// A commit wakes the stream at once: with the poll and the heartbeat a minute apart, only the commit signal
    /// can bring the event within seconds.
    @Test(.timeLimit(.minutes(1)))
    func aCommitWakesTheStreamWithoutWaitingForThePoll() async throws {
        let test = try await TestApp.make()
        let (a, key) = try await test.makeTenant("wakeup")
        let app = Self.app(test, heartbeat: .seconds(120), poll: .seconds(60))
        try await app.test(.live) { client in
            let stream = SSEClient(url: try Self.url(client.port), key: key)
            #expect(try await stream.head().statusCode == 200)
            try await Self.waitForOpenStreams(test, 1)
            var latencies: [TimeInterval] = []
            for version in 1...5 {
                let started = Date()
                let event = try await EventFixtures.knowledge(test.services.events, business: a.id, version: Int64(version))
                #expect(try await stream.nextEvent(timeout: 20).id == String(event.id))
                latencies.append(Date().timeIntervalSince(started))
            }
            #expect(latencies.allSatisfy { $0 < 5 }, "append to arrival: \(latencies)")
            stream.close()
        }
    }

    /// The real `frontdesk serve`: an event written by another process reaches the stream (by the poll: no commit
    /// signal crosses processes), and SIGTERM ends the open stream cleanly and the process with 0.
    @Test(.timeLimit(.minutes(2)))
    func theServerBinaryStreamsAnotherProcessesEventsAndEndsStreamsOnSIGTERM() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("frontdesk.sqlite")
        let setup = try AppDatabase(path: path)
        let business = try await GRDBBusinessRepository(database: setup)
            .create(NewBusiness(slug: "live-events", name: "Live Events", timeZone: "Europe/London"))
        let key = try await GRDBAPIKeyRepository(database: setup).rotate(businessId: business.id)
        let stored = try await EventFixtures.call(GRDBEventLog(database: setup), business: business.id, sid: "CA-L1")
        try setup.close()

        let server = try LiveServer(databasePath: path)
        // The fixture's call.ended names no stored call, so the running server's post-call consumer queues a summary
        // that fails for good (job.failed on the same business): the stream is filtered to the types under test.
        let stream = SSEClient(url: try Self.url(server.port, "after=\(stored[0].id)&type=call.started,call.turn,call.ended,knowledge.changed"),
                               key: key)
        #expect(try await stream.nextEvent(timeout: 20).id == String(stored[1].id))
        #expect(try await stream.nextEvent().id == String(stored[2].id))

        let writer = try AppDatabase(path: path)
        let written = try await EventFixtures.knowledge(GRDBEventLog(database: writer), business: business.id, version: 3)
        let started = Date()
        let frame = try await stream.nextEvent()
        let latency = Date().timeIntervalSince(started)
        try writer.close()
        #expect(frame.id == String(written.id))
        #expect(frame.event == "knowledge.changed")
        #expect(latency < 5, "polled about every second: \(latency) s")

        server.process.terminate()  // SIGTERM
        server.process.waitUntilExit()
        #expect(server.process.terminationStatus == 0)
        let error = try await stream.ended(timeout: 10)
        #expect(error == nil, "the stream ended cleanly: \(String(describing: error))")
        stream.close()
    }
}
