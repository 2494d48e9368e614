import CoreMetrics
import Events
import Foundation
import HTTPTypes
import Hummingbird

/// `GET /v1/events` (the audit log, keyset-paged) and `GET /v1/events/stream` (the same events live, as
/// Server-Sent Events) for the business of the `X-API-Key`. Every read is scoped to that business by the log
/// itself (`EventQuery.businessId`): a stream filter naming another business's call finds nothing.
struct EventsController {
    let log: any EventLog
    let signal: EventSignal
    let metrics: any MetricsFactory
    /// The stream writes `: heartbeat` after this much silence (proxies and browsers drop quiet connections).
    var heartbeat: Duration = .seconds(15)
    /// The stream reads the log this often even without a wake-up (events written by another process).
    var pollInterval: Duration = .seconds(1)

    static let defaultLimit = 100
    static let maxLimit = 500

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(use: list)
        group.get("stream", use: stream)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let query = request.uri.queryParameters
        let filter = try Self.filter(query)
        let after = try Self.eventId(query["after"].map(String.init), name: "after") ?? 0
        let limit = try Self.limit(query["limit"].map(String.init))
        let events = try await log.events(filter.query(businessId: business.id, after: after, limit: limit))
        let next = events.count == limit ? events.last?.id : nil
        return try JSONResponse.make(EventPage(events: events.map { EventView($0) }, nextAfter: next))
    }

    @Sendable func stream(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let query = request.uri.queryParameters
        let filter = try Self.filter(query)
        let start = try Self.resumePosition(request) ?? 0
        let session = EventStreamSession(log: log, signal: signal, businessId: business.id, filter: filter,
                                         heartbeat: heartbeat, pollInterval: pollInterval)
        return EventStreamResponse.make(request, context: context, metrics: metrics) { write in
            try await session.run(after: start, write: write)
        }
    }

    // MARK: Parameters

    static func filter(_ query: Parameters) throws -> EventFilter {
        do throws(EventFilter.Invalid) {
            return try EventFilter.parse(stream: query["stream"].map { String($0) }, types: query.getAll("type").map { String($0) })
        } catch {
            throw AppError(.badRequest, code: error.field == "type" ? "unknown_event_type" : "invalid_parameter",
                           message: error.description)
        }
    }

    /// Where a live stream resumes: the `Last-Event-ID` header, else `?after=`; nil when neither is given. A
    /// reconnecting EventSource sends the last id it saw, which wins over the `after` of the original URL.
    static func resumePosition(_ request: Request) throws -> Int64? {
        try eventId(request.headers[.lastEventID], name: "Last-Event-ID")
            ?? eventId(request.uri.queryParameters["after"].map(String.init), name: "after")
    }

    /// An event id (`after`, `Last-Event-ID`): a non-negative integer; nil when absent or empty (an empty
    /// `Last-Event-ID` means "no event yet" in the SSE spec).
    static func eventId(_ text: String?, name: String) throws -> Int64? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let value = Int64(text), value >= 0 else {
            throw AppError(.badRequest, code: "invalid_parameter", message: "\(name) must be an event id (an integer ≥ 0)")
        }
        return value
    }

    static func limit(_ text: String?) throws -> Int {
        guard let text else { return defaultLimit }
        guard let value = Int(text), (1...maxLimit).contains(value) else {
            throw AppError(.badRequest, code: "invalid_parameter", message: "limit must be an integer between 1 and \(maxLimit)")
        }
        return value
    }
}

extension HTTPField.Name {
    /// The SSE reconnection header (the `id:` of the last event the client received).
    static let lastEventID = Self("Last-Event-ID")!
}

extension AppMetrics.Name {
    /// Gauge of open live event streams: `GET /v1/events/stream` and `GET /v1/calls/{sid}/live` connections.
    public static let eventStreamsOpen = "frontdesk_event_streams_open"
}
