import Foundation
import Hummingbird
import Logging
import Maintenance
import Receptionist

/// `POST /twilio/sms`: Twilio's incoming-message webhook, verified like the voice webhooks.
///
/// The text joins the sender's SMS conversation with the business (the customer is created from `From` when new).
/// A message that is exactly one keyword is handled as carriers require:
/// - STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT set the customer's `sms_opt_out`; the reply is
///   an empty `<Response/>` because Twilio itself answers these on long codes (its default opt-out handling),
///   and a second confirmation would be a text to someone who just said stop.
/// - START, YES, UNSTOP clear it, with a confirmation.
/// - HELP, INFO reply with the business's name, how to opt out, and its number.
/// Any other text ("STOP please" included) is an ordinary message: it is stored, and the `owner-alerts`
/// consumer texts the owner about it when the business has an `owner_phone`.
struct TwilioSMSController {
    let verifier: TwilioWebhookVerifier
    let businesses: any BusinessRepository
    let messages: any MessagingRepository
    /// The booking loop: vendors' YES/NO/STOP/START and DONE replies.
    let dispatch: DispatchService?
    let logger: Logger
    let now: @Sendable () -> Date

    /// Twilio's limit for one message body is 1,600 characters; anything longer is cut.
    static let maxBodyCharacters = 1600

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("sms", use: sms)
    }

    @Sendable func sms(_ request: Request, context: AppRequestContext) async throws -> Response {
        let verified = try await verifier.verify(request, maxBodyBytes: TwilioController.maxBodyBytes)
        let parameters = verified.parameters
        guard let messageSid = parameters["MessageSid"] ?? parameters["SmsSid"], !messageSid.isEmpty, messageSid.count <= 64 else {
            throw AppError(.badRequest, code: "invalid_webhook", message: "missing MessageSid")
        }
        guard let business = verified.business, business.status == .active else {
            logger.notice("text to a number that is not set up or a suspended business",
                          metadata: ["to": "\(PhoneMask.mask(parameters["To"]))", "message": "\(messageSid)"])
            return TwilioController.twiml(TwiML([]).render())
        }
        let numbers = try await businesses.numbers(ofBusiness: business.id)
        let countryCode = (parameters["To"]).flatMap(PhoneNumber.countryCode(of:))
        guard let from = parameters["From"].flatMap({ PhoneNumber.normalized($0, defaultCountryCode: countryCode) }) else {
            // A short code or an alphanumeric sender: not a customer we could ever text back.
            logger.notice("text from a sender that is not a phone number", metadata: ["business": "\(business.slug)", "message": "\(messageSid)"])
            return TwilioController.twiml(TwiML([]).render())
        }
        let body = String((parameters["Body"] ?? "").prefix(Self.maxBodyCharacters))
        var keyword = SMSKeyword.classify(body)
        let forDispatch = try await dispatch?.claims(body: body, from: from, businessId: business.id) ?? false
        // A vendor's bare YES is a job acceptance, not a carrier opt-in to a customer conversation: it is stored as a
        // plain message and gets no opt-in confirmation (the loop answers it, if at all, through the outbox).
        if forDispatch, keyword == .optIn, DispatchReply(parsing: body).verb == .accept { keyword = nil }
        let reply = Self.reply(to: keyword, businessName: business.name, number: numbers.first ?? parameters["To"] ?? "")
        let timestamp = now()

        // Stored first: a redelivered MessageSid stores nothing and is not handed to the booking loop again.
        let stored = try await messages.receive(InboundText(businessId: business.id, from: from, body: body,
                                                            messageSid: messageSid, keyword: keyword, reply: reply),
                                                at: timestamp)
        if stored, forDispatch, let dispatch {
            _ = try await dispatch.handle(reply: body, from: from, business: business, messageSid: messageSid)
        }
        logger.info("text received", metadata: ["business": "\(business.slug)", "from": "\(PhoneMask.mask(from))",
                                                "keyword": "\(keyword?.rawValue ?? "none")"])
        return TwilioController.twiml(TwiML.response { reply.map { Message($0) } }.render())
    }

    /// The TwiML reply's text for a keyword, or nil for no reply.
    static func reply(to keyword: SMSKeyword?, businessName: String, number: String) -> String? {
        switch keyword {
        case .optOut, nil: nil
        case .optIn: "\(businessName): you will get texts from us again. Reply STOP to stop."
        case .help: "\(businessName): reply STOP to stop texts, START to resume. Call \(number) for help."
        }
    }
}
