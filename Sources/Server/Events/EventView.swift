import Events
import Foundation

/// One event as the API shows it (`GET /v1/events`, each `data:` line of `GET /v1/events/stream`, and
/// `frontdesk events tail --json`): `{"id", "stream", "sequence", "type", "created_at", "payload": {…}}`, the
/// payload embedded as the JSON object it is stored as.
struct EventView: Encodable, Sendable {
    let id: Int64
    let stream: String
    let sequence: Int64
    let type: String
    /// ISO 8601 with milliseconds, UTC (events of one call are often less than a second apart).
    let createdAt: String
    let payload: JSONValue
    /// The business's slug, for operator tools that read every business's events; never set on tenant routes.
    let business: String?

    init(_ event: StoredEvent, business: String? = nil) {
        id = event.id
        stream = event.stream.rawValue
        sequence = event.sequence
        type = event.type.rawValue
        createdAt = Self.timestamp(event.createdAt)
        // A payload that is not JSON (never written by FrontDesk) is shown as the string it is, not dropped.
        payload = JSONValue(json: event.payload) ?? .string(event.payload)
        self.business = business
    }

    enum CodingKeys: String, CodingKey {
        case id, stream, sequence, type, payload, business
        case createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(stream, forKey: .stream)
        try container.encode(sequence, forKey: .sequence)
        try container.encode(type, forKey: .type)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(payload, forKey: .payload)
        try container.encodeIfPresent(business, forKey: .business)
    }

    /// `2026-11-03T10:15:02.123Z`. Rounded to the millisecond here, because Foundation's ISO 8601 style truncates
    /// and a stored `.123` reads back as the double `.12299999…`, which it would print as `.122`.
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        // Floor division, so times before 1970 keep a fraction in 0…999.
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let fraction = milliseconds - seconds * 1000
        let whole = Date(timeIntervalSince1970: TimeInterval(seconds))
            .formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .omitted))
        // `whole` ends in "Z" (the style's default zone is UTC).
        return String(whole.dropLast()) + "." + String(String(fraction + 1000).dropFirst()) + "Z"
    }

    /// Compact JSON on one line (an SSE `data:` line must not contain a line break; JSON escapes them in strings).
    /// Keys are written as named here: no key strategy touches the payload's own keys.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    func json() -> String {
        // Strings, integers and finite doubles (the payload came from JSON): encoding cannot fail.
        String(decoding: try! Self.encoder.encode(self), as: UTF8.self)
    }
}

/// A page of `GET /v1/events`: `next_after` is the last id when the page is full (pass it as `after`), null when
/// the log has nothing more right now.
struct EventPage: Encodable {
    let events: [EventView]
    let nextAfter: Int64?

    enum CodingKeys: String, CodingKey {
        case events
        case nextAfter = "next_after"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(events, forKey: .events)
        try container.encode(nextAfter, forKey: .nextAfter)
    }
}
