import Foundation

/// How the receptionist is reached: on the phone, or typed in the web chat widget. The conversation is the same
/// machine; a few lines are worded for the medium (a chat visitor cannot "hang up", a number is written, not spoken).
public enum ConversationMedium: String, Codable, Sendable {
    case phone, chat

    /// The first line of a web chat (a business's greeting is written to be spoken on a call).
    public static func chatGreeting(businessName: String) -> String {
        CallScript.chatGreeting(businessName: businessName)
    }
}

/// The business's rules for one turn, built by the server from its settings and the current time. Not stored with
/// the call: an edited setting applies from the next turn.
public struct CallPolicy: Sendable {
    public var businessName: String
    public var greeting: String
    /// Whether the business is open now (transfers are only tried when it is).
    public var isOpen: Bool
    /// E.164 number to transfer to, if any.
    public var transferNumber: String?
    /// Said in the safety line of an emergency ("hang up and call 911").
    public var emergencyNumber: String
    /// The business's own emergency phrases, on top of the defaults.
    public var emergencyPhrases: [String]
    /// Minimum similarity of the best passage for answering from the knowledge base.
    public var answerThreshold: Double
    /// Below this speech-recognition confidence the caller is asked to repeat (at most twice in a row).
    public var lowConfidenceThreshold: Double
    /// Whether a lead needs a street address (a plumber's does, a clinic's does not).
    public var collectAddress: Bool
    /// Country calling code for national numbers the caller speaks ("1", "44").
    public var defaultCountryCode: String
    /// Now, and the business's time zone, for resolving "tomorrow morning".
    public var now: Date
    public var timeZone: TimeZone
    /// Free appointment slots the receptionist may offer on a booking call, soonest first (the server fills them
    /// from the business's booking rules when the caller asks to book; empty: take their preferred time instead).
    public var openSlots: [BookingInterval]
    /// The business takes maintenance requests on calls (a property manager): a caller who reports a problem is
    /// asked what is wrong, where, when a vendor may come in, their name and number, and a confirmed read-back
    /// opens a ticket (``CallAction/openTicket(_:)``). Emergencies follow ``MaintenanceTriage``'s rules.
    public var maintenanceIntake: Bool
    /// The outdoor temperature at the business's properties now (°F), when the server knows it: no heat below
    /// 45 °F (55 °F with vulnerable occupants) and no air conditioning above 95 °F are emergencies.
    public var outdoorFahrenheit: Double?
    /// The phone (default) or the web chat widget: only the wording of some lines depends on it.
    public var medium: ConversationMedium

    public init(
        businessName: String, greeting: String, isOpen: Bool, transferNumber: String? = nil,
        emergencyNumber: String = "911", emergencyPhrases: [String] = [], answerThreshold: Double = 0.40,
        lowConfidenceThreshold: Double = 0.3, collectAddress: Bool = true, defaultCountryCode: String = "1",
        now: Date = Date(), timeZone: TimeZone = .current, openSlots: [BookingInterval] = [],
        maintenanceIntake: Bool = false, outdoorFahrenheit: Double? = nil, medium: ConversationMedium = .phone
    ) {
        self.medium = medium
        self.businessName = businessName
        self.greeting = greeting
        self.isOpen = isOpen
        self.transferNumber = transferNumber
        self.emergencyNumber = emergencyNumber
        self.emergencyPhrases = emergencyPhrases
        self.answerThreshold = answerThreshold
        self.lowConfidenceThreshold = lowConfidenceThreshold
        self.collectAddress = collectAddress
        self.defaultCountryCode = defaultCountryCode
        self.now = now
        self.timeZone = timeZone
        self.openSlots = openSlots
        self.maintenanceIntake = maintenanceIntake
        self.outdoorFahrenheit = outdoorFahrenheit
    }

    /// Whether "talk to a person" can be honoured now.
    var canTransfer: Bool { isOpen && transferNumber != nil }
}
