import Events
import Foundation
import Logging
import Receptionist

/// What an outbound call does when an answering machine picks up (its context's ``OutboundCalls/Voicemail``): once
/// the machine's greeting has ended (`machine_end_beep`, `_silence`, `_other`) the call's TwiML is replaced with the
/// message and a hang-up, or the call is ended; a fax is hung up on. Queued as a `call.update` job (keyed by the
/// call, so a redelivered callback acts once) that asks Twilio to change the live call.
struct MachineAnswers: Sendable {
    let jobs: any WorkQueue
    let now: @Sendable () -> Date
    let queued: @Sendable () -> Void

    /// What to do to `call` for the verdict `answeredBy`, or nil (a person, an undecided verdict, a call without
    /// voicemail behaviour, a machine still greeting).
    static func update(for call: CallRecord, answeredBy: AnsweredBy) -> TwilioCallsClient.CallUpdate? {
        guard let voicemail = call.outboundContext?.voicemail else { return nil }
        if answeredBy == .fax { return .hangUp }
        guard answeredBy.isReadyForMessage else { return nil }
        guard let message = voicemail.message, !message.isEmpty else { return .hangUp }
        return .twiml(TwiML([.say(Say(text: message)), .hangup]).render())
    }

    /// Queues the change for `call`, when there is one. Returns whether a job was added.
    @discardableResult
    func handle(call: CallRecord, answeredBy: AnsweredBy) async throws -> Bool {
        guard let update = Self.update(for: call, answeredBy: answeredBy) else { return false }
        let payload = CallUpdateJob.Payload(callSid: call.sid, update: update)
        let added = try await jobs.enqueue(NewJob(kind: CallUpdateJob.kind, businessId: call.businessId, payload: payload,
                                                  dedupeKey: "call-update:machine:\(call.sid)", maxAttempts: 3), now: now())
        if added { queued() }
        return added
    }
}

/// Changes a call in progress through Twilio (`call.update`): the voicemail message, or a hang-up. Transient
/// failures are retried; a call that is no longer in progress (Twilio's 21220) is left alone.
struct CallUpdateJob: JobHandler {
    static let kind = "call.update"
    var kind: String { Self.kind }

    struct Payload: Codable, Sendable {
        var callSid: String
        /// The TwiML to play, or nil to hang up.
        var twiml: String?

        init(callSid: String, update: TwilioCallsClient.CallUpdate) {
            self.callSid = callSid
            switch update {
            case .twiml(let document): twiml = document
            case .hangUp: twiml = nil
            }
        }

        var update: TwilioCallsClient.CallUpdate { twiml.map { .twiml($0) } ?? .hangUp }
    }

    let client: TwilioCallsClient?
    let logger: Logger

    func run(_ job: Job) async throws {
        let payload: Payload
        do { payload = try job.decode(Payload.self) } catch { throw PermanentJobError("bad payload: \(error)") }
        guard let client else {
            throw PermanentJobError("no Twilio account configured (FRONTDESK_TWILIO_ACCOUNT_SID): the call cannot be changed")
        }
        do {
            try await client.updateCall(sid: payload.callSid, payload.update)
            logger.info("call updated", metadata: ["call": "\(payload.callSid)", "action": "\(payload.twiml == nil ? "hang_up" : "voicemail")"])
        } catch {
            if case .rejected(let refusal) = error, refusal.code == Self.callNotInProgress {
                logger.info("call already over: not updated", metadata: ["call": "\(payload.callSid)"])
                return
            }
            if error.isRetryable { throw error }
            throw PermanentJobError("Twilio refused to change the call: \(error)")
        }
    }

    /// Twilio's error for an update of a call that has ended ("Call is not in-progress. Cannot redirect.").
    static let callNotInProgress = 21220
}
