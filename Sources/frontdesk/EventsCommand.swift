import ArgumentParser
import Events
import Foundation
import Logging
import Server

struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Read, replay and prune the event log (the audit trail; see docs/events.md).",
        subcommands: [EventsTailCommand.self, EventsReplayCommand.self, EventsPruneCommand.self]
    )
}

/// `--db` for the commands that need only the database (no model).
struct EventsDatabaseOptions: ParsableArguments {
    @Option(help: "SQLite database file (env FRONTDESK_DB; default ./frontdesk.sqlite).")
    var db: String?

    func open() throws -> EventConsole {
        var config: AppConfig
        do { config = try AppConfig(environment: ProcessInfo.processInfo.environment) } catch { throw ValidationError("\(error)") }
        if let db { config.databasePath = db }
        do {
            return try EventConsole.open(databasePath: config.databasePath)
        } catch let error as EventConsole.Failure {
            throw ValidationError(error.description)
        }
    }
}

struct EventsTailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print events, one per line: id, time (UTC), business, stream#sequence, type, payload.",
        discussion: """
            Without --after, the last --last events that match; with --after ID, every matching event after that id. \
            --follow then keeps printing new events as they are committed (it polls every second) until Ctrl-C.
            Known types: \(EventFilter.knownTypes).
            """
    )

    @OptionGroup var database: EventsDatabaseOptions

    @Option(help: "Only this business's events (its slug); default every business.")
    var business: String?

    @Option(help: "Only this stream (call:CA…, customer:<id>, knowledge:<business id>, job:<id>, ticket:<id>, vendor:<id>).")
    var stream: String?

    @Option(name: .customLong("type"), help: "Only this event type (repeatable, or comma-separated).")
    var types: [String] = []

    @Option(help: "Start after this event id.")
    var after: Int64?

    @Option(help: "Without --after: how many of the newest matching events to print first.")
    var last: Int = 20

    @Flag(help: "Keep printing new events until interrupted.")
    var follow = false

    @Flag(help: "One JSON object per line (the API's event object with `business`).")
    var json = false

    func validate() throws {
        if let after, after < 0 { throw ValidationError("--after must be an event id (≥ 0)") }
        guard last >= 0 else { throw ValidationError("--last must be ≥ 0") }
    }

    func run() async throws {
        let filter: EventFilter
        do throws(EventFilter.Invalid) {
            filter = try EventFilter.parse(stream: stream, types: types)
        } catch {
            throw ValidationError(error.description)
        }
        let console = try database.open()
        defer { try? console.close() }
        var scope: Business?
        if let business {
            guard let found = try await console.business(slug: business) else {
                throw ValidationError("no business with slug \"\(business)\"")
            }
            scope = found
        }
        var slugs: [String: String] = [:]
        func slug(_ id: String?) async throws -> String? {
            guard let id else { return nil }
            if let known = slugs[id] { return known }
            let found = try await console.business(id: id)?.slug ?? id
            slugs[id] = found
            return found
        }
        func emit(_ events: [StoredEvent]) async throws {
            guard !events.isEmpty else { return }
            var text = ""
            for event in events {
                let name = try await slug(event.businessId)
                text += (json ? EventConsole.json(event, business: name) : EventConsole.line(event, business: name)) + "\n"
            }
            // Written at once and unbuffered: a pipe (`| grep`) sees each batch as it comes.
            FileHandle.standardOutput.write(Data(text.utf8))
        }

        var position: Int64
        if let after {
            position = after
            while true {
                let batch = try await console.events(filter, business: scope, after: position)
                try await emit(batch)
                guard let last = batch.last else { break }
                position = last.id
            }
        } else {
            let newest = try await console.lastEventId()
            let events = try await console.latest(filter, business: scope, count: last)
            try await emit(events)
            position = max(newest, events.last?.id ?? 0)
        }
        guard follow else { return }
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(1))
            while true {
                let batch = try await console.events(filter, business: scope, after: position)
                try await emit(batch)
                guard let last = batch.last else { break }
                position = last.id
            }
        }
    }
}

struct EventsReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Hand one consumer the events after an id again (its checkpoint does not move).",
        discussion: """
            Loads the application as `serve` does (model and database; no HTTP server) and re-delivers the events \
            with ids after --after up to --through (default: the consumer's checkpoint, i.e. what it has already \
            handled) to the named consumer. Consumers are idempotent, so a replay repairs what a fixed handler got \
            wrong and otherwise changes nothing. It may run while the server runs.
            """
    )

    @OptionGroup var console: ConsoleOptions

    @Option(help: "The consumer's name (an unknown name lists the known ones).")
    var consumer: String

    @Option(help: "Re-deliver the events after this id.")
    var after: Int64

    @Option(help: "Up to and including this id (default: the consumer's checkpoint).")
    var through: Int64?

    func validate() throws {
        guard after >= 0 else { throw ValidationError("--after must be an event id (≥ 0)") }
        if let through, through < after { throw ValidationError("--through must not be below --after") }
    }

    func run() async throws {
        var config: AppConfig
        do { config = try AppConfig(environment: ProcessInfo.processInfo.environment) } catch { throw ValidationError("\(error)") }
        if let directory = console.model.modelDirectory { config.modelDirectory = directory }
        if let db = console.db { config.databasePath = db }
        var logger = Logger(label: "frontdesk")
        logger.logLevel = .error
        let events: EventConsole
        do {
            events = try await EventConsole.openServices(config, logger: logger)
        } catch let error as EventConsole.Failure {
            throw ValidationError(error.description)
        } catch let error as StartupError {
            throw ValidationError(error.description)
        }
        defer { try? events.close() }
        do {
            let replay = try await events.replay(consumer: consumer, after: after, through: through)
            if replay.through <= replay.after {
                print("nothing to re-deliver: \(consumer) has handled events up to \(replay.through) only (pass --through to go further)")
            } else {
                print("re-delivered \(replay.delivered) event\(replay.delivered == 1 ? "" : "s") to \(consumer) (ids \(replay.after + 1)…\(replay.through))")
            }
        } catch let error as EventConsole.Failure {
            throw ValidationError(error.description)
        }
    }
}

struct EventsPruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete events created before a date (events are the audit trail: prune only what you must).",
        discussion: """
            Kept whatever their age: events not yet handled by every consumer (after the smallest checkpoint), and \
            each stream's newest event (so the stream's numbering continues). Safe while the server runs.
            """
    )

    @OptionGroup var database: EventsDatabaseOptions

    @Option(help: "YYYY-MM-DD (midnight UTC) or an ISO 8601 date-time.")
    var before: String

    func run() async throws {
        guard let date = EventConsole.pruneDate(before) else {
            throw ValidationError("--before must be a date (2026-01-31) or an ISO 8601 date-time, not \"\(before)\"")
        }
        let console = try database.open()
        defer { try? console.close() }
        let prune = try await console.prune(before: date)
        print("deleted \(prune.deleted) event\(prune.deleted == 1 ? "" : "s") created before \(date.formatted(.iso8601))")
        if let slowest = prune.checkpoints.min(by: { $0.value < $1.value }) {
            print("kept: events after \(slowest.value) (not yet handled by every consumer; \(slowest.key) is the furthest behind) and each stream's newest event")
        } else {
            print("kept: every event, because no consumer has recorded a checkpoint yet (events are pruned only once every consumer has handled them), and each stream's newest event")
        }
    }
}
