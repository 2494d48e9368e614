import Campaigns
import CoreMetrics
import Events
import Foundation
import Hummingbird

/// Watching one thing as it happens: `GET /v1/calls/{sid}/live` (Server-Sent Events) for the business of the
/// `X-API-Key`. A snapshot of the thing first, then its events from the log as they are committed (the frames of
/// `GET /v1/events/stream`), heartbeats, and a clean end after its last event.
///
/// A watch is a snapshot read, a filter over the log and the event types that end it (``watch(_:context:session:snapshot:)``),
/// so a campaign's (`GET /v1/campaigns/{id}/live`: its counters, then the events of `campaign:<id>` and of its calls)
/// is the same code with another snapshot and filter.
struct LiveController {
    let log: any EventLog
    let signal: EventSignal
    let metrics: any MetricsFactory
    let calls: any CallRepository
    /// For `GET /v1/campaigns/{id}/live`.
    var campaigns: (any CampaignRepository)? = nil
    /// The clock the campaign counters' pace and time left are read at (the application's; tests inject theirs).
    var now: @Sendable () -> Date = Date.init
    /// As ``EventsController``'s: a `: heartbeat` comment after this much silence.
    var heartbeat: Duration = .seconds(15)
    /// The log is read this often without a wake-up (events written by another process).
    var pollInterval: Duration = .seconds(1)

    /// The name of the snapshot frame's `event:` field.
    static let snapshotEvent = "snapshot"

    func addRoutes(calls group: RouterGroup<AppRequestContext>) {
        group.get(":sid/live", use: call)
    }

    /// One call, inbound or outbound: the snapshot is `GET /v1/calls/{sid}`'s body (the call, every turn so far in
    /// order, its leads); then the events of `call:<sid>` up to and including `call.ended`.
    @Sendable func call(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let sid = try context.parameters.require("sid")
        // 404 for an unknown or another business's call, as JSON, before a byte of the stream.
        let call = try await CallsController.call(calls, sid: sid, businessId: business.id)
        let session = session(businessId: business.id, filter: EventFilter(stream: .call(sid)), endTypes: [.callEnded])
        return try await watch(request, context: context, session: session) {
            // Read again: the call may have moved on since the check above.
            try await CallsController.detail(calls, sid: call.sid, businessId: business.id)
        }
    }

    func addRoutes(campaigns group: RouterGroup<AppRequestContext>) {
        group.get(":id/live", use: campaign)
    }

    /// One campaign: the snapshot is the campaign (as `GET /v1/campaigns/{id}`, its counters beside it) with its
    /// counters — recipients by state, how many are left, the answer rate, the recent pace and the time left at it
    /// (``CampaignCounters``) —; then every event of `campaign:<id>` (each
    /// attempt's start, CallSid, answer and end with its outcome, recipients deferred or suppressed, state changes)
    /// as it is committed. Each attempt's call is watched turn by turn with `GET /v1/calls/{sid}/live`. The stream
    /// stays open until the client leaves (a finished campaign simply has nothing more to send).
    @Sendable func campaign(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let id = try context.parameters.require("id")
        guard let campaigns, try await campaigns.get(id: id, businessId: business.id) != nil else {
            throw AppError(.notFound, code: "not_found", message: "no campaign \(id.prefix(64))")
        }
        let session = session(businessId: business.id, filter: EventFilter(stream: .campaign(id)), endTypes: [])
        return try await watch(request, context: context, session: session) {
            guard let campaign = try await campaigns.get(id: id, businessId: business.id) else {
                throw AppError(.notFound, code: "not_found", message: "no campaign \(id.prefix(64))")
            }
            let counts = try await campaigns.counts(campaignId: id, businessId: business.id)
            return CampaignLiveSnapshot(campaign: CampaignView(campaign: campaign, counts: counts),
                                        counters: try await CampaignCounters.read(campaigns, campaign, counts: counts, now: now()))
        }
    }

    func session(businessId: String, filter: EventFilter, endTypes: Set<EventType>) -> EventStreamSession {
        EventStreamSession(log: log, signal: signal, businessId: businessId, filter: filter, heartbeat: heartbeat,
                           pollInterval: pollInterval, endTypes: endTypes)
    }

    /// The stream of a watch. Without `Last-Event-ID` or `?after=`: a `snapshot` frame whose `id:` is the log
    /// position it is as of, then the session's events after it. With one (a reconnect): no snapshot, only the
    /// events after that id, so a client that kept what it received misses nothing and gets nothing twice. A
    /// watch whose end event is already behind its start position ends at once (after the snapshot, if any).
    /// The snapshot is read before the response starts, so its errors are JSON.
    func watch<Snapshot: Encodable>(_ request: Request, context: AppRequestContext, session: EventStreamSession,
                                    snapshot read: () async throws -> Snapshot) async throws -> Response {
        let opening: String?
        let position: Int64
        if let resume = try EventsController.resumePosition(request) {
            (opening, position) = (nil, resume)
        } else {
            let (snapshot, at) = try await session.snapshot(read)
            // JSONResponse's encoder writes one line: an SSE `data:` line holds no line break.
            let data = String(decoding: try JSONResponse.encoder.encode(snapshot), as: UTF8.self)
            (opening, position) = (EventStreamSession.frame(id: at, event: Self.snapshotEvent, data: data), at)
        }
        let ended = try await session.hasEnded(at: position)
        return EventStreamResponse.make(request, context: context, metrics: metrics) { write in
            if let opening { try await write(opening) }
            if !ended { try await session.run(after: position, write: write) }
        }
    }
}

/// The first frame of a campaign watch.
struct CampaignLiveSnapshot: Encodable {
    let campaign: CampaignView
    let counters: CampaignCounters
}
