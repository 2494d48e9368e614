import Foundation
import Events

/// Which events a reader wants, as the API's `stream` and `type` parameters and `frontdesk events tail`'s
/// `--stream` and `--type` give them.
public struct EventFilter: Sendable, Equatable {
    public var stream: EventStream?
    /// Nil for every type.
    public var types: Set<EventType>?

    public init(stream: EventStream? = nil, types: Set<EventType>? = nil) {
        self.stream = stream
        self.types = types
    }

    /// Why a filter was refused; `description` names the bad value and what would be accepted.
    public struct Invalid: Error, CustomStringConvertible {
        public let field: String
        public let description: String
    }

    /// - Parameters:
    ///   - stream: a stream name (`call:CA…`, `customer:…`); nil or empty for every stream.
    ///   - types: each value one type or several separated by commas (`call.started,call.ended`); empty pieces
    ///     are ignored; no types at all means every type.
    public static func parse(stream: String?, types: [String]) throws(Invalid) -> EventFilter {
        var filter = EventFilter()
        if let stream, !stream.isEmpty {
            guard EventStream.isValid(stream) else {
                throw Invalid(field: "stream", description: "stream \"\(stream.prefix(200))\" is not a stream name (kind:id, e.g. call:CA…, customer:…)")
            }
            filter.stream = EventStream(rawValue: stream)
        }
        var parsed = Set<EventType>()
        for value in types {
            for piece in value.split(separator: ",") {
                let name = piece.trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty else { continue }
                guard let type = EventType(rawValue: name) else {
                    throw Invalid(field: "type", description: "unknown event type \"\(name.prefix(100))\"; known types: \(knownTypes)")
                }
                parsed.insert(type)
            }
        }
        if !parsed.isEmpty { filter.types = parsed }
        return filter
    }

    /// Every event type, comma-separated, for error messages and help.
    public static var knownTypes: String { EventType.allCases.map(\.rawValue).joined(separator: ", ") }

    /// The query for this filter after `after`.
    func query(businessId: String?, after: Int64, limit: Int) -> EventQuery {
        EventQuery(businessId: businessId, after: after, stream: stream, types: types, limit: limit)
    }
}
