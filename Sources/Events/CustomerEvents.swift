import Foundation

/// A customer row was made (from a call, a lead, a text or the API).
public struct CustomerCreated: EventPayload {
    public static let type = EventType.customerCreated
    public var customerId: String
    public var phone: String
    public var name: String?
    /// `call`, `lead`, `sms`, `api`.
    public var source: String
    public init(customerId: String, phone: String, name: String?, source: String) {
        self.customerId = customerId
        self.phone = phone
        self.name = name
        self.source = source
    }
}

/// A customer stopped (STOP, Twilio's 21610, the API) or resumed (START) texts.
public struct CustomerOptChanged: EventPayload {
    public static let type = EventType.customerOptedOut
    public static let types: Set<EventType> = [.customerOptedOut, .customerOptedIn]
    public var customerId: String
    public var optedOut: Bool
    /// `keyword`, `carrier`, `api`.
    public var via: String
    public init(customerId: String, optedOut: Bool, via: String) {
        self.customerId = customerId
        self.optedOut = optedOut
        self.via = via
    }

    /// `customer.opted_out` or `customer.opted_in`.
    public var eventType: EventType { optedOut ? .customerOptedOut : .customerOptedIn }
}

/// An appointment was booked (`appointment.booked`) or changed (`appointment.changed`: time, status, …).
public struct AppointmentRecorded: EventPayload {
    public static let type = EventType.appointmentBooked
    public static let types: Set<EventType> = [.appointmentBooked, .appointmentChanged]
    public var appointmentId: String
    public var customerId: String
    public var startAt: Date
    public var endAt: Date
    public var status: String
    public var service: String?
    public var isEmergency: Bool
    /// The call that booked it, if one did.
    public var callSid: String?
    public init(appointmentId: String, customerId: String, startAt: Date, endAt: Date, status: String,
                service: String?, isEmergency: Bool, callSid: String?) {
        self.appointmentId = appointmentId
        self.customerId = customerId
        self.startAt = startAt
        self.endAt = endAt
        self.status = status
        self.service = service
        self.isEmergency = isEmergency
        self.callSid = callSid
    }
}

/// A text arrived from a customer.
public struct SMSReceived: EventPayload {
    public static let type = EventType.smsReceived
    public var customerId: String
    public var conversationId: String
    public var from: String
    public var body: String
    public var messageSid: String
    /// `opt_out`, `opt_in`, `help`, or nil for an ordinary message.
    public var keyword: String?
    public init(customerId: String, conversationId: String, from: String, body: String, messageSid: String,
                keyword: String?) {
        self.customerId = customerId
        self.conversationId = conversationId
        self.from = from
        self.body = body
        self.messageSid = messageSid
        self.keyword = keyword
    }
}

/// A text was queued, sent, or given up on (`sms.queued`, `sms.sent`, `sms.failed`).
public struct SMSDeliveryChanged: EventPayload {
    public static let type = EventType.smsQueued
    public static let types: Set<EventType> = [.smsQueued, .smsSent, .smsFailed]
    public var outboxId: Int64
    public var to: String
    /// `customer` or `owner`.
    public var kind: String
    public var twilioSid: String?
    public var error: String?
    public init(outboxId: Int64, to: String, kind: String, twilioSid: String? = nil, error: String? = nil) {
        self.outboxId = outboxId
        self.to = to
        self.kind = kind
        self.twilioSid = twilioSid
        self.error = error
    }
}

/// The knowledge base changed; `kbVersion` is the business's counter after the change (it rises by one with every
/// knowledge write), so a reader that saw version N knows whether it has seen this one.
public struct KnowledgeChanged: EventPayload {
    public static let type = EventType.knowledgeChanged
    public var kbVersion: Int64
    /// `upsert`, `delete`, `import`.
    public var operation: String
    public var entryIds: [String]
    public init(kbVersion: Int64, operation: String, entryIds: [String]) {
        self.kbVersion = kbVersion
        self.operation = operation
        self.entryIds = entryIds
    }
}

/// A background job failed for good (no retry left, or a permanent error).
public struct JobFailed: EventPayload {
    public static let type = EventType.jobFailed
    public var jobId: Int64
    public var kind: String
    public var attempts: Int
    public var error: String
    public init(jobId: Int64, kind: String, attempts: Int, error: String) {
        self.jobId = jobId
        self.kind = kind
        self.attempts = attempts
        self.error = error
    }
}

/// A tenant's maintenance report by text is waiting for their answer to `reply` (on the customer's stream). The
/// draft so far is `pending` (the receptionist's `MaintenanceTextIntake.Pending`, as JSON); `messageSid` is the
/// text this step answered, so a redelivered text is recognised.
public struct TextIntakePending: EventPayload {
    public static let type = EventType.textIntakePending
    public var messageSid: String
    public var pending: String
    public var reply: String
    public init(messageSid: String, pending: String, reply: String) {
        self.messageSid = messageSid
        self.pending = pending
        self.reply = reply
    }
}

/// A tenant's maintenance report by text ended: `opened` (`ticketId`) or `unresolved` (a person follows up).
public struct TextIntakeEnded: EventPayload {
    public static let type = EventType.textIntakeEnded
    public var messageSid: String
    public var outcome: String
    public var ticketId: String?
    public var reply: String
    public init(messageSid: String, outcome: String, ticketId: String?, reply: String) {
        self.messageSid = messageSid
        self.outcome = outcome
        self.ticketId = ticketId
        self.reply = reply
    }
}
