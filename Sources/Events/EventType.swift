/// What happened, as stored in the `events` table's `type` column. The raw values are part of the public API
/// (`GET /v1/events?type=`, the SSE stream) and of the stored log: never rename one.
public enum EventType: String, Codable, Sendable, CaseIterable, Comparable {
    // Calls (stream `call:<CallSid>`)
    case callStarted = "call.started"
    case callTurn = "call.turn"
    case callStatus = "call.status"
    case callTransferred = "call.transferred"
    case callEnded = "call.ended"
    case emergencyReported = "call.emergency"
    /// A caller confirmed a maintenance report; a ticket is opened from it.
    case ticketRequested = "call.ticket_requested"
    case leadCaptured = "lead.captured"
    case ownerAlertRaised = "owner.alert"
    // Customers and their appointments and texts (stream `customer:<id>`)
    case customerCreated = "customer.created"
    case customerOptedOut = "customer.opted_out"
    case customerOptedIn = "customer.opted_in"
    case appointmentBooked = "appointment.booked"
    case appointmentChanged = "appointment.changed"
    case smsReceived = "sms.received"
    case smsQueued = "sms.queued"
    case smsSent = "sms.sent"
    case smsFailed = "sms.failed"
    /// A tenant's maintenance report by text is waiting for an answer (the address, the unit).
    case textIntakePending = "intake.pending"
    /// A tenant's maintenance report by text was opened as a ticket, or handed to a person.
    case textIntakeEnded = "intake.ended"
    // Knowledge (stream `knowledge:<business id>`)
    case knowledgeChanged = "knowledge.changed"
    // Background work (stream `job:<id>`)
    case jobFailed = "job.failed"
    /// An outbound call's `call.create` job ended without dialling: the latest moment it could be dialled (its
    /// callee's calling window closing) came before a dial slot did.
    case callNotPlaced = "call.not_placed"
    // Maintenance tickets (stream `ticket:<id>`)
    case ticketOpened = "ticket.opened"
    case ticketUpdated = "ticket.updated"
    case ticketStateChanged = "ticket.state_changed"
    // The booking loop, on the ticket's stream: offers, their outcomes, replies, texts, escalation steps
    case dispatchOfferSent = "dispatch.offer_sent"
    case dispatchOfferResolved = "dispatch.offer_resolved"
    case dispatchReply = "dispatch.reply"
    case dispatchNotified = "dispatch.notified"
    case dispatchEscalationStep = "dispatch.escalation_step"
    // Maintenance vendors (stream `vendor:<id>`)
    case vendorAdded = "vendor.added"
    case vendorChanged = "vendor.changed"
    case vendorRemoved = "vendor.removed"
    // Outbound calling campaigns (stream `campaign:<id>`)
    case campaignCreated = "campaign.created"
    case campaignUpdated = "campaign.updated"
    case campaignStateChanged = "campaign.state_changed"
    case campaignDeleted = "campaign.deleted"
    case campaignRecipientsAdded = "campaign.recipients_added"
    /// An attempt (one call to one recipient) began: the recipient is `dialing`.
    case campaignAttemptStarted = "campaign.attempt_started"
    /// Twilio accepted an attempt's call and gave its CallSid.
    case campaignAttemptDialed = "campaign.attempt_dialed"
    /// An attempt's call was answered by a person (the recipient is `in_progress`).
    case campaignAttemptAnswered = "campaign.attempt_answered"
    /// An attempt ended: its outcome, the recipient's state after it, the next attempt if any.
    case campaignAttemptEnded = "campaign.attempt_ended"
    /// An attempt was taken back before its call was dialled (the calling window closed while it waited for a dial
    /// slot): it does not count, and the recipient waits for the window's next opening.
    case campaignAttemptWithdrawn = "campaign.attempt_withdrawn"
    /// A recipient was moved without a call (skipped, opted out before dialling).
    case campaignRecipientChanged = "campaign.recipient_changed"
    /// What a recipient's call did with the CRM appointment (booked, confirmed, declined, refused).
    case campaignAppointmentRecorded = "campaign.appointment_recorded"
    // Web chat widget conversations (stream `conversation:<id>`)
    /// A visitor opened the widget: a conversation began, with the receptionist's greeting.
    case webStarted = "web.started"
    /// One message of the visitor and the receptionist's reply.
    case webTurn = "web.turn"
    /// The visitor described an emergency (payload as `call.emergency`).
    case webEmergency = "web.emergency"
    /// The conversation reached its end (goodbye, details taken for an emergency, too long): its outcome.
    case webEnded = "web.ended"
    // The business's do-not-call list (stream `do_not_call:<business id>`)
    case doNotCallAdded = "do_not_call.added"
    case doNotCallRemoved = "do_not_call.removed"

    public static func < (lhs: EventType, rhs: EventType) -> Bool { lhs.rawValue < rhs.rawValue }
}
