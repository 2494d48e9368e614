import Foundation
import Receptionist

/// The Call resource Twilio answers a create with (the fields FrontDesk keeps).
public struct CreatedCall: Sendable, Equatable {
    /// `CA` and 32 hex digits.
    public var sid: String
    public var accountSid: String
    /// Twilio's `status` as sent (normally `queued`).
    public var statusText: String
    public var to: String
    public var from: String
    /// `outbound-api` for a call created through the API.
    public var direction: String?
    /// `date_created` (RFC 2822, GMT).
    public var dateCreated: Date?

    public init(sid: String, accountSid: String, statusText: String, to: String, from: String,
                direction: String? = nil, dateCreated: Date? = nil) {
        self.sid = sid
        self.accountSid = accountSid
        self.statusText = statusText
        self.to = to
        self.from = from
        self.direction = direction
        self.dateCreated = dateCreated
    }

    /// The status as a ``CallStatus``; nil for a value this version does not know (the call was still created).
    public var status: CallStatus? { CallStatus(rawValue: statusText) }
}

extension CreatedCall: Decodable {
    enum CodingKeys: String, CodingKey {
        case sid, status, to, from, direction
        case accountSid = "account_sid"
        case dateCreated = "date_created"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sid = try container.decode(String.self, forKey: .sid)
        accountSid = try container.decodeIfPresent(String.self, forKey: .accountSid) ?? ""
        statusText = try container.decode(String.self, forKey: .status)
        to = try container.decodeIfPresent(String.self, forKey: .to) ?? ""
        from = try container.decodeIfPresent(String.self, forKey: .from) ?? ""
        direction = try container.decodeIfPresent(String.self, forKey: .direction)
        dateCreated = try container.decodeIfPresent(String.self, forKey: .dateCreated).flatMap(TwilioRESTClient.httpDate)
    }
}
