import Foundation
import Hummingbird
import Logging
import Metrics

/// The first step of every Twilio webhook (voice and messaging): read the form body, find the business by `To`,
/// and check `X-Twilio-Signature` with that business's own auth token, else the global one — before anything is
/// read or written on the request's behalf.
struct TwilioWebhookVerifier: Sendable {
    let businesses: any BusinessRepository
    let calls: any CallRepository
    let verification: TwilioVerification
    let logger: Logger
    let metrics: any MetricsFactory

    /// A signed (or, with verification off, accepted) webhook.
    struct Verified {
        var parameters: FormParameters
        /// The business the `To` number belongs to, whatever its status; nil for an unknown number.
        var business: Business?
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
        let to = parameters["To"]
        var business: Business?
        if let to, PhoneNumber.isE164(to) { business = try await businesses.find(byNumber: to) }

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
        return Verified(parameters: parameters, business: business)
    }

    private func reject(_ reason: String) {
        Counter(label: AppMetrics.Name.twilioRejected, dimensions: [("reason", reason)], factory: metrics).increment()
    }
}
