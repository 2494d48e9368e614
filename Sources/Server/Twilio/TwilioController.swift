import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import Receptionist

/// Twilio's voice webhooks: `/twilio/voice`, `/twilio/gather`, `/twilio/transfer-status`, `/twilio/call-status`.
///
/// Every request is verified (`X-Twilio-Signature` with the business's auth token, else the global one) before
/// anything is read or written. Replies are TwiML; a request that is not a Twilio webhook at all (no `CallSid`)
/// gets a 4xx JSON error.
struct TwilioController {
    let businesses: any BusinessRepository
    let calls: any CallRepository
    let service: CallService
    let verification: TwilioVerification
    let logger: Logger
    let metrics: any MetricsFactory

    private var verifier: TwilioWebhookVerifier {
        TwilioWebhookVerifier(businesses: businesses, calls: calls, verification: verification, logger: logger, metrics: metrics)
    }

    /// Webhook bodies are a few hundred bytes; a `SpeechResult` of 10 KB is still far below this.
    static let maxBodyBytes = 64 * 1024

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("voice", use: answeringEvenIfStorageFails(voice))
        group.post("gather", use: answeringEvenIfStorageFails(gather))
        group.post("transfer-status", use: answeringEvenIfStorageFails(transferStatus))
        group.post("call-status", use: callStatus)
        group.post("amd-status", use: answeringMachineStatus)
    }

    @Sendable func voice(_ request: Request, context: AppRequestContext) async throws -> Response {
        let received = ContinuousClock.now
        let webhook = try await verifiedWebhook(request, context: context)
        guard let business = webhook.business else { return Self.twiml(Self.notSetUp) }
        let to = try webhook.require("To")
        if webhook.outboundRequest != nil, webhook.call == nil {
            // An outbound call answered before its record was stored (the REST reply and this webhook raced):
            // ask Twilio to come back in a second, when the record is there.
            return Self.twiml(TwiML([.pause(Pause(seconds: 1)), .redirect(Redirect(url: Self.requestURL(request, verification)))]).render())
        }
        let twiml = try await service.start(
            business: business, callSid: webhook.callSid, from: webhook.parameters["From"], to: to,
            delivery: delivery(for: business, request: request, received: received))
        return Self.twiml(twiml)
    }

    @Sendable func gather(_ request: Request, context: AppRequestContext) async throws -> Response {
        let received = ContinuousClock.now
        let webhook = try await verifiedWebhook(request, context: context)
        guard let business = webhook.business else { return Self.twiml(Self.notSetUp) }
        let confidence = webhook.parameters["Confidence"].flatMap(Double.init).flatMap { (0...1).contains($0) ? $0 : nil }
        let twiml = try await service.gather(
            business: business, callSid: webhook.callSid, speech: webhook.parameters["SpeechResult"],
            confidence: confidence, delivery: delivery(for: business, request: request, received: received))
        return Self.twiml(twiml)
    }

    @Sendable func transferStatus(_ request: Request, context: AppRequestContext) async throws -> Response {
        let received = ContinuousClock.now
        let webhook = try await verifiedWebhook(request, context: context)
        guard let business = webhook.business else { return Self.twiml(Self.notSetUp) }
        let twiml = try await service.transferEnded(
            business: business, callSid: webhook.callSid, dialStatus: webhook.parameters["DialCallStatus"],
            delivery: delivery(for: business, request: request, received: received))
        return Self.twiml(twiml)
    }

    @Sendable func callStatus(_ request: Request, context: AppRequestContext) async throws -> Response {
        let webhook = try await verifiedWebhook(request, context: context)
        if let business = webhook.business {
            let status = try webhook.require("CallStatus")
            let duration = webhook.parameters["CallDuration"].flatMap(Int.init).flatMap { $0 >= 0 ? $0 : nil }
            let sequence = webhook.parameters["SequenceNumber"].flatMap(Int.init).flatMap { $0 >= 0 ? $0 : nil }
            try await service.statusChanged(business: business, callSid: webhook.callSid, status: status,
                                            sequenceNumber: sequence, duration: duration,
                                            idempotencyToken: request.headers[.twilioIdempotencyToken])
        }
        return Self.twiml(TwiML([]).render())
    }

    /// `/twilio/amd-status`: the answering-machine result of an outbound call (`AsyncAmdStatusCallback`), recorded
    /// as a `call.status` event on the call's stream for whatever placed the call (a campaign leaves a voicemail …).
    @Sendable func answeringMachineStatus(_ request: Request, context: AppRequestContext) async throws -> Response {
        let webhook = try await verifiedWebhook(request, context: context)
        guard let business = webhook.business, let call = webhook.call else { return Self.twiml(TwiML([]).render()) }
        let result: AnsweringMachineResult
        do {
            result = try AnsweringMachineResult(answeredBy: webhook.parameters["AnsweredBy"],
                                                machineDetectionDuration: webhook.parameters["MachineDetectionDuration"])
        } catch {
            throw AppError(.badRequest, code: "invalid_webhook", message: "\(error)")
        }
        try await service.answeredBy(business: business, call: call, result: result)
        return Self.twiml(TwiML([]).render())
    }

    // MARK: - Verification

    struct Webhook {
        var parameters: FormParameters
        var callSid: String
        /// The active business the call belongs to; nil for an unknown number or a suspended business.
        var business: Business?
        /// The stored call, when there is one (every webhook after the first of an inbound call; every webhook of an
        /// outbound call).
        var call: CallRecord?
        /// An outbound call's request id (`?outbound=` on its `Url`).
        var outboundRequest: String?

        func require(_ name: String) throws -> String {
            guard let value = parameters[name], !value.isEmpty else {
                throw AppError(.badRequest, code: "invalid_webhook", message: "missing \(name)")
            }
            return value
        }
    }

    /// Verifies the webhook (``TwilioWebhookVerifier``) and requires a `CallSid`; a suspended business is nil.
    private func verifiedWebhook(_ request: Request, context: AppRequestContext) async throws -> Webhook {
        let verified = try await verifier.verify(request, maxBodyBytes: Self.maxBodyBytes)
        let parameters = verified.parameters
        var business = verified.business
        guard let callSid = parameters["CallSid"], !callSid.isEmpty, callSid.count <= 64 else {
            throw AppError(.badRequest, code: "invalid_webhook", message: "missing CallSid")
        }
        if business == nil {
            logger.notice("call to a number that is not set up", metadata: ["to": "\(PhoneMask.mask(parameters["To"]))", "call": "\(callSid)"])
        } else if business?.status != .active {
            logger.notice("call to a suspended business", metadata: ["business": "\(business!.slug)", "call": "\(callSid)"])
            business = nil
        }
        return Webhook(parameters: parameters, callSid: callSid, business: business, call: verified.call,
                       outboundRequest: verified.outboundRequest)
    }

    private func delivery(for business: Business, request: Request, received: ContinuousClock.Instant) -> CallService.Delivery {
        let options = VoiceOptions(
            gatherURL: verification.callbackURL("/twilio/gather"),
            transferStatusURL: verification.callbackURL("/twilio/transfer-status"),
            voice: business.settings.voice, language: business.settings.language)
        return CallService.Delivery(idempotencyToken: request.headers[.twilioIdempotencyToken], received: received,
                                    options: options)
    }

    // MARK: - Replies

    /// What a caller hears when this node cannot reach its database (or anything else unexpected fails): an
    /// apology, not Twilio's "application error". Nothing is acknowledged as stored.
    static let unavailable = TwiML([
        .say(Say("Sorry, we can't take your call right now because of a technical problem. Please call again in a few minutes. Goodbye.")),
        .hangup,
    ]).render()

    /// Wraps a voice webhook: a request error (bad signature, missing field: `AppError`, a 4xx) is answered as usual;
    /// any other failure — the database down, a timeout — answers the caller politely with ``unavailable`` (200).
    func answeringEvenIfStorageFails(
        _ handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Response
    ) -> @Sendable (Request, AppRequestContext) async throws -> Response {
        { [logger] request, context in
            do {
                return try await handler(request, context)
            } catch let error as AppError {
                throw error
            } catch let error as RepositoryError {
                throw error
            } catch {
                logger.error("voice webhook failed; the caller hears the apology", metadata: [
                    "path": "\(request.uri.path)", "error": "\(String(describing: error).prefix(300))"])
                return Self.twiml(Self.unavailable)
            }
        }
    }

    static let notSetUp = TwiML([
        .say(Say("Sorry, this number is not set up yet. Please try again later. Goodbye.")), .hangup,
    ]).render()

    /// The URL Twilio posted to, for a `<Redirect>` back to it.
    static func requestURL(_ request: Request, _ verification: TwilioVerification) -> String {
        verification.url(path: request.uri.path, query: request.uri.query, host: request.head.authority)
    }

    static func twiml(_ xml: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/xml; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: xml)))
    }
}

/// How Twilio webhooks are authenticated.
struct TwilioVerification: Sendable {
    /// Off only when `FRONTDESK_TWILIO_VERIFY=off`.
    var verify: Bool
    /// `FRONTDESK_TWILIO_AUTH_TOKEN`; a business's own token takes precedence.
    var globalAuthToken: String?
    /// `FRONTDESK_PUBLIC_BASE_URL`: the URL Twilio posts to, which is what it signs.
    var publicBaseURL: String?

    /// The URL Twilio signed: the configured public base URL + path + query. Without one (local use), the request's
    /// Host header over http — never X-Forwarded-* headers, which any client can set.
    func url(path: String, query: String?, host: String?) -> String {
        let base = publicBaseURL ?? "http://\(host ?? "localhost")"
        return twilioURL(publicBaseURL: base, path: path, query: query)
    }

    /// Where TwiML tells Twilio to post next: absolute under the public base URL (which may carry a path prefix
    /// behind a proxy), else a path relative to this server.
    func callbackURL(_ path: String) -> String {
        guard let publicBaseURL else { return path }
        return twilioURL(publicBaseURL: publicBaseURL, path: path, query: nil)
    }

    /// An absolute http(s) URL under the public base URL, for requests where Twilio needs one (an outbound call's
    /// `Url` and callbacks); nil without a public base URL.
    func absoluteURL(_ path: String, query: [(String, String)] = []) -> URL? {
        guard let publicBaseURL else { return nil }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = query.map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        guard let url = URL(string: twilioURL(publicBaseURL: publicBaseURL, path: path, query: encoded)),
              url.scheme == "https" || url.scheme == "http", url.host != nil
        else { return nil }
        return url
    }
}

extension HTTPField.Name {
    static let twilioSignature = Self("X-Twilio-Signature")!
    static let twilioIdempotencyToken = Self("I-Twilio-Idempotency-Token")!
}
