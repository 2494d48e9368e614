/// The stream an event belongs to: `call:CA…`, `customer:…`, `knowledge:…`, `job:…`, `ticket:…`, `vendor:…`,
/// `campaign:…`, `do_not_call:…`, `conversation:…`. Events of one stream are numbered 1, 2, 3 … in commit order (`sequence`), so a reader can
/// rebuild the history of one thing from its stream alone.
public struct EventStream: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public static func call(_ sid: String) -> EventStream { .init(rawValue: "call:\(sid)") }
    public static func customer(_ id: String) -> EventStream { .init(rawValue: "customer:\(id)") }
    public static func knowledge(businessId: String) -> EventStream { .init(rawValue: "knowledge:\(businessId)") }
    public static func job(_ id: Int64) -> EventStream { .init(rawValue: "job:\(id)") }
    /// A maintenance ticket: opened, edited, every state change.
    public static func ticket(_ id: String) -> EventStream { .init(rawValue: "ticket:\(id)") }
    /// A maintenance vendor: added, changed, removed.
    public static func vendor(_ id: String) -> EventStream { .init(rawValue: "vendor:\(id)") }
    /// An outbound calling campaign: created, edited, its state changes, its recipients and their attempts.
    public static func campaign(_ id: String) -> EventStream { .init(rawValue: "campaign:\(id)") }
    /// The business's do-not-call list: numbers added and removed.
    public static func doNotCall(businessId: String) -> EventStream { .init(rawValue: "do_not_call:\(businessId)") }
    /// A web chat widget conversation: started, each message and reply, emergencies, leads, its end.
    public static func conversation(_ id: String) -> EventStream { .init(rawValue: "conversation:\(id)") }
    /// Texts to the business's owner (alerts), which belong to no customer.
    public static func owner(businessId: String) -> EventStream { .init(rawValue: "owner:\(businessId)") }

    /// The part after the first colon: the call's sid, the customer's id …
    public var id: String { String(rawValue.drop { $0 != ":" }.dropFirst()) }

    /// The kind of thing the stream is about (`call`, `customer`, …): the part before the first colon.
    public var kind: String { String(rawValue.prefix { $0 != ":" }) }

    public var description: String { rawValue }

    /// Stream names are short ASCII (`kind:id`); anything else in a filter is refused by the API.
    public static func isValid(_ raw: String) -> Bool {
        guard (3...200).contains(raw.utf8.count), let colon = raw.firstIndex(of: ":"), colon != raw.startIndex,
              raw.index(after: colon) != raw.endIndex else { return false }
        return raw.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}
