import Events
import Foundation
import Logging
import Testing
@testable import Server

/// `frontdesk events tail|replay|prune`, run as the built binary against a database made by the test.
@Suite struct EventsCommandTests {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    static func run(_ arguments: [String]) throws -> Output {
        guard FileManager.default.isExecutableFile(atPath: LiveServer.binary.path) else {
            throw LiveServerError("\(LiveServer.binary.path) is missing: build it first (`swift build`; `make test` does)")
        }
        let process = Process()
        process.executableURL = LiveServer.binary
        process.arguments = arguments
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // stderr is read on another thread while this one reads stdout, so neither pipe can fill and block the child.
        let errors = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errors.data = stderr.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        group.wait()
        return Output(status: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self),
                      stderr: String(decoding: errors.data, as: UTF8.self))
    }

    private final class DataBox: @unchecked Sendable { var data = Data() }

    /// Two businesses' events in a database file; the database is closed before the binary opens it.
    struct Fixture {
        let directory: TemporaryDirectory
        let path: String
        let a: [StoredEvent]
        let b: [StoredEvent]
        let businessA: Business
    }

    static func make() async throws -> Fixture {
        let directory = try TemporaryDirectory()
        let path = directory.path("frontdesk.sqlite")
        let database = try AppDatabase(path: path)
        let businesses = GRDBBusinessRepository(database: database)
        let a = try await businesses.create(NewBusiness(slug: "tail-a", name: "Tail A", timeZone: "Europe/London"))
        let b = try await businesses.create(NewBusiness(slug: "tail-b", name: "Tail B", timeZone: "Europe/London"))
        let log = GRDBEventLog(database: database)
        var eventsA = try await EventFixtures.call(log, business: a.id, sid: "CA-TA")
        let eventsB = try await EventFixtures.call(log, business: b.id, sid: "CA-TB")
        eventsA.append(try await EventFixtures.customer(log, business: a.id, id: "cust-ta"))
        try database.close()
        return Fixture(directory: directory, path: path, a: eventsA, b: eventsB, businessA: a)
    }

    @Test func tailPrintsMatchingEventsAsLinesOrJSON() async throws {
        let fixture = try await Self.make()
        let db = ["--db", fixture.path]

        let all = try Self.run(["events", "tail"] + db)
        #expect(all.status == 0, "\(all.stderr)")
        let everything = (fixture.a.prefix(3) + fixture.b + fixture.a.suffix(1)).map(\.id)
        #expect(all.lines.map { Int64($0.split(separator: " ")[0]) } == everything)
        // id, time, business slug, stream#sequence, type, compact payload.
        let first = all.lines[0].split(separator: " ", maxSplits: 5).map(String.init)
        #expect(first[0] == String(fixture.a[0].id))
        let time = try Date(first[1], strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true))
        #expect(abs(time.timeIntervalSince(fixture.a[0].createdAt)) < 0.001 && first[1].hasSuffix("Z"), "\(first[1])")
        #expect(first[2] == "tail-a")
        #expect(first[3] == "call:CA-TA#1")
        #expect(first[4] == "call.started")
        #expect(first[5] == fixture.a[0].payload)
        #expect(all.lines[3].split(separator: " ")[2] == "tail-b")

        let filtered = try Self.run(["events", "tail", "--business", "tail-a", "--type", "call.started,call.ended", "--type", "customer.created"] + db)
        #expect(filtered.lines.map { $0.split(separator: " ")[4] } == ["call.started", "call.ended", "customer.created"])

        let last = try Self.run(["events", "tail", "--last", "2"] + db)
        #expect(last.lines.map { Int64($0.split(separator: " ")[0]) } == Array(everything.suffix(2)))

        let after = try Self.run(["events", "tail", "--stream", "call:CA-TB", "--after", String(fixture.b[0].id)] + db)
        #expect(after.lines.map { Int64($0.split(separator: " ")[0]) } == fixture.b.dropFirst().map(\.id))

        let json = try Self.run(["events", "tail", "--business", "tail-b", "--json"] + db)
        let objects = try json.lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(objects.count == 3)
        #expect(objects.allSatisfy { $0["business"] as? String == "tail-b" })
        #expect(objects.map { ($0["id"] as? NSNumber)?.int64Value } == fixture.b.map(\.id))
        #expect((objects[1]["payload"] as? [String: Any])?["caller_text"] as? String == "is it \"urgent\"?\nthe boiler is leaking")
        #expect(objects[1]["stream"] as? String == "call:CA-TB" && objects[1]["sequence"] as? Int == 2)

        let unknownType = try Self.run(["events", "tail", "--type", "call.exploded"] + db)
        #expect(unknownType.status != 0)
        #expect(unknownType.stderr.contains("unknown event type \"call.exploded\"") && unknownType.stderr.contains("call.started"), "\(unknownType.stderr)")
        let unknownBusiness = try Self.run(["events", "tail", "--business", "nobody"] + db)
        #expect(unknownBusiness.status != 0)
        #expect(unknownBusiness.stderr.contains("no business with slug \"nobody\""))
        let missing = try Self.run(["events", "tail", "--db", fixture.directory.path("absent.sqlite")])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no database at"))
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.path("absent.sqlite")), "tail must not create a database")
    }

    /// The newest matching events are found however far back they are (the window before the newest id grows).
    @Test func latestFindsTheLastMatchingEventsFarBackInTheLog() async throws {
        let fixture = try await Self.make()
        let database = try AppDatabase(path: fixture.path)
        let log = GRDBEventLog(database: database)
        let other = try #require(fixture.b.first?.businessId)
        for version in 1...300 { try await EventFixtures.knowledge(log, business: other, version: Int64(version)) }
        try database.close()
        let console = try EventConsole.open(databasePath: fixture.path)
        defer { try? console.close() }
        let customer = try EventFilter.parse(stream: nil, types: ["customer.created"])
        #expect(try await console.latest(customer, business: nil, count: 5).map(\.id) == [fixture.a[3].id])
        let starts = try await console.latest(EventFilter(types: [.callStarted]), business: nil, count: 1)
        #expect(starts.map(\.id) == [fixture.b[0].id])
        let a = try await console.latest(EventFilter(), business: fixture.businessA, count: 2)
        #expect(a.map(\.id) == [fixture.a[2].id, fixture.a[3].id])
        #expect(try await console.latest(EventFilter(), business: nil, count: 3).count == 3)
    }

    @Test(.timeLimit(.minutes(1)))
    func tailFollowPrintsEventsAnotherProcessCommits() async throws {
        let fixture = try await Self.make()
        let process = Process()
        process.executableURL = LiveServer.binary
        process.arguments = ["events", "tail", "--follow", "--business", "tail-a", "--last", "1", "--db", fixture.path]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let reader = LineReader(stdout.fileHandleForReading)
        #expect(try await reader.line().hasPrefix("\(fixture.a[3].id) "), "the last event first")

        // Written by this process while the command runs: the command sees it by polling.
        let database = try AppDatabase(path: fixture.path)
        let log = GRDBEventLog(database: database)
        _ = try await EventFixtures.customer(log, business: try #require(fixture.b[0].businessId), id: "cust-tb")
        let mine = try await EventFixtures.knowledge(log, business: fixture.businessA.id, version: 7)
        try database.close()
        let next = try await reader.line()
        #expect(next.hasPrefix("\(mine.id) ") && next.contains(" knowledge.changed {\"entry_ids\":[\"entry-7\"],\"kb_version\":7"), "\(next)")
        process.interrupt()  // Ctrl-C
        process.waitUntilExit()
    }

    @Test func prunePrintsWhatItDeletedAndWhyOlderEventsStay() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("frontdesk.sqlite")
        let database = try AppDatabase(path: path)
        let clock = TestClock(Date(timeIntervalSince1970: 1_767_225_600))  // 2026-01-01T00:00:00Z
        let old = GRDBEventLog(database: database, now: clock.now)
        let x = try await old.append((1...3).map { version in
            EventDraft(businessId: nil, stream: .job(1), JobFailed(jobId: 1, kind: "summary", attempts: version, error: "boom"))
        })
        let y = try await old.append([EventDraft(businessId: nil, stream: .job(2), JobFailed(jobId: 2, kind: "summary", attempts: 1, error: "boom"))])
        let recent = try await GRDBEventLog(database: database).append([
            EventDraft(businessId: nil, stream: .job(1), JobFailed(jobId: 1, kind: "summary", attempts: 4, error: "boom"))])
        try database.close()

        let none = try Self.run(["events", "prune", "--before", "2026-02-01", "--db", path])
        #expect(none.status == 0, "\(none.stderr)")
        #expect(none.stdout.contains("deleted 0 events created before 2026-02-01T00:00:00Z"), "\(none.stdout)")
        #expect(none.stdout.contains("no consumer has recorded a checkpoint yet"))

        let reopened = try AppDatabase(path: path)
        let log = GRDBEventLog(database: reopened)
        try await log.advanceCheckpoint(consumer: "fast", to: recent[0].id)
        try await log.advanceCheckpoint(consumer: "slow", to: x[1].id)
        try reopened.close()

        let pruned = try Self.run(["events", "prune", "--before", "2026-02-01", "--db", path])
        #expect(pruned.status == 0, "\(pruned.stderr)")
        #expect(pruned.stdout.contains("deleted 2 events created before 2026-02-01T00:00:00Z"), "\(pruned.stdout)")
        #expect(pruned.stdout.contains("kept: events after \(x[1].id)") && pruned.stdout.contains("slow is the furthest behind"), "\(pruned.stdout)")
        let console = try EventConsole.open(databasePath: path)
        // x1, x2: old and handled by both; x3: not handled by `slow`; y1: its stream's newest.
        #expect(try await console.events(EventFilter(), business: nil, after: 0).map(\.id) == [x[2].id, y[0].id, recent[0].id])
        try console.close()

        let bad = try Self.run(["events", "prune", "--before", "last tuesday", "--db", path])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--before must be a date"))
    }

    /// Records what it is handed (a consumer of the test's own, as the app's consumers are plugged in).
    final class RecordingConsumer: EventConsumer, @unchecked Sendable {
        let name: String
        let types: Set<EventType>
        private let lock = NSLock()
        private var handled: [Int64] = []
        init(name: String, types: Set<EventType>) {
            self.name = name
            self.types = types
        }
        func handle(_ event: StoredEvent) async throws { lock.withLock { handled.append(event.id) } }
        var ids: [Int64] { lock.withLock { handled } }
    }

    @Test func replayRedeliversTheRangeToOneConsumerWithoutMovingItsCheckpoint() async throws {
        let test = try await TestApp.make()
        let (a, _) = try await test.makeTenant("replay-a")
        let log = test.services.events
        let call = try await EventFixtures.call(log, business: a.id, sid: "CA-R")
        let customer = try await EventFixtures.customer(log, business: a.id, id: "cust-r")
        let later = try await EventFixtures.call(log, business: a.id, sid: "CA-R2")
        let calls = RecordingConsumer(name: "call-watcher", types: [.callStarted, .callEnded])
        let other = RecordingConsumer(name: "customer-watcher", types: [.customerCreated])
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let runner = EventConsumerRunner(log: log, consumers: [calls, other], signal: test.services.database.eventSignal,
                                         logger: logger, metrics: test.services.metrics.factory)
        try await log.advanceCheckpoint(consumer: "call-watcher", to: customer.id)

        // Default end: the consumer's checkpoint (what it has handled); only its types; the checkpoint stays.
        let replay = try await EventConsole.replay(runner: runner, log: log, consumer: "call-watcher", after: call[0].id, through: nil)
        #expect(replay == EventConsole.Replay(delivered: 1, after: call[0].id, through: customer.id))
        #expect(calls.ids == [call[2].id])
        #expect(other.ids.isEmpty, "only the named consumer")
        #expect(try await log.checkpoint(consumer: "call-watcher") == customer.id)

        let through = try await EventConsole.replay(runner: runner, log: log, consumer: "call-watcher", after: 0, through: later[2].id)
        #expect(through.delivered == 4)
        #expect(calls.ids == [call[2].id, call[0].id, call[2].id, later[0].id, later[2].id])

        do {
            _ = try await EventConsole.replay(runner: runner, log: log, consumer: "nobody", after: 0, through: nil)
            Issue.record("an unknown consumer was accepted")
        } catch let error as EventConsole.Failure {
            #expect(error.description == "no event consumer named \"nobody\"; known consumers: call-watcher, customer-watcher")
        }
        #expect(calls.ids.count == 5 && other.ids.isEmpty)
    }

    @Test func replayCommandNamesTheAppsConsumersWhenTheNameIsUnknown() async throws {
        let directory = try TemporaryDirectory()
        let test = try await TestApp.make(in: directory)
        let names = test.services.eventConsumers.consumers.map(\.name)
        try test.services.database.close()

        let result = try Self.run(["events", "replay", "--consumer", "no-such-consumer", "--after", "0",
                                   "--db", directory.path("frontdesk.sqlite"), "--model-dir", ServerTestPaths.modelDirectory])
        #expect(result.status != 0)
        #expect(result.stderr.contains("no event consumer named \"no-such-consumer\"; known consumers: "), "\(result.stderr)")
        for name in names { #expect(result.stderr.contains(name)) }
        if names.isEmpty { #expect(result.stderr.contains("none (this build registers no consumer)")) }

        let bad = try Self.run(["events", "replay", "--consumer", "x", "--after", "5", "--through", "2", "--db", directory.path("frontdesk.sqlite")])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--through must not be below --after"))
    }
}

/// Lines of a child's output as they arrive (read on FileHandle's own background queue).
final class LineReader: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = ""
    private var ended = false

    init(_ handle: FileHandle) {
        handle.readabilityHandler = { [self] handle in
            let data = handle.availableData
            lock.withLock {
                if data.isEmpty { ended = true } else { buffer += String(decoding: data, as: UTF8.self) }
            }
            if data.isEmpty { handle.readabilityHandler = nil }
        }
    }

    /// The next line, waiting up to `timeout` seconds.
    func line(timeout: TimeInterval = 20) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let (line, ended, rest) = lock.withLock { () -> (String?, Bool, String) in
                guard let end = buffer.firstIndex(of: "\n") else { return (nil, self.ended, buffer) }
                let line = String(buffer[..<end])
                buffer = String(buffer[buffer.index(after: end)...])
                return (line, self.ended, buffer)
            }
            if let line { return line }
            if ended { throw LiveServerError("output ended; have \(rest)") }
            guard Date() < deadline else { throw LiveServerError("no line within \(timeout) s; have \(rest)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
