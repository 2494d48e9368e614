import Foundation

/// The typed body of one kind of event. Stored as JSON (snake_case keys, sorted) in `events.payload`; new
/// optional fields may be added, existing ones are never renamed (old rows must still decode).
public protocol EventPayload: Codable, Sendable, Equatable {
    /// The event type this payload is stored under by default.
    static var type: EventType { get }
    /// Every event type stored with this payload (one payload serves `sms.queued`, `sms.sent` and `sms.failed`).
    static var types: Set<EventType> { get }
}

extension EventPayload {
    public static var types: Set<EventType> { [type] }
}

/// An event about to be appended: it gets its id, sequence and time from the log, in the same transaction as the
/// change it describes.
public struct EventDraft: Sendable, Equatable {
    /// Nil only for events that belong to no business (a job without one that failed for good).
    public var businessId: String?
    public var stream: EventStream
    public var type: EventType
    /// JSON object.
    public var payload: String

    /// - Parameter type: one of `P.types`; `P.type` when omitted.
    public init<P: EventPayload>(businessId: String?, stream: EventStream, type: EventType? = nil, _ payload: P) {
        let type = type ?? P.type
        precondition(P.types.contains(type), "\(P.self) is not stored as \(type.rawValue)")
        self.businessId = businessId
        self.stream = stream
        self.type = type
        self.payload = EventCoding.encode(payload)
    }
}

/// An event as stored in the log.
public struct StoredEvent: Sendable, Equatable, Codable {
    /// Monotonic over the whole log: the order of commits. Consumers' checkpoints and `Last-Event-ID` are ids.
    public var id: Int64
    public var businessId: String?
    public var stream: EventStream
    /// 1, 2, 3 … within the stream.
    public var sequence: Int64
    public var type: EventType
    /// JSON object (see the payload type of `type`).
    public var payload: String
    public var createdAt: Date

    public init(id: Int64, businessId: String?, stream: EventStream, sequence: Int64, type: EventType,
                payload: String, createdAt: Date) {
        self.id = id
        self.businessId = businessId
        self.stream = stream
        self.sequence = sequence
        self.type = type
        self.payload = payload
        self.createdAt = createdAt
    }

    /// The payload as its type; throws `EventCoding.WrongType` when the event is of another type.
    public func decode<P: EventPayload>(_ type: P.Type) throws -> P {
        guard P.types.contains(self.type) else { throw EventCoding.WrongType(expected: P.type, actual: self.type) }
        return try EventCoding.decode(type, from: payload)
    }
}

/// One JSON shape for every payload: snake_case keys, sorted, ISO-8601 dates with fractional seconds.
public enum EventCoding {
    public struct WrongType: Error, CustomStringConvertible {
        public let expected: EventType
        public let actual: EventType
        public var description: String { "expected a \(expected.rawValue) event, got \(actual.rawValue)" }
    }

    public static func encode<P: Encodable>(_ payload: P) -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true)
                .timeZone(separator: .omitted)))
        }
        // Payloads are plain structs of strings, numbers and dates: encoding cannot fail.
        return String(decoding: try! encoder.encode(payload), as: UTF8.self)
    }

    public static func decode<P: Decodable>(_ type: P.Type, from json: String) throws -> P {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            if let date = try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)
                .timeZone(separator: .omitted)) { return date }
            if let date = try? Date(text, strategy: .iso8601) { return date }
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an ISO-8601 date: \(text)"))
        }
        return try decoder.decode(type, from: Data(json.utf8))
    }
}
