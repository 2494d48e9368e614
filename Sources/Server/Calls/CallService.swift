import Events
import Foundation
import Logging
import Metrics
import Receptionist

/// What reached the call on one webhook.
public enum CallInput: Sendable, Equatable {
    case start
    case speech(String, confidence: Double?)
    case silence
    /// Twilio's `DialCallStatus` (nil or unknown counts as failed).
    case transferEnded(String?)
    case hangUp

    /// How the turn's `event` column names it.
    public var name: String {
        switch self {
        case .start: "started"
        case .speech: "speech"
        case .silence: "silence"
        case .transferEnded(let status): "transfer:\(status ?? "failed")"
        case .hangUp: "hangup"
        }
    }
}

/// What one turn produced.
public struct TurnResult: Sendable {
    public var actions: [CallAction]
    /// The passages looked up for the caller's words (empty when none were).
    public var passages: [Passage]
    public var twiml: TwiML
}

/// Runs calls: each Twilio webhook becomes one event for the call's `CallMachine`, whose actions are rendered as
/// TwiML and stored — transcript, leads, owner alerts, the idempotency token and the machine itself — in one
/// transaction. Nothing is kept in memory between two webhooks, so a call survives a restart.
public struct CallService: Sendable {
    /// Re-phrases an extractive answer from the same passages (the LLM, when configured); returns the text to speak.
    public typealias Phraser = @Sendable (_ question: String, _ passages: [Passage], _ extractive: String) async -> String

    let calls: any CallRepository
    /// For events that record no other change (an answering-machine verdict).
    let events: any EventLog
    let knowledge: KnowledgeService
    let phraser: Phraser?
    /// Free slots and booking on the phone; nil: callers who want to book leave their preferred time instead.
    let booking: CallBooking?
    /// Voicemail drops and hang-ups for outbound calls a machine answered; nil: the verdict is only recorded.
    var machineAnswers: MachineAnswers? = nil
    let logger: Logger
    let now: @Sendable () -> Date
    /// Webhooks of one call are handled one at a time, so a turn never races its redelivery or the status callback.
    /// (The version check in `TurnWrite` remains the guard across processes.)
    private let gates = KeyedSerialGates()
    private let turnDuration: Metrics.Timer
    private let outcomes: any MetricsFactory

    /// Passages looked up per question.
    static let passagesPerQuestion = 3
    /// Caller words beyond this are not processed (speech recognition never produces this much for one turn).
    static let maxSpeechCharacters = 1_000

    init(calls: any CallRepository, events: any EventLog, knowledge: KnowledgeService, phraser: Phraser? = nil, booking: CallBooking? = nil,
         logger: Logger, metrics: any MetricsFactory, now: @escaping @Sendable () -> Date = Date.init) {
        self.calls = calls
        self.events = events
        self.booking = booking
        self.knowledge = knowledge
        self.phraser = phraser
        self.logger = logger
        self.now = now
        self.outcomes = metrics
        turnDuration = Metrics.Timer(label: AppMetrics.Name.callTurnDuration, dimensions: [], factory: metrics)
    }

    /// A webhook's place in time and its redelivery token.
    public struct Delivery: Sendable {
        public var idempotencyToken: String?
        /// When the request arrived, for the turn's latency.
        public var received: ContinuousClock.Instant
        public var options: VoiceOptions

        public init(idempotencyToken: String?, received: ContinuousClock.Instant = .now, options: VoiceOptions) {
            self.idempotencyToken = idempotencyToken
            self.received = received
            self.options = options
        }
    }

    // MARK: - Webhooks

    /// `/twilio/voice`: a new call is answered with the business's greeting.
    public func start(business: Business, callSid: String, from: String?, to: String, delivery: Delivery) async throws -> String {
        if let token = delivery.idempotencyToken, let stored = try await calls.response(forIdempotencyToken: token) {
            return stored
        }
        if let existing = try await calls.call(sid: callSid) {
            // Twilio asked again for a call we know (a redirect, or a retry without a token): carry on from there.
            guard existing.businessId == business.id else { return Self.unknownCall(delivery.options) }
            return try await advance(business: business, callSid: callSid, input: .start, delivery: delivery)
        }
        let timestamp = now()
        var machine = CallMachine(callerNumber: from.flatMap { PhoneNumber.isE164($0) ? $0 : nil })
        let result = try await step(&machine, input: .start, business: business, called: to, at: timestamp,
                                    options: delivery.options)
        let actions = result.actions
        let twiml = result.twiml.render()
        let call = CallRecord(
            sid: callSid, businessId: business.id, caller: from, called: to, status: "in-progress", state: machine.state,
            machine: machine, version: 0, outcome: nil, isEmergency: false, emergencyCategory: nil,
            startedAt: timestamp, endedAt: nil, durationSeconds: nil)
        let turn = receptionistTurn(callSid: callSid, actions: actions, state: machine.state, event: "started",
                                    delivery: delivery, at: timestamp)
        var write = TurnWrite(call: call, isNewCall: true, turns: [turn], leads: [], alerts: [],
                              idempotencyToken: delivery.idempotencyToken, response: twiml)
        write.events = [
            EventDraft(businessId: business.id, stream: .call(callSid),
                       CallStarted(direction: .inbound, from: from, to: to, customerNumber: call.customerNumber)),
            Self.turnEvent(call: call, callerText: nil, reply: turn),
        ]
        switch try await calls.write(write) {
        case .stored:
            logger.info("call started", metadata: ["call": "\(callSid)", "from": "\(PhoneMask.mask(from))"])
            return twiml
        case .duplicate(let response):
            return response
        case .conflict:
            // The same call was started concurrently; continue it like a redirect.
            return try await advance(business: business, callSid: callSid, input: .start, delivery: delivery)
        }
    }

    /// `/twilio/gather`: the caller spoke (or did not).
    public func gather(business: Business, callSid: String, speech: String?, confidence: Double?,
                       delivery: Delivery) async throws -> String {
        let text = String((speech ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(Self.maxSpeechCharacters))
        let input: CallInput = text.isEmpty ? .silence : .speech(text, confidence: confidence)
        return try await advance(business: business, callSid: callSid, input: input, delivery: delivery)
    }

    /// `/twilio/transfer-status`: the `<Dial>` finished.
    public func transferEnded(business: Business, callSid: String, dialStatus: String?, delivery: Delivery) async throws -> String {
        try await advance(business: business, callSid: callSid, input: .transferEnded(dialStatus), delivery: delivery)
    }

    /// `/twilio/call-status`: Twilio's status callback. A final status closes the call and records its outcome.
    /// Callbacks are applied in `SequenceNumber` order and never move a call back (``CallStatusProgress``): a
    /// late `ringing` after `in-progress`, or anything after a final status, is ignored.
    public func statusChanged(business: Business, callSid: String, status: String, sequenceNumber: Int? = nil,
                              duration: Int?, idempotencyToken: String?) async throws {
        try await gates.run(callSid) {
            try await statusChangedNow(business: business, callSid: callSid, status: status, sequenceNumber: sequenceNumber,
                                       duration: duration, idempotencyToken: idempotencyToken)
        }
    }

    /// `/twilio/amd-status`: what answered an outbound call, as a `call.status` event on its stream; a machine or a
    /// fax on a call placed with voicemail behaviour gets its message or a hang-up (``MachineAnswers``).
    func answeredBy(business: Business, call: CallRecord, result: AnsweringMachineResult) async throws {
        guard call.businessId == business.id else { return }
        // The change first (keyed by the call): a crash after it leaves a redelivery to record the verdict.
        try await machineAnswers?.handle(call: call, answeredBy: result.answeredBy)
        try await events.append([EventDraft(businessId: business.id, stream: .call(call.sid), CallStatusChanged(
            status: call.status, sequenceNumber: call.statusSequence, answeredBy: result.answeredBy.rawValue))])
        logger.info("answering machine detection", metadata: ["call": "\(call.sid)", "answered_by": "\(result.answeredBy.rawValue)"])
    }

    private func statusChangedNow(business: Business, callSid: String, status: String, sequenceNumber: Int?, duration: Int?,
                                  idempotencyToken: String?) async throws {
        if let token = idempotencyToken, try await calls.response(forIdempotencyToken: token) != nil { return }
        for _ in 0..<Self.maxAttempts {
            guard var call = try await calls.call(sid: callSid), call.businessId == business.id else {
                logger.notice("status for an unknown call", metadata: ["call": "\(callSid)", "status": "\(status)"])
                return
            }
            guard call.endedAt == nil else { return }
            // Out-of-order callbacks: apply only what moves the call forward.
            if let incoming = CallStatus(rawValue: status) {
                let stored = CallStatusProgress(status: CallStatus(rawValue: call.status) ?? .inProgress,
                                                lastSequenceNumber: call.statusSequence)
                guard case .apply(let progress) = stored.decide(incoming, sequenceNumber: sequenceNumber) else {
                    logger.debug("stale status callback ignored", metadata: ["call": "\(callSid)", "status": "\(status)"])
                    return
                }
                call.statusSequence = progress.lastSequenceNumber
            }
            var actions: [CallAction] = []
            let timestamp = now()
            call.status = status
            if Self.finalStatuses.contains(status) {
                let policy = Self.policy(for: business, called: call.called, now: timestamp)
                actions = call.machine.handle(.hungUp, policy: policy)
                call.state = call.machine.state
                call.endedAt = timestamp
                call.durationSeconds = duration
                call.outcome = call.machine.outcome
            }
            let (leads, alerts) = records(from: actions, call: call, at: timestamp)
            var turns: [CallTurn] = []
            if Self.finalStatuses.contains(status) {
                turns.append(CallTurn(id: nil, callSid: callSid, seq: 0, speaker: .caller, text: "", event: "hangup:\(status)",
                                      asrConfidence: nil, state: call.state, citations: nil, answerConfidence: nil,
                                      declined: false, latencyMs: nil, createdAt: timestamp))
            }
            var write = TurnWrite(call: call, isNewCall: false, turns: turns, leads: leads, alerts: alerts,
                                  idempotencyToken: idempotencyToken, response: "")
            let stream = EventStream.call(call.sid)
            if call.endedAt != nil {
                write.events.append(EventDraft(businessId: call.businessId, stream: stream, CallEnded(
                    direction: call.direction, status: status, outcome: call.outcome?.rawValue,
                    durationSeconds: duration, isEmergency: call.isEmergency)))
            } else {
                write.events.append(EventDraft(businessId: call.businessId, stream: stream,
                                               CallStatusChanged(status: status, sequenceNumber: sequenceNumber)))
            }
            switch try await calls.write(write) {
            case .stored:
                if let outcome = call.outcome {
                    Counter(label: AppMetrics.Name.calls, dimensions: [("business", call.businessId), ("outcome", outcome.rawValue)],
                            factory: outcomes).increment()
                    logger.info("call ended", metadata: [
                        "call": "\(callSid)", "outcome": "\(outcome.rawValue)", "duration": "\(duration ?? 0)"])
                }
                return
            case .duplicate:
                return
            case .conflict:
                continue
            }
        }
        throw AppError(.serviceUnavailable, code: "call_busy", message: "the call is being updated; retry")
    }

    // MARK: - One turn

    static let maxAttempts = 5
    static let finalStatuses: Set<String> = ["completed", "busy", "failed", "no-answer", "canceled"]

    /// Reads the call, runs one event through its machine and stores the result; retried when another process
    /// wrote to the same call first.
    private func advance(business: Business, callSid: String, input: CallInput, delivery: Delivery) async throws -> String {
        try await gates.run(callSid) {
            try await advanceNow(business: business, callSid: callSid, input: input, delivery: delivery)
        }
    }

    private func advanceNow(business: Business, callSid: String, input: CallInput, delivery: Delivery) async throws -> String {
        let first: CallRecord?
        switch try await calls.call(sid: callSid, unlessAnswered: delivery.idempotencyToken) {
        case .reply(let stored): return stored
        case .call(let call): first = call
        }
        for attempt in 0..<Self.maxAttempts {
            let read = attempt == 0 ? first : try await calls.call(sid: callSid)
            guard var call = read, call.businessId == business.id else {
                logger.notice("webhook for an unknown call", metadata: ["call": "\(callSid)"])
                return Self.unknownCall(delivery.options)
            }
            if call.state == .ended {
                return TwiML([.hangup]).render()
            }
            let timestamp = now()
            let current = call
            var business = business
            if call.direction == .outbound, let greeting = call.outboundContext?.greeting {
                // An outbound call opens with what it is about, not the inbound greeting.
                business.settings.greeting = greeting
            }
            let result = try await step(&call.machine, input: input, business: business, called: call.businessNumber ?? call.called,
                                        at: timestamp, options: delivery.options) { [booking, business] slot, lead in
                try await booking?.book(slot, lead: lead, business: business, call: current, now: timestamp) ?? false
            }
            let actions = result.actions
            let twiml = result.twiml.render()

            call.state = call.machine.state
            call.questionsAnswered = call.machine.questionsAnswered
            call.questionsDeclined = call.machine.questionsDeclined
            call.transferStatus = call.machine.transfer?.rawValue
            if case .speech = input { call.callerTurns += 1 }
            for case .answer(let answer, _) in actions {
                var cited = call.citedEntries.map { $0.split(separator: ";").map(String.init) } ?? []
                for citation in answer.citations where !cited.contains(citation.entryId) { cited.append(citation.entryId) }
                call.citedEntries = cited.joined(separator: ";")
            }
            if let emergency = call.machine.emergency {
                call.isEmergency = true
                call.emergencyCategory = emergency.category.rawValue
            }
            if call.state == .ended { call.outcome = call.machine.outcome }
            var turns: [CallTurn] = []
            if case .speech(let text, let confidence) = input {
                turns.append(CallTurn(id: nil, callSid: callSid, seq: 0, speaker: .caller, text: text,
                                      event: input.name, asrConfidence: confidence, state: call.state,
                                      citations: nil, answerConfidence: nil, declined: false, latencyMs: nil,
                                      createdAt: timestamp))
            }
            turns.append(receptionistTurn(callSid: callSid, actions: actions, state: call.state, event: input.name,
                                          delivery: delivery, at: timestamp))
            let (leads, alerts) = records(from: actions, call: call, at: timestamp)
            var write = TurnWrite(call: call, isNewCall: false, turns: turns, leads: leads, alerts: alerts,
                                  idempotencyToken: delivery.idempotencyToken, response: twiml)
            write.events = Self.events(of: input, actions: actions, call: call, turns: turns,
                                       kbVersion: knowledge.appliedVersion(businessId: call.businessId))
            switch try await calls.write(write) {
            case .stored:
                turnDuration.recordNanoseconds(Int64((ContinuousClock.now - delivery.received) / .nanoseconds(1)))
                if let emergency = call.machine.emergency, actions.contains(.flagEmergency(emergency)) {
                    Counter(label: AppMetrics.Name.emergencies,
                            dimensions: [("business", call.businessId), ("category", emergency.category.rawValue)],
                            factory: outcomes).increment()
                    logger.warning("emergency reported", metadata: [
                        "call": "\(callSid)", "category": "\(emergency.category.rawValue)",
                        "from": "\(PhoneMask.mask(call.caller))"])
                }
                return twiml
            case .duplicate(let response):
                return response
            case .conflict:
                continue
            }
        }
        throw AppError(.serviceUnavailable, code: "call_busy", message: "the call is being updated; retry")
    }

    /// One turn of a call without storing anything: the knowledge lookup when the machine wants one, the machine's
    /// step, LLM phrasing, TwiML. The webhooks, `frontdesk call`, `frontdesk replay` and the web chat widget all run
    /// turns through here.
    /// - Parameters:
    ///   - medium: `.chat` for the web chat widget: the chat's rules (``policy(for:called:now:medium:)``); its
    ///     caller reads `actions` and ignores the TwiML.
    ///   - book: books a slot the caller confirmed; false when it is no longer free (the turn is then re-run from the
    ///     machine as it was, as `.slotTaken`). Nil books nothing (`frontdesk call`, `replay`).
    public func step(
        _ machine: inout CallMachine, input: CallInput, business: Business, called: String, at timestamp: Date,
        options: VoiceOptions, medium: ConversationMedium = .phone,
        book: (@Sendable (BookingInterval, LeadDraft) async throws -> Bool)? = nil
    ) async throws -> TurnResult {
        var policy = Self.policy(for: business, called: called, now: timestamp, medium: medium)
        if medium == .phone, case .speech(let text, _) = input, let booking, machine.wantsOpenSlots(for: text) {
            policy.openSlots = try await booking.openSlots(business: business, now: timestamp)
        }
        var passages: [Passage] = []
        let event: CallEvent
        switch input {
        case .start:
            event = .started
        case .speech(let text, let confidence):
            var found: [Passage]?
            if let query = machine.knowledgeQuery(for: text, policy: policy) {
                found = try await knowledge.passages(businessId: business.id, question: query, k: Self.passagesPerQuestion)
                passages = found ?? []
            }
            event = .heard(Utterance(text: text, confidence: confidence, passages: found))
        case .silence:
            event = .silence
        case .transferEnded(let status):
            event = .transferEnded(status.flatMap(TransferResult.init(rawValue:)) ?? .failed)
        case .hangUp:
            event = .hungUp
        }
        let before = machine
        var actions = machine.handle(event, policy: policy)
        for case .book(let slot, let lead) in actions {
            guard let book, try await !book(slot, lead) else { break }
            // The slot went to someone else since it was offered: this turn becomes "sorry, it has just been taken",
            // from the machine as it was before the caller's "yes" (nothing of that "yes" is kept).
            machine = before
            if let booking { policy.openSlots = try await booking.openSlots(business: business, now: timestamp) }
            actions = machine.handle(.slotTaken, policy: policy)
            break
        }
        actions = await phrased(actions, passages: passages)
        return TurnResult(actions: actions, passages: passages, twiml: CallResponse.twiml(for: actions, options: options))
    }

    /// The receptionist's line of transcript for a turn, with what it cited and how long the server took.
    private func receptionistTurn(callSid: String, actions: [CallAction], state: CallState, event: String,
                                  delivery: Delivery, at timestamp: Date) -> CallTurn {
        var citations: [Citation]?
        var confidence: Double?
        var declined = false
        for action in actions {
            switch action {
            case .answer(let answer, _):
                citations = answer.citations
                confidence = answer.confidence
            case .declined(_, let best):
                declined = true
                confidence = best
            default: break
            }
        }
        let latency = Double((ContinuousClock.now - delivery.received) / .microseconds(1)) / 1000
        return CallTurn(id: nil, callSid: callSid, seq: 0, speaker: .receptionist, text: CallResponse.spokenText(actions),
                        event: event, asrConfidence: nil, state: state, citations: citations,
                        answerConfidence: confidence, declined: declined, latencyMs: latency, createdAt: timestamp)
    }

    /// The events of one turn: the turn itself, then a finished transfer and a reported emergency.
    static func events(of input: CallInput, actions: [CallAction], call: CallRecord, turns: [CallTurn],
                       kbVersion: Int64? = nil) -> [EventDraft] {
        let stream = EventStream.call(call.sid)
        var events: [EventDraft] = []
        if let reply = turns.last {
            let callerText = turns.first { $0.speaker == .caller }?.text
            events.append(turnEvent(call: call, callerText: callerText, reply: reply, kbVersion: kbVersion))
        }
        if case .transferEnded(let status) = input {
            let result = status.flatMap(TransferResult.init(rawValue:)) ?? .failed
            events.append(EventDraft(businessId: call.businessId, stream: stream,
                                     CallTransferred(dialStatus: status ?? "failed", connected: result.connected)))
        }
        for case .flagEmergency(let match) in actions {
            events.append(EventDraft(businessId: call.businessId, stream: stream, EmergencyReported(
                category: match.category.rawValue, severity: call.machine.lead?.severity?.rawValue, phrase: match.phrase)))
        }
        // The caller confirmed a maintenance report: the ticket is opened from this event (`TicketIntakeConsumer`),
        // so it is as durable as the turn that promised it.
        for case .openTicket(let draft) in actions {
            events.append(EventDraft(businessId: call.businessId, stream: stream, TicketRequested(
                problem: draft.problem, trade: draft.trade.rawValue, priority: draft.priority.rawValue,
                emergencyRule: draft.emergencyRule?.rawValue, priorityReason: draft.priorityReason,
                address: draft.address, unit: draft.unit, postcode: draft.postcode, accessWindow: draft.accessWindow,
                name: draft.name, phone: draft.phone)))
        }
        return events
    }

    /// - Parameter kbVersion: the knowledge version the node answered from, recorded when the reply cited entries.
    static func turnEvent(call: CallRecord, callerText: String?, reply: CallTurn, kbVersion: Int64? = nil) -> EventDraft {
        var cited: [String] = []
        for citation in reply.citations ?? [] where !cited.contains(citation.entryId) { cited.append(citation.entryId) }
        return EventDraft(businessId: call.businessId, stream: .call(call.sid), CallTurnRecorded(
            event: reply.event, callerText: callerText, reply: reply.text, state: reply.state.rawValue,
            citedEntries: cited, declined: reply.declined, latencyMs: reply.latencyMs,
            kbVersion: cited.isEmpty ? nil : kbVersion))
    }

    /// Leads and owner alerts the actions ask for.
    private func records(from actions: [CallAction], call: CallRecord, at timestamp: Date) -> ([Lead], [OwnerAlertRecord]) {
        Self.records(from: actions, businessId: call.businessId, callSid: call.sid, conversationId: nil, at: timestamp)
    }

    /// Leads and owner alerts the actions of a call's turn (`callSid`) or a web chat message (`conversationId`) ask for.
    static func records(from actions: [CallAction], businessId: String, callSid: String?, conversationId: String?,
                        at timestamp: Date) -> ([Lead], [OwnerAlertRecord]) {
        var leads: [Lead] = []
        var alerts: [OwnerAlertRecord] = []
        for action in actions {
            switch action {
            case .saveLead(let draft):
                leads.append(Lead(draft: draft, businessId: businessId, callSid: callSid, conversationId: conversationId,
                                  createdAt: timestamp))
            case .alertOwner(let alert):
                alerts.append(OwnerAlertRecord(id: nil, businessId: businessId, callSid: callSid,
                                               kind: alert.kind.rawValue, callbackNumber: alert.callbackNumber,
                                               message: alert.message, status: "queued", createdAt: timestamp))
            default: break
            }
        }
        return (leads, alerts)
    }

    /// Answers re-phrased by the LLM when one is configured; the extractive text otherwise (or when it fails).
    private func phrased(_ actions: [CallAction], passages: [Passage]) async -> [CallAction] {
        guard let phraser else { return actions }
        var result: [CallAction] = []
        for action in actions {
            if case .answer(var answer, let question) = action {
                let cited = Set(answer.citations.map(\.chunkId))
                let used = passages.filter { cited.contains($0.chunkId) }
                answer.text = await phraser(question, used.isEmpty ? passages : used, answer.text)
                result.append(.answer(answer, question: question))
            } else {
                result.append(action)
            }
        }
        return result
    }

    // MARK: - Policy

    /// The business's rules for a turn at `now`.
    ///
    /// In a web chat (`medium: .chat`) the same settings apply, except what needs a phone call: nobody can be put
    /// through (no transfer number), no booking slots are offered (a booking is taken as a lead with the preferred
    /// time), maintenance reports are taken as messages (tickets are opened from calls and texts), and the chat has
    /// its own greeting (the business's is written to be spoken on a call).
    static func policy(for business: Business, called: String, now: Date, medium: ConversationMedium = .phone) -> CallPolicy {
        let settings = business.settings
        let timeZone = business.zone
        let chat = medium == .chat
        return CallPolicy(
            businessName: business.name,
            greeting: chat ? ConversationMedium.chatGreeting(businessName: business.name) : settings.greeting,
            isOpen: settings.isOpen(at: now, timeZone: timeZone), transferNumber: chat ? nil : settings.transferNumber,
            emergencyNumber: settings.emergencyNumber, emergencyPhrases: settings.emergencyPhrases,
            answerThreshold: settings.answerConfidenceThreshold, collectAddress: settings.collectAddress,
            defaultCountryCode: PhoneNumber.countryCode(of: called) ?? "1", now: now, timeZone: timeZone,
            maintenanceIntake: chat ? false : settings.maintenanceIntake, medium: medium)
    }

    /// TwiML for a call we have no record of (or one of another business).
    static func unknownCall(_ options: VoiceOptions) -> String {
        TwiML([.say(Say("Sorry, something went wrong with this call. Please call again.", voice: options.voice,
                        language: options.language)), .hangup]).render()
    }
}
