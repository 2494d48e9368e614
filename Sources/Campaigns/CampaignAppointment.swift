import Foundation

/// What a script question does with the CRM appointment when the call completes with its answer. Raw values are
/// public API (the question's `appointment`).
///
/// At most one question of a script has one, and only of the matching kind:
/// - ``book`` on a `date_time` question: the answer is the start of a new appointment for the recipient's customer,
///   booked through the business's booking rules (its hours, slot length, other appointments).
/// - ``confirm`` on a `yes_no` question: "yes" confirms the existing appointment named by the recipient's
///   `appointment_id` column (which every upload must then have).
public enum AppointmentAction: String, Codable, Sendable, CaseIterable {
    case book
    case confirm

    /// The question kind the action reads its answer from.
    public var answerKind: AnswerKind {
        switch self {
        case .book: .dateTime
        case .confirm: .yesNo
        }
    }
}

/// What came of a recipient's appointment question (the script's ``CampaignScript/appointmentQuestion`` says whether
/// it booked or confirmed), stored on the recipient: `appointment` in the API, the `appointment_*` result columns.
public struct RecipientAppointment: Codable, Sendable, Equatable {
    /// Raw values are public API.
    public enum Status: String, Codable, Sendable, CaseIterable {
        /// A new appointment was booked at the time the callee gave.
        case booked
        /// The recipient's appointment is confirmed.
        case confirmed
        /// The callee said they cannot keep the appointment: it is left as it was, for the business to follow up.
        case declined
        /// Nothing was booked or confirmed: ``RecipientAppointment/note`` says why (the booking rules refused the time,
        /// the appointment is another customer's or was cancelled …).
        case refused
    }

    public var status: Status
    /// The appointment booked or confirmed (or the one a confirmation was about).
    public var appointmentId: String?
    /// Why it was refused, in words; at most ``maxNoteLength`` characters.
    public var note: String?

    public static let maxNoteLength = 300

    public init(status: Status, appointmentId: String? = nil, note: String? = nil) {
        self.status = status
        self.appointmentId = appointmentId
        self.note = note.map { String($0.prefix(Self.maxNoteLength)) }
    }
}
