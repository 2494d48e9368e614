import Campaigns
import Events
import Foundation
import Logging
import Receptionist

/// Puts the appointment a campaign call agreed into the CRM (issue 13: "results land on the recipient and in the
/// CRM"). The customer and the call's conversation already exist: the call record makes them when the call starts,
/// as for any call. This adds the appointment, for scripts with a question marked `appointment`
/// (``AppointmentAction``):
///
/// - `book` (a `date_time` question): the answer is the start of a new appointment of the business's slot length for
///   the recipient's customer, booked through the business's booking rules in one transaction
///   (``AppointmentRepository/book(_:rules:now:)``, as a booking made on an inbound call). A slot the rules refuse —
///   outside business hours, taken, in the past, a full day — is recorded on the recipient as `refused` with the
///   reason; nothing is booked.
/// - `confirm` (a `yes_no` question): "yes" confirms the appointment the recipient's `appointment_id` column names,
///   when it is the business's, it is the recipient's own (its customer has the recipient's number) and it is still
///   `booked` or `confirmed` and ahead; anything else is `refused` with the reason. "no" is recorded as `declined` and
///   leaves the appointment as it is, for the business to follow up.
///
/// Follows `campaign.attempt_ended` of completed conversations. Idempotent: a redelivered event books nothing twice
/// (a booking is keyed by the call and its start), confirming a confirmed appointment changes nothing, and recording
/// what is already recorded appends nothing.
struct CampaignAppointmentConsumer: EventConsumer {
    let name = "campaign-appointments"
    let types: Set<EventType> = [.campaignAttemptEnded]
    let campaigns: any CampaignRepository
    let appointments: any AppointmentRepository
    let customers: any CustomerRepository
    let businesses: any BusinessRepository
    let logger: Logger
    let now: @Sendable () -> Date

    /// The recipient column that names the appointment a `confirm` question confirms.
    static let appointmentIdVariable = CampaignScript.appointmentIdVariable

    func handle(_ event: StoredEvent) async throws {
        guard let businessId = event.businessId else { return }
        let ended: CampaignAttemptEnded
        do {
            ended = try event.decode(CampaignAttemptEnded.self)
        } catch {
            throw UnhandleableEvent("\(event.type.rawValue) \(event.id): \(error)")
        }
        guard ended.outcome == .completed, let callSid = ended.callSid,
              let campaign = try await campaigns.get(id: ended.campaignId, businessId: businessId),
              let question = campaign.script.appointmentQuestion, let action = question.appointment,
              let answer = ended.results?[question.field],
              let recipient = try await campaigns.recipient(id: ended.recipientId, businessId: businessId),
              let business = try await businesses.get(id: businessId)
        else { return }
        let result: RecipientAppointment?
        switch action {
        case .book:
            result = try await book(answer, campaign: campaign, recipient: recipient, business: business, callSid: callSid)
        case .confirm:
            result = try await confirm(answer, recipient: recipient, business: business)
        }
        guard let result else { return }
        _ = try await campaigns.recordAppointment(recipientId: recipient.id, businessId: businessId,
                                                  attemptId: ended.attemptId, result)
        logger.info("campaign appointment", metadata: ["campaign": "\(campaign.id)", "recipient": "\(recipient.id)",
                                                       "status": "\(result.status.rawValue)"])
    }

    /// Books the slot starting at `answer` (ISO 8601) for the recipient, or says why not.
    private func book(_ answer: String, campaign: Campaign, recipient: CampaignRecipient, business: Business,
                      callSid: String) async throws -> RecipientAppointment {
        guard let start = try? Date(answer, strategy: .iso8601) else {
            return RecipientAppointment(status: .refused, note: "the answer is not a date and time")
        }
        let slot = BookingInterval(start: start, end: start.addingTimeInterval(TimeInterval(business.settings.slotMinutes) * 60))
        let booking = CallerBooking(
            businessId: business.id, callSid: callSid, phone: recipient.phone, name: Self.name(of: recipient), slot: slot,
            notes: "Booked on a call of the campaign \"\(campaign.name)\".")
        do {
            let appointment = try await appointments.book(booking, rules: business.bookingRules, now: now())
            return RecipientAppointment(status: .booked, appointmentId: appointment.id)
        } catch let conflict as BookingConflict {
            return RecipientAppointment(status: .refused, note: conflict.rejection.description)
        } catch RepositoryError.invalid(let message) {
            // Nothing a retry would change (the call is not the business's, a field is too long): say so and move on.
            return RecipientAppointment(status: .refused, note: message)
        }
    }

    /// Confirms the recipient's appointment on "yes", records "no" as declined; nil for any other answer.
    private func confirm(_ answer: String, recipient: CampaignRecipient, business: Business) async throws -> RecipientAppointment? {
        let id = recipient.variables[Self.appointmentIdVariable]?.trimmingCharacters(in: .whitespaces) ?? ""
        func refused(_ note: String) -> RecipientAppointment {
            RecipientAppointment(status: .refused, appointmentId: id.isEmpty ? nil : id, note: note)
        }
        switch answer {
        case "yes": break
        case "no": return RecipientAppointment(status: .declined, appointmentId: id.isEmpty ? nil : id)
        default: return nil
        }
        guard !id.isEmpty else { return refused("the recipient has no \(Self.appointmentIdVariable)") }
        // Another business's appointment is not found, exactly like one that does not exist.
        guard let appointment = try await appointments.get(id: id, businessId: business.id) else {
            return refused("no appointment \(id.prefix(64)) in this business")
        }
        guard let customer = try await customers.get(id: appointment.customerId, businessId: business.id),
              customer.phone == recipient.phone
        else { return refused("the appointment is another customer's, not this recipient's") }
        switch appointment.status {
        case .confirmed:
            return RecipientAppointment(status: .confirmed, appointmentId: appointment.id)
        case .booked:
            guard appointment.startAt > now() else { return refused("the appointment has already started") }
            do {
                let confirmed = try await appointments.update(id: appointment.id, businessId: business.id,
                                                              AppointmentPatch(status: .confirmed),
                                                              rules: business.bookingRules, now: now())
                return RecipientAppointment(status: .confirmed, appointmentId: confirmed.id)
            } catch let conflict as BookingConflict {
                return refused(conflict.rejection.description)
            }
        case .cancelled, .completed, .noShow:
            return refused("the appointment is \(appointment.status.rawValue)")
        }
    }

    /// The customer's name from the upload, to fill a customer who has none: `name`, else `first_name` `last_name`.
    static func name(of recipient: CampaignRecipient) -> String? {
        if let name = recipient.variables["name"], !name.isEmpty { return name }
        let parts = [recipient.variables["first_name"], recipient.variables["last_name"]].compactMap { $0 }.filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }
}
