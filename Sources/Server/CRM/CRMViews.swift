import Foundation

/// A customer as the API returns it: every field present, null when unset.
struct CustomerView: Encodable {
    let customer: Customer

    enum CodingKeys: String, CodingKey {
        case id, name, phone, email, address, notes, smsOptOut, smsOptOutAt, createdAt, updatedAt
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(customer.id, forKey: .id)
        try c.encode(customer.name, forKey: .name)
        try c.encode(customer.phone, forKey: .phone)
        try c.encode(customer.email, forKey: .email)
        try c.encode(customer.address, forKey: .address)
        try c.encode(customer.notes, forKey: .notes)
        try c.encode(customer.smsOptOut, forKey: .smsOptOut)
        try c.encode(customer.smsOptOutAt, forKey: .smsOptOutAt)
        try c.encode(customer.createdAt, forKey: .createdAt)
        try c.encode(customer.updatedAt, forKey: .updatedAt)
    }
}

/// An appointment as the API returns it: `start` and `end` in the business's time zone with its UTC offset
/// ("2025-06-03T09:00:00-05:00"), and that zone's name.
struct AppointmentView: Encodable {
    let appointment: Appointment
    let timeZone: TimeZone

    enum CodingKeys: String, CodingKey {
        case id, customerId, start, end, timeZone, service, status, isEmergency, notes, sourceCallSid, createdAt, updatedAt
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(appointment.id, forKey: .id)
        try c.encode(appointment.customerId, forKey: .customerId)
        try c.encode(LocalDateTime.format(appointment.startAt, in: timeZone), forKey: .start)
        try c.encode(LocalDateTime.format(appointment.endAt, in: timeZone), forKey: .end)
        try c.encode(timeZone.identifier, forKey: .timeZone)
        try c.encode(appointment.service, forKey: .service)
        try c.encode(appointment.status, forKey: .status)
        try c.encode(appointment.isEmergency, forKey: .isEmergency)
        try c.encode(appointment.notes, forKey: .notes)
        try c.encode(appointment.sourceCallSid, forKey: .sourceCallSid)
        try c.encode(appointment.createdAt, forKey: .createdAt)
        try c.encode(appointment.updatedAt, forKey: .updatedAt)
    }
}

struct MessageView: Encodable {
    let id: Int64
    let conversationId: String
    let direction: MessageDirection
    let body: String
    let createdAt: Date
    /// The knowledge a reply cited (web replies); absent when it cited nothing.
    let sources: [MessageSource]?

    init(_ message: ConversationMessage) {
        id = message.id ?? 0
        conversationId = message.conversationId
        direction = message.direction
        body = message.body
        createdAt = message.createdAt
        sources = message.sources
    }
}

struct ConversationView: Encodable {
    let id: String
    /// Null for a web conversation whose visitor has not left a phone number.
    let customerId: String?
    let channel: ConversationChannel
    let callSid: String?
    let createdAt: Date
    let updatedAt: Date
    let messages: [MessageView]

    enum CodingKeys: String, CodingKey { case id, customerId, channel, callSid, createdAt, updatedAt, messages }

    init(_ conversation: Conversation, messages: [ConversationMessage]) {
        id = conversation.id
        customerId = conversation.customerId
        channel = conversation.channel
        callSid = conversation.callSid
        createdAt = conversation.createdAt
        updatedAt = conversation.updatedAt
        self.messages = messages.map(MessageView.init)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(customerId, forKey: .customerId)
        try c.encode(channel, forKey: .channel)
        try c.encode(callSid, forKey: .callSid)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(messages, forKey: .messages)
    }
}

/// One timeline entry: `{"type": "call" | "message" | "appointment", "at": …, <type>: {…}}`.
struct TimelineItemView: Encodable {
    let item: TimelineItem
    let timeZone: TimeZone

    enum CodingKeys: String, CodingKey { case type, at, call, message, appointment, channel }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(item.at, forKey: .at)
        switch item {
        case .call(let call):
            try c.encode("call", forKey: .type)
            try c.encode(CallSummary(call), forKey: .call)
        case .message(let message, let channel):
            try c.encode("message", forKey: .type)
            try c.encode(channel, forKey: .channel)
            try c.encode(MessageView(message), forKey: .message)
        case .appointment(let appointment):
            try c.encode("appointment", forKey: .type)
            try c.encode(AppointmentView(appointment: appointment, timeZone: timeZone), forKey: .appointment)
        }
    }
}

/// Date-times in a business's time zone.
enum LocalDateTime {
    /// "2025-06-03T09:00:00-05:00" ("Z" in UTC).
    static func format(_ date: Date, in timeZone: TimeZone) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = timeZone
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// Reads "2025-06-03T09:00:00-05:00" / "…Z" (an instant) or "2025-06-03T09:00[:00]" (wall-clock time in
    /// `timeZone`). A wall-clock time that does not exist there (skipped by a DST jump) is nil, like any other
    /// malformed text.
    static func parse(_ text: String, in timeZone: TimeZone) -> Date? {
        guard let match = text.wholeMatch(of: /(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?/) else {
            return nil
        }
        guard let year = Int(match.1), let month = Int(match.2), let day = Int(match.3), let hour = Int(match.4),
              let minute = Int(match.5), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60
        else { return nil }
        let second = match.6.flatMap { Int($0) } ?? 0
        guard second < 60 else { return nil }
        var zone = timeZone
        if let offset = match.7 {
            if offset == "Z" {
                zone = TimeZone(identifier: "UTC")!
            } else {
                let digits = offset.dropFirst().filter(\.isNumber)
                guard let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)), minutes < 60 else { return nil }
                let seconds = (hours * 3600 + minutes * 60) * (offset.hasPrefix("-") ? -1 : 1)
                guard let fixed = TimeZone(secondsFromGMT: seconds) else { return nil }
                zone = fixed
            }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components) else { return nil }
        // Round trip: rejects 31 February and wall times a DST jump skips.
        let back = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        guard back.year == year, back.month == month, back.day == day, back.hour == hour, back.minute == minute,
              back.second == second
        else { return nil }
        return date
    }
}
