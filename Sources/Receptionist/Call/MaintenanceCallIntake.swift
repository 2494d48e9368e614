/// A maintenance request being taken on a call (``CallPolicy/maintenanceIntake``): the ticket so far and the
/// question waiting for an answer. The call is in LEAD_CAPTURE while questions are asked and in CONFIRMATION at
/// the read-back; stored with the machine between turns.
public struct MaintenanceCallIntake: Codable, Sendable, Equatable {
    /// One question of the maintenance path, asked in this order (each only while its answer is missing).
    enum Step: String, Codable, Sendable {
        /// What is wrong (when the first words only asked to report something).
        case problem
        /// How cold (hot) it is, and who lives there: asked once, for no heat (cooling) without a temperature.
        case conditions
        case address
        /// Asked once, when the address had none.
        case unit
        /// When a vendor may come in (not asked for an emergency: as soon as possible).
        case access
        case name
        /// The callback number; while `offeringCallerID`, the caller ID was offered for a yes or no.
        case phone
        /// The caller said the read-back is wrong: which part?
        case correction
    }

    /// The ticket as taken so far; its `problem` is empty until the caller said what is wrong.
    public internal(set) var draft: TicketDraft
    /// Still being taken (false once opened, or after the caller hung up).
    public internal(set) var active = true
    /// Tickets opened on this call before this one.
    public internal(set) var ticketsOpened = 0
    var asking: Step?
    var offeringCallerID = false
    var callerIDDeclined = false
    var unitAsked = false
    var conditionsAsked = false

    init(draft: TicketDraft, ticketsOpened: Int) {
        self.draft = draft
        self.ticketsOpened = ticketsOpened
    }
}
