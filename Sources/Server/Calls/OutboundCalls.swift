import Events
import Foundation
import Logging
import Receptionist

/// Calls FrontDesk places itself (a campaign's call, a vendor offer, a call back): queued as a `call.create` job of
/// the work queue, placed through Twilio's REST API by ``OutboundCallJob``, and from then on served by the same
/// webhooks as inbound calls — they find the call by its stored record (CallSid), not by `To`.
public struct OutboundCalls: Sendable {
    let jobs: any WorkQueue
    let businesses: any BusinessRepository
    let now: @Sendable () -> Date
    /// Tells the work queue that a job was enqueued.
    let queued: @Sendable () -> Void

    /// What an outbound call is for; stored as the call's `context` and read by its webhooks.
    public struct Context: Codable, Sendable, Equatable {
        /// The first thing the receptionist says when the callee answers (the business's greeting when nil).
        public var greeting: String?
        /// Who asked for the call (`campaign:<id>`, `api`, …), for the modules that react to its events.
        public var purpose: String?
        /// What to do when an answering machine picks up: nil to carry on as with a person (detection is still
        /// recorded); otherwise Twilio waits for the machine's greeting to end (`DetectMessageEnd`) and
        /// ``MachineAnswers`` leaves the message, or hangs up.
        public var voicemail: Voicemail?
        /// The conversation to hold (a campaign's script for this recipient); nil: the receptionist as inbound,
        /// after `greeting`.
        public var script: OutboundScript?
        /// The call must be dialled before this instant (a campaign's calling window closing in the callee's zone);
        /// when the account's pacing gives no slot before it, the call is not dialled at all and `call.not_placed`
        /// says so. Nil: no deadline.
        public var dialBy: Date?
        public init(greeting: String? = nil, purpose: String? = nil, voicemail: Voicemail? = nil,
                    script: OutboundScript? = nil, dialBy: Date? = nil) {
            self.greeting = greeting
            self.purpose = purpose
            self.voicemail = voicemail
            self.script = script
            self.dialBy = dialBy
        }
    }

    /// An outbound call's answer to a machine.
    public struct Voicemail: Codable, Sendable, Equatable {
        /// Spoken after the beep, then the call ends; nil: hang up without a message.
        public var message: String?
        public init(message: String?) { self.message = message }
    }

    /// Queues a call to `to` from `from` (one of the business's numbers; its first one when nil). Returns the request
    /// id (the `call.create` job's key): pass `requestId` to make placing idempotent (a campaign passes its attempt's
    /// id, so placing the same attempt again queues nothing new).
    /// - Throws: `RepositoryError.invalid` for a number that is not E.164, a `from` that is not the business's, or a
    ///   business without a number.
    public func place(businessId: String, to: String, from requested: String? = nil, requestId: String? = nil,
                      context: Context = Context()) async throws -> String {
        guard PhoneNumber.isE164(to) else { throw RepositoryError.invalid("to must be an E.164 number such as +15551234567") }
        let numbers = try await businesses.numbers(ofBusiness: businessId).sorted()
        guard let from = requested ?? numbers.first else {
            throw RepositoryError.invalid("the business has no phone number to call from")
        }
        guard numbers.contains(from) else { throw RepositoryError.invalid("\(from) is not one of the business's numbers") }
        let requestId = requestId ?? UUID().uuidString.lowercased()
        let plan = OutboundCallJob.Payload(requestId: requestId, businessId: businessId, to: to, from: from, context: context)
        try await jobs.enqueue(NewJob(kind: OutboundCallJob.kind, businessId: businessId, payload: plan,
                                      dedupeKey: "call-create:\(requestId)", maxAttempts: 3), now: now())
        queued()
        return requestId
    }
}

/// Places one outbound call through Twilio (`call.create`). At most once: a call is never dialled twice, so a
/// run that finds an earlier attempt died mid-request (its process was killed while Twilio was being asked) fails
/// for good with that reason instead of dialling again; transient errors Twilio returned are retried.
///
/// Paced across every node (``OutboundLimits``): the run reserves a dial slot first; a slot a few seconds ahead is
/// waited for, a later one or a full house of calls in progress sends the job back to the queue until then (without
/// spending an attempt). The reservation ends once the call is recorded (it then counts as in progress itself) or
/// Twilio refused it.
///
/// A call with a deadline (``OutboundCalls/Context/dialBy``) is never dialled at or after it: when the deadline has
/// passed, or the slot (or the time the queue would wait for one) is not before it, the reservation is released and
/// the job ends without dialling, appending `call.not_placed` to its stream `job:<id>` for whoever placed the call
/// (a campaign takes the attempt back and waits for the window's next opening).
struct OutboundCallJob: JobHandler {
    static let kind = "call.create"
    var kind: String { Self.kind }

    struct Payload: Codable, Sendable {
        var requestId: String
        var businessId: String
        var to: String
        var from: String
        var context: OutboundCalls.Context
    }

    let client: TwilioCallsClient?
    let calls: any CallRepository
    let verification: TwilioVerification
    let pacing: any OutboundPacingRepository
    let limits: OutboundLimits
    /// Where `call.not_placed` is appended.
    let events: any EventLog
    let logger: Logger
    let now: @Sendable () -> Date
    /// Waits this many seconds for a reserved slot; a simulation on a virtual clock moves its clock instead.
    var sleep: @Sendable (TimeInterval) async throws -> Void = { seconds in
        try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded(.up))))
    }

    func run(_ job: Job) async throws {
        let plan = try job.decode(Payload.self)
        guard let client else {
            throw JobPostponed(seconds: 60, reason: "no Twilio account configured (FRONTDESK_TWILIO_ACCOUNT_SID)")
        }
        if job.attempts > 1, job.lastError == nil {
            throw PermanentJobError("an earlier attempt stopped while Twilio was being asked; not dialled again, so the callee is never called twice")
        }
        guard let voice = verification.absoluteURL("/twilio/voice", query: [("outbound", plan.requestId), ("business", plan.businessId)]),
              let status = verification.absoluteURL("/twilio/call-status"),
              let amd = verification.absoluteURL("/twilio/amd-status")
        else { throw PermanentJobError("FRONTDESK_PUBLIC_BASE_URL must be set (https) for Twilio to reach outbound calls") }
        let request = OutboundCallRequest(
            to: plan.to, from: plan.from, url: voice, statusCallback: status, timeout: OutboundLimits.ringTimeout,
            answeringMachineDetection: .asynchronous(plan.context.voicemail == nil ? .enable : .detectMessageEnd, callback: amd))
        if let dialBy = plan.context.dialBy, now() >= dialBy {
            return try await notPlaced(job, plan, dialBy: dialBy, reason: "its dial-by time passed before it could be dialled")
        }
        switch try await pacing.reserve(requestId: plan.requestId, limits: limits, now: now()) {
        case .wait(let until, let reason):
            if let dialBy = plan.context.dialBy, until >= dialBy {
                return try await notPlaced(job, plan, dialBy: dialBy, reason: "no dial slot before its dial-by time (\(reason))")
            }
            throw JobPostponed(seconds: max(1, until.timeIntervalSince(now())), reason: reason)
        case .dial(let slot):
            if let dialBy = plan.context.dialBy, slot >= dialBy {
                try await pacing.release(requestId: plan.requestId)
                return try await notPlaced(job, plan, dialBy: dialBy, reason: "its dial slot came after its dial-by time")
            }
            let delay = slot.timeIntervalSince(now())
            if delay > 0 { try await sleep(delay) }
        }
        let created: CreatedCall
        do {
            created = try await client.createCall(request)
        } catch {
            try? await pacing.release(requestId: plan.requestId)
            if error.isRetryable { throw error }
            throw PermanentJobError("Twilio refused the call: \(error)")
        }
        let timestamp = now()
        let context = String(decoding: try JSONEncoder().encode(plan.context), as: UTF8.self)
        let call = CallRecord(
            sid: created.sid, businessId: plan.businessId, caller: plan.from, called: plan.to,
            status: created.statusText, state: .greeting, machine: plan.context.script.map { CallMachine(callerNumber: plan.to, script: $0) } ?? CallMachine(callerNumber: plan.to), version: 0,
            outcome: nil, isEmergency: false, emergencyCategory: nil, startedAt: timestamp, endedAt: nil,
            durationSeconds: nil, direction: .outbound, context: context)
        var write = TurnWrite(call: call, isNewCall: true, turns: [], leads: [], alerts: [], idempotencyToken: nil, response: "")
        write.events = [EventDraft(businessId: plan.businessId, stream: .call(created.sid), CallStarted(
            direction: .outbound, from: plan.from, to: plan.to, customerNumber: plan.to))]
        let stored: TurnWriteResult
        do {
            stored = try await calls.write(write)
        } catch {
            try? await pacing.release(requestId: plan.requestId)
            throw error
        }
        // The call is recorded (not ended: it counts as in progress now), or its webhook recorded it first.
        try? await pacing.release(requestId: plan.requestId)
        switch stored {
        case .stored, .duplicate:
            logger.info("outbound call placed", metadata: ["call": "\(created.sid)", "to": "\(PhoneMask.mask(plan.to))"])
        case .conflict:
            // A webhook of the call arrived first and made the record: nothing more to store.
            return
        }
    }
}

extension OutboundCallJob {
    /// Ends the job without dialling: `call.not_placed` on the job's stream tells whoever placed the call.
    private func notPlaced(_ job: Job, _ plan: Payload, dialBy: Date, reason: String) async throws {
        try await events.append([EventDraft(businessId: plan.businessId, stream: .job(job.id), CallNotPlaced(
            requestId: plan.requestId, to: plan.to, purpose: plan.context.purpose, dialBy: dialBy, reason: reason))])
        logger.notice("outbound call not placed", metadata: ["request": "\(plan.requestId)", "to": "\(PhoneMask.mask(plan.to))",
                                                             "reason": "\(reason)"])
    }
}

extension CallRecord {
    /// The context an outbound call was placed with (nil for inbound calls, or a context this version cannot read).
    var outboundContext: OutboundCalls.Context? {
        context.flatMap { try? JSONDecoder().decode(OutboundCalls.Context.self, from: Data($0.utf8)) }
    }
}
