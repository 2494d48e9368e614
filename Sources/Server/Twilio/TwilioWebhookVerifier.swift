import Foundation
import Hummingbird
import Logging
import Metrics

/// The first step of every Twilio webhook (voice and messaging): read the form body, find the business, and check
/// `X-Twilio-Signature` with that business's own auth token, else the global one — before anything is read or
/// written on the request's behalf.
///
/// The business is the stored call's (by `CallSid`) when the call is known — so an outbound call, whose `To` is the
/// callee, is found like an inbound one —, else for an outbound call answered before its record was stored, the
/// one named on its `Url` (`?outbound=…&business=…`; the signature then has to match that business's token), else
/// the owner of the `To` number (a new inbound call, a text).
struct TwilioWebhookVerifier: Sendable {
    let businesses: any BusinessRepository
    let calls: any CallRepository
    let verification: TwilioVerification
    let logger: Logger
    let metrics: any MetricsFactory

    /// A signed (or, with verification off, accepted) webhook.
    struct Verified {
        var parameters: FormParameters
        /// The business the webhook belongs to, whatever its status; nil for an unknown number.
        var business: Business?
        /// The stored call named by `CallSid`, if any.
        var call: CallRecord?
        /// `?outbound=<request id>` on an outbound call's `Url`.
        var outboundRequest: String?
    }

    /// - Throws: 400 `invalid_webhook` for an unreadable form, 403 `twilio_not_configured` / `invalid_signature`.
    func verify(_ request: Request, maxBodyBytes: Int) async throws -> Verified {
        let body = try await request.collectBody(upTo: maxBodyBytes)
        let parameters: FormParameters
        do {
            parameters = try FormParameters(formEncoded: body)
        } catch {
            throw AppError(.badRequest, code: "invalid_webhook", message: "the body is not a valid form: \(error)")
        }
        var business: Business?
        var call: CallRecord?
        let query = (try? FormParameters(formEncoded: request.uri.query ?? "")) ?? FormParameters()
        let outboundRequest = query["outbound"]
        if let sid = parameters["CallSid"], !sid.isEmpty, sid.count <= 64, let stored = try await calls.call(sid: sid) {
            call = stored
            business = try await businesses.get(id: stored.businessId)
        } else if outboundRequest != nil, let id = query["business"], id.count <= 64 {
            business = try await businesses.get(id: id)
        } else if let to = parameters["To"], PhoneNumber.isE164(to) {
            business = try await businesses.find(byNumber: to)
        }

        if verification.verify {
            var token = verification.globalAuthToken
            if let business, let own = try await calls.twilioAuthToken(businessId: business.id) { token = own }
            guard let token else {
                reject("not_configured")
                throw AppError(.forbidden, code: "twilio_not_configured",
                               message: "no Twilio auth token is configured (FRONTDESK_TWILIO_AUTH_TOKEN or the business's own); set FRONTDESK_TWILIO_VERIFY=off only for local testing")
            }
            let url = verification.url(path: request.uri.path, query: request.uri.query, host: request.head.authority)
            guard let signature = request.headers[.twilioSignature],
                  TwilioSignatureValidator(authToken: token).isValid(signature: signature, url: url, parameters: parameters)
            else {
                reject("bad_signature")
                logger.warning("Twilio webhook with a missing or wrong signature refused", metadata: ["path": "\(request.uri.path)"])
                throw AppError(.forbidden, code: "invalid_signature", message: "X-Twilio-Signature is missing or wrong")
            }
        }
        return Verified(parameters: parameters, business: business, call: call, outboundRequest: outboundRequest)
    }

    private func reject(_ reason: String) {
        Counter(label: AppMetrics.Name.twilioRejected, dimensions: [("reason", reason)], factory: metrics).increment()
    }
}
