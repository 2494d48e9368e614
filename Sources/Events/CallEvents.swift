import Foundation

/// Which way a call goes: a caller phoned the business (`inbound`), or FrontDesk phoned someone (`outbound`).
public enum CallDirection: String, Codable, Sendable, CaseIterable {
    case inbound, outbound
}

/// A call was answered (inbound) or created (outbound).
public struct CallStarted: EventPayload {
    public static let type = EventType.callStarted
    public var direction: CallDirection
    /// Twilio's `From` and `To`.
    public var from: String?
    public var to: String
    /// The other party: the caller of an inbound call, the callee of an outbound one.
    public var customerNumber: String?
    public init(direction: CallDirection, from: String?, to: String, customerNumber: String?) {
        self.direction = direction
        self.from = from
        self.to = to
        self.customerNumber = customerNumber
    }
}

/// One webhook's worth of conversation: what the caller said (if anything) and what the receptionist answered.
public struct CallTurnRecorded: EventPayload {
    public static let type = EventType.callTurn
    /// `started`, `speech`, `silence`, `transfer:<status>`.
    public var event: String
    public var callerText: String?
    public var reply: String
    /// The call's state after the turn.
    public var state: String
    /// Knowledge entries the reply cited.
    public var citedEntries: [String]
    public var declined: Bool
    public var latencyMs: Double?
    /// The business's `kb_version` the answering node's knowledge index reflected when it answered (absent when the
    /// reply cited nothing, or from a build that did not track it).
    public var kbVersion: Int64?
    public init(event: String, callerText: String?, reply: String, state: String, citedEntries: [String],
                declined: Bool, latencyMs: Double?, kbVersion: Int64? = nil) {
        self.kbVersion = kbVersion
        self.event = event
        self.callerText = callerText
        self.reply = reply
        self.state = state
        self.citedEntries = citedEntries
        self.declined = declined
        self.latencyMs = latencyMs
    }
}

/// Twilio reported a call status that is not final (`ringing`, `in-progress`, …), in `SequenceNumber` order.
public struct CallStatusChanged: EventPayload {
    public static let type = EventType.callStatus
    public var status: String
    public var sequenceNumber: Int?
    /// Answering-machine detection's verdict on an outbound call (`human`, `machine_start`, `fax` …), when this
    /// event reports it.
    public var answeredBy: String?
    public init(status: String, sequenceNumber: Int?, answeredBy: String? = nil) {
        self.status = status
        self.sequenceNumber = sequenceNumber
        self.answeredBy = answeredBy
    }
}

/// A transfer (`<Dial>`) finished.
public struct CallTransferred: EventPayload {
    public static let type = EventType.callTransferred
    /// Twilio's `DialCallStatus` (`completed`, `busy`, `no-answer`, `failed`, …).
    public var dialStatus: String
    public var connected: Bool
    public init(dialStatus: String, connected: Bool) {
        self.dialStatus = dialStatus
        self.connected = connected
    }
}

/// The call is over: Twilio's final status, what the call achieved and how long it took.
public struct CallEnded: EventPayload {
    public static let type = EventType.callEnded
    public var direction: CallDirection
    public var status: String
    public var outcome: String?
    public var durationSeconds: Int?
    public var isEmergency: Bool
    public init(direction: CallDirection, status: String, outcome: String?, durationSeconds: Int?, isEmergency: Bool) {
        self.direction = direction
        self.status = status
        self.outcome = outcome
        self.durationSeconds = durationSeconds
        self.isEmergency = isEmergency
    }
}

/// The caller (or a web chat visitor) described an emergency.
public struct EmergencyReported: EventPayload {
    public static let type = EventType.emergencyReported
    /// On a call's stream `call.emergency`; on a web conversation's `web.emergency`.
    public static let types: Set<EventType> = [.emergencyReported, .webEmergency]
    public var category: String
    public var severity: String?
    public var phrase: String?
    public init(category: String, severity: String?, phrase: String?) {
        self.category = category
        self.severity = severity
        self.phrase = phrase
    }
}

/// A caller confirmed the read-back of a maintenance report (the receptionist's maintenance path): the ticket to
/// open, in plain fields (trade, priority and rule as their raw values).
public struct TicketRequested: EventPayload {
    public static let type = EventType.ticketRequested
    public var problem: String
    public var trade: String
    public var priority: String
    public var emergencyRule: String?
    public var priorityReason: String
    public var address: String?
    public var unit: String?
    public var postcode: String?
    public var accessWindow: String?
    public var name: String?
    public var phone: String?
    public init(problem: String, trade: String, priority: String, emergencyRule: String?, priorityReason: String,
                address: String?, unit: String?, postcode: String?, accessWindow: String?, name: String?, phone: String?) {
        self.problem = problem
        self.trade = trade
        self.priority = priority
        self.emergencyRule = emergencyRule
        self.priorityReason = priorityReason
        self.address = address
        self.unit = unit
        self.postcode = postcode
        self.accessWindow = accessWindow
        self.name = name
        self.phone = phone
    }
}

/// The caller's details were taken.
public struct LeadCaptured: EventPayload {
    public static let type = EventType.leadCaptured
    public var leadId: String
    public var reason: String
    public var name: String?
    public var phone: String?
    public var isEmergency: Bool
    public init(leadId: String, reason: String, name: String?, phone: String?, isEmergency: Bool) {
        self.leadId = leadId
        self.reason = reason
        self.name = name
        self.phone = phone
        self.isEmergency = isEmergency
    }
}

/// Something the owner must hear about (an emergency, a new lead, a text): the `owner-alerts` consumer texts it.
public struct OwnerAlertRaised: EventPayload {
    public static let type = EventType.ownerAlertRaised
    /// The `owner_alerts` row, for alerts raised on calls.
    public var alertId: Int64?
    /// `emergency`, `new_lead`, `text`.
    public var kind: String
    public var message: String
    public var callbackNumber: String?
    public init(alertId: Int64?, kind: String, message: String, callbackNumber: String?) {
        self.alertId = alertId
        self.kind = kind
        self.message = message
        self.callbackNumber = callbackNumber
    }

    /// The text the owner gets: the message and how to call back, within one SMS body's limit.
    public var text: String {
        let callback = callbackNumber.map { " Call back: \($0)." } ?? ""
        return String((message + callback).prefix(1_000))
    }
}

/// An outbound call was not dialled (`call.not_placed`, on the `call.create` job's stream `job:<id>`): the moment it
/// had to be dialled by passed before the account's pacing gave it a slot. Nothing reached the callee.
public struct CallNotPlaced: EventPayload {
    public static let type = EventType.callNotPlaced
    /// The request id the call was placed with (a campaign's attempt id).
    public var requestId: String
    public var to: String
    /// The `purpose` the call was placed with (`campaign:<id>:<attempt>`, …).
    public var purpose: String?
    /// The latest instant the call could be dialled.
    public var dialBy: Date
    public var reason: String
    public init(requestId: String, to: String, purpose: String?, dialBy: Date, reason: String) {
        self.requestId = requestId
        self.to = to
        self.purpose = purpose
        self.dialBy = dialBy
        self.reason = reason
    }
}
