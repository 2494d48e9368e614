import Campaigns
import Events
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import Logging

/// `frontdesk bench campaign`: a campaign of ``CampaignSimulation/Parameters/recipients`` people run by the real
/// server — every route, the dialer, the `call.create` job's pacing, the webhooks, the event consumers — against
/// ``SimulatedTwilio`` on a virtual clock. The business uploads the list over REST, starts the campaign and watches
/// it on `GET /v1/campaigns/{id}/live`; the simulated people answer, are busy, do not pick up, or have a machine
/// (``CampaignSimulation``), each through the signed callbacks and webhooks Twilio would send. Afterwards
/// ``CampaignTrace`` checks the calls Twilio was asked for against the rules, and the report gives the dialer's CPU
/// time per dial and the live stream's delay from an event's commit to the watching client.
///
/// The server's background work (consumers, due jobs, the dialer's 5-second pass) is run by the bench between the
/// world's happenings, as ``DispatchSimulator`` does, so the virtual clock moves only when everything is at rest.
public struct CampaignBench: Sendable {
    public struct Options: Sendable {
        public var simulation = CampaignSimulation.Parameters()
        public var limits = OutboundLimits.default
        /// The campaign's own `pacing.max_concurrent_calls`.
        public var campaignConcurrency = 10
        public var modelDirectory: String
        /// A folder for the database (a new file in it).
        public var directory: String
        /// The most virtual days before the run is declared stuck.
        public var horizonDays = 30

        public init(modelDirectory: String, directory: String) {
            self.modelDirectory = modelDirectory
            self.directory = directory
        }
    }

    public static let callerNumber = "+15550107000"
    static let publicBaseURL = "https://frontdesk.bench.invalid"
    static let questions: [(field: String, text: String, kind: AnswerKind)] = [
        ("confirmed", "Can you still make your appointment on {{day}}?", .yesNo),
        ("best_time", "When is the best time for the engineer to arrive?", .dateTime),
        ("notes", "Anything the engineer should know?", .freeText),
    ]

    let options: Options
    let logger: Logger

    public init(_ options: Options, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    public func run() async throws -> CampaignBenchReport {
        let clock = SimulationClock(CampaignSimulation.start)
        let twilio = SimulatedTwilio(now: { clock.now })
        return try await LoopbackServer.serve(twilio.router(), name: "simulated-twilio") { twilioBase in
            var config = AppConfig()
            config.databasePath = URL(fileURLWithPath: options.directory).appendingPathComponent("campaign-bench.sqlite").path
            config.modelDirectory = options.modelDirectory
            config.adminKey = "bench-admin-key-" + UUID().uuidString
            config.twilioAccountSid = SimulatedTwilio.accountSid
            config.twilioAuthToken = SimulatedTwilio.authToken
            config.twilioAPIBaseURL = twilioBase.absoluteString
            config.publicBaseURL = Self.publicBaseURL
            config.outboundLimits = options.limits
            let services = try await makeServices(config, logger: logger, announce: { _ in }, now: { clock.now },
                                                  sleep: { seconds in clock.advance(to: clock.now.addingTimeInterval(seconds)) })
            let router = buildRouter(services, logger: logger)
            return try await LoopbackServer.serve(router, name: "frontdesk-bench") { serverBase in
                let run = CampaignBenchRun(options: options, clock: clock, twilio: twilio, services: services,
                                           server: serverBase, logger: logger)
                return try await run.run()
            }
        }
    }
}

/// What `frontdesk bench campaign` found.
public struct CampaignBenchReport: Sendable {
    public var options: CampaignBench.Options
    /// Every call Twilio was asked for and what the checks read.
    public var trace: CampaignTrace
    /// Recipients by final state.
    public var states: [String: Int]
    public var dials: Int
    public var figures: CampaignTrace.Figures
    /// Rules broken, and anything else that went wrong; empty on a clean run.
    public var problems: [String]
    /// The dialer's passes, and the process CPU time they took (the dialer runs alone then).
    public var dialerPasses: Int
    public var dialerCPUSeconds: Double
    /// The anchor: process CPU time of one event append (one small transaction), measured in the same run.
    public var appendCPUSeconds: Double
    /// Milliseconds from the start of the step that committed an event to the live client receiving it, over every
    /// event of the campaign's stream. A step is one webhook, one dialer pass, one consumer's drain or one pass of
    /// due jobs, so this is an upper bound that includes the rest of that step.
    public var liveDelaysMilliseconds: [Double]
    /// Events of the campaign's stream the live client never received.
    public var missedLiveEvents: Int
    public var virtualSeconds: TimeInterval
    public var wallSeconds: Double
    public var webhooks: Int

    public var cpuPerDialSeconds: Double { dials == 0 ? .nan : dialerCPUSeconds / Double(dials) }

    public func liveDelay(percentile: Double) -> Double {
        guard !liveDelaysMilliseconds.isEmpty else { return .nan }
        let sorted = liveDelaysMilliseconds.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * percentile).rounded(.up)))]
    }
}

/// One run of the bench: the world's agenda, the calls in progress, and the driver loop.
final class CampaignBenchRun {
    let options: CampaignBench.Options
    let clock: SimulationClock
    let twilio: SimulatedTwilio
    let services: AppServices
    let server: URL
    let logger: Logger
    let background: SimulatedBackground
    let recipients: [CampaignSimulation.Recipient]
    let recipientByPhone: [String: Int]
    let session: URLSession
    let signer = TwilioSignatureValidator(authToken: SimulatedTwilio.authToken)

    private var agenda = SimulationAgenda<Happening>()
    private var calls: [String: LiveCall] = [:]
    private var attemptsByRecipient: [Int: Int] = [:]
    private var dials: [String: CampaignTrace.Dial] = [:]
    private var optedOutAt: [String: Date] = [:]
    private var problems: [String] = []
    private var webhooks = 0
    /// Before each step of the run: when it began (wall clock) and the newest event id then.
    private var steps: [(at: ContinuousClock.Instant, lastEventId: Int64)] = []

    enum Happening {
        case status(sid: String, status: String, sequence: Int)
        case answer(sid: String)
        case amd(sid: String, answeredBy: String)
        case speak(sid: String, action: String, speech: String)
        case hangUp(sid: String)
    }

    struct LiveCall {
        var placed: SimulatedTwilio.PlacedCall
        var recipient: Int
        var pickup: CampaignSimulation.Pickup
        var answeredAt: Date?
        var gathers = 0
        var ended = false
        var sequence = 0
    }

    init(options: CampaignBench.Options, clock: SimulationClock, twilio: SimulatedTwilio, services: AppServices,
         server: URL, logger: Logger) {
        self.options = options
        self.clock = clock
        self.twilio = twilio
        self.services = services
        self.server = server
        self.logger = logger
        background = SimulatedBackground(consumers: services.eventConsumers, jobRunner: services.jobRunner,
                                         events: services.events, jobs: services.jobs)
        recipients = CampaignSimulation.recipients(options.simulation)
        recipientByPhone = Dictionary(uniqueKeysWithValues: recipients.map { ($0.phone, $0.index) })
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 120
        session = URLSession(configuration: configuration)
    }

    func run() async throws -> CampaignBenchReport {
        let wallStart = ContinuousClock.now
        background.beforeStep = { [unowned self] in try await self.mark() }
        let business = try await services.businesses.create(NewBusiness(
            slug: "bench-plumbing", name: "Bench Plumbing", timeZone: "America/Chicago", numbers: [CampaignBench.callerNumber]))
        let key = try await services.apiKeys.rotate(businessId: business.id)
        let appendCPU = try await measureAppend(businessId: business.id)

        // The business's set-up, over REST as a business does it.
        for recipient in recipients where recipient.doNotCall {
            try await rest("POST", "/v1/do-not-call", key: key, json: ["phone": recipient.phone], expect: 201)
        }
        let campaign = try await rest("POST", "/v1/campaigns", key: key, json: campaignBody(), expect: 201)
        guard let id = campaign["id"] as? String else { throw BenchFailure("no campaign id in \(campaign)") }
        try await rest("POST", "/v1/campaigns/\(id)/recipients", key: key, raw: CampaignSimulation.csv(recipients),
                       contentType: "text/csv", expect: 201)
        let watcher = LiveStreamWatcher()
        watcher.start(server.appendingPathComponent("v1/campaigns/\(id)/live"), apiKey: key)
        defer { watcher.stop() }
        try await rest("POST", "/v1/campaigns/\(id)/start", key: key, expect: 200)

        // The loop: the dialer's pass every 5 s, the world's happenings, the background work; the clock moves only
        // when all are at rest.
        let dialer = services.campaignDialer
        var nextPass = clock.now
        var passes = 0
        var dialerCPU = 0.0
        let horizon = CampaignSimulation.start.addingTimeInterval(TimeInterval(options.horizonDays * 86_400))
        while true {
            if clock.now >= nextPass {
                try await mark()
                let before = Self.processCPUSeconds()
                let pass = try await dialer.run()
                dialerCPU += Self.processCPUSeconds() - before
                passes += 1
                nextPass = clock.now.addingTimeInterval(CampaignDialer.interval)
                if try await services.repositories.campaigns.get(id: id, businessId: business.id)?.state == .completed { break }
                if pass.placed == 0, pass.deferred == 0, calls.isEmpty, agenda.nextTime == nil {
                    // Nothing to do until someone's next attempt or window: the passes in between would find nothing.
                    if let wake = try await earliestNextAttempt(campaignId: id, businessId: business.id), wake > nextPass {
                        nextPass = Date(timeIntervalSince1970: (wake.timeIntervalSince1970 / CampaignDialer.interval).rounded(.up)
                                        * CampaignDialer.interval)
                    }
                }
            }
            try await settle()
            while let happening = agenda.next(dueBy: clock.now) {
                try await mark()
                try await perform(happening)
                try await settle()
            }
            let nextJob = try await services.jobs.nextRunAt()
            let next = [nextPass, agenda.nextTime, nextJob].compactMap { $0 }.min() ?? nextPass
            guard next <= horizon else {
                problems.append("the campaign had not completed \(options.horizonDays) days after the start")
                break
            }
            clock.advance(to: next)
        }
        let virtualSeconds = clock.now.timeIntervalSince(CampaignSimulation.start)

        // What the live client saw: every event of the campaign's stream, each once.
        let snapshotId = watcher.snapshotId ?? 0
        let streamEvents = try await campaignEvents(campaignId: id, businessId: business.id).filter { $0.id > snapshotId }
        if let last = streamEvents.last, !(await watcher.waitFor(id: last.id, timeout: .seconds(30))) {
            problems.append("the live stream had not delivered event \(last.id) 30 s after the run")
        }
        let arrivals = watcher.arrivals
        let outcome = watcher.outcome
        if outcome.status != 200 { problems.append("GET /v1/campaigns/\(id)/live answered \(outcome.status.map(String.init) ?? "nothing")") }
        if watcher.snapshots != 1 { problems.append("the live stream sent \(watcher.snapshots) snapshots, not 1") }
        var delays: [Double] = []
        var missed = 0
        for event in streamEvents {
            guard let arrived = arrivals[event.id] else { missed += 1; continue }
            // The last step that began before the event was committed.
            var low = 0, high = steps.count - 1, found: Int?
            while low <= high {
                let middle = (low + high) / 2
                if steps[middle].lastEventId < event.id { found = middle; low = middle + 1 } else { high = middle - 1 }
            }
            if let found { delays.append(Double((arrived - steps[found].at) / .microseconds(1)) / 1000) }
        }
        if missed > 0 { problems.append("the live client missed \(missed) of \(streamEvents.count) events") }

        // The results, over REST, and the checks.
        let rows = try await resultRows(campaignId: id, key: key)
        var finalStates: [String: RecipientState] = [:]
        var waiting: Set<String> = []
        var counts: [String: Int] = [:]
        for row in rows {
            guard let phone = row["phone_number"] as? String, let raw = row["state"] as? String,
                  let state = RecipientState(rawValue: raw) else { continue }
            finalStates[phone] = state
            if row["next_attempt_at"] is String { waiting.insert(phone) }
            counts[raw, default: 0] += 1
        }
        let trace = CampaignTrace(
            dials: Array(dials.values),
            zones: Dictionary(uniqueKeysWithValues: recipients.map { ($0.phone, TimeZone(identifier: $0.zone)!) }),
            doNotCall: Set(recipients.filter(\.doNotCall).map(\.phone)), optedOutAt: optedOutAt, finalStates: finalStates,
            waiting: waiting)
        let rules = CampaignTrace.Rules(
            callsPerSecond: options.limits.callsPerSecond,
            maxConcurrentCalls: min(options.limits.maxConcurrentCalls, options.campaignConcurrency),
            window: .standard, retry: .standard)
        let (broken, figures) = trace.check(rules)
        problems += broken
        problems += background.consumerFailures.prefix(10)
        let (_, failedJobs) = try await services.jobs.counts()
        if failedJobs > 0 { problems.append("\(failedJobs) job(s) of the work queue failed for good") }
        return CampaignBenchReport(
            options: options, trace: trace, states: counts, dials: dials.count, figures: figures, problems: problems,
            dialerPasses: passes, dialerCPUSeconds: dialerCPU, appendCPUSeconds: appendCPU,
            liveDelaysMilliseconds: delays, missedLiveEvents: missed, virtualSeconds: virtualSeconds,
            wallSeconds: Double((ContinuousClock.now - wallStart) / .milliseconds(1)) / 1000, webhooks: webhooks)
    }

    // MARK: - The server's background work

    private func settle() async throws {
        while true {
            let did = try await background.round(now: clock.now)
            let arrived = twilio.takeNew()
            for placed in arrived.placed { dialled(placed) }
            for update in arrived.updates { updated(update) }
            guard did || !arrived.placed.isEmpty || !arrived.updates.isEmpty else { return }
        }
    }

    /// Notes when a step begins, for the live stream's delay.
    private func mark() async throws {
        steps.append((ContinuousClock.now, try await services.events.lastEventId()))
    }

    // MARK: - The simulated world

    /// Twilio was asked to place a call: what happens to it is drawn for the recipient's attempt.
    private func dialled(_ placed: SimulatedTwilio.PlacedCall) {
        guard let recipient = recipientByPhone[placed.to] else {
            problems.append("a call to \(placed.to), who is not on the list")
            return
        }
        let attempt = (attemptsByRecipient[recipient] ?? 0) + 1
        attemptsByRecipient[recipient] = attempt
        dials[placed.sid] = CampaignTrace.Dial(phone: placed.to, at: placed.at, endedAt: nil)
        let pickup = CampaignSimulation.pickup(recipient: recipient, attempt: attempt,
                                               questionKinds: CampaignBench.questions.map(\.kind), options.simulation)
        calls[placed.sid] = LiveCall(placed: placed, recipient: recipient, pickup: pickup)
        let sid = placed.sid
        // Status callbacks carry their SequenceNumber in the order Twilio made them; one in ten ringing callbacks
        // arrives late, after the answer or the end.
        let lateRinging = placed.sid.hashValue % 10 == 0
        switch pickup {
        case .busy:
            schedule(.status(sid: sid, status: "busy", sequence: 0), after: 2)
        case .failed:
            schedule(.status(sid: sid, status: "failed", sequence: 0), after: 1)
        case .noAnswer:
            schedule(.status(sid: sid, status: "ringing", sequence: 0), after: lateRinging ? 40 : 1)
            schedule(.status(sid: sid, status: "no-answer", sequence: 1), after: 1 + TimeInterval(OutboundLimits.ringTimeout))
        case .human(let ring, _):
            schedule(.status(sid: sid, status: "ringing", sequence: 0), after: lateRinging ? TimeInterval(ring) + 5 : 1)
            schedule(.status(sid: sid, status: "in-progress", sequence: 1), after: TimeInterval(ring))
            schedule(.answer(sid: sid), after: TimeInterval(ring))
            schedule(.amd(sid: sid, answeredBy: "human"), after: TimeInterval(ring) + 2)
        case .machine(let ring, let greeting):
            schedule(.status(sid: sid, status: "ringing", sequence: 0), after: 1)
            schedule(.status(sid: sid, status: "in-progress", sequence: 1), after: TimeInterval(ring))
            schedule(.answer(sid: sid), after: TimeInterval(ring))
            schedule(.amd(sid: sid, answeredBy: "machine_end_beep"), after: TimeInterval(ring + greeting))
            // A machine that is never given a message hangs up on the silence.
            schedule(.hangUp(sid: sid), after: TimeInterval(ring + greeting) + 180)
        }
    }

    /// The server changed a call: a message for the machine is played, then the call ends; or it hung up.
    private func updated(_ update: SimulatedTwilio.Update) {
        guard let call = calls[update.sid], !call.ended else { return }
        if update.status == "completed" || update.twiml?.contains("<Hangup") == true && update.twiml?.contains("<Say") != true {
            schedule(.hangUp(sid: update.sid), after: 1)
        } else {
            schedule(.hangUp(sid: update.sid), after: 15)
        }
    }

    private func schedule(_ happening: Happening, after seconds: TimeInterval) {
        agenda.add(happening, at: clock.now.addingTimeInterval(seconds))
    }

    private func perform(_ happening: Happening) async throws {
        switch happening {
        case let .status(sid, status, sequence):
            guard var call = calls[sid] else { return }
            let final = ["busy", "failed", "no-answer", "completed", "canceled"].contains(status)
            if final {
                guard !call.ended else { return }
                call.ended = true
                calls[sid] = nil
                twilio.ended(sid)
                dials[sid]?.endedAt = clock.now
            } else if call.ended {
                // A late callback still arrives.
            } else {
                calls[sid] = call
            }
            var fields: [(String, String)] = [("CallStatus", status), ("SequenceNumber", String(sequence))]
            if status == "completed" {
                let answered = call.answeredAt ?? clock.now
                fields.append(("CallDuration", String(Int(clock.now.timeIntervalSince(answered)))))
            }
            _ = try await webhook(call.placed.statusCallback ?? "", call.placed, fields)
        case .answer(let sid):
            guard var call = calls[sid], !call.ended else { return }
            call.answeredAt = clock.now
            calls[sid] = call
            let twiml = try await webhook(call.placed.url, call.placed, [("CallStatus", "in-progress")])
            respond(to: twiml, sid: sid)
        case let .amd(sid, answeredBy):
            guard let call = calls[sid], !call.ended else { return }
            _ = try await webhook(call.placed.amdCallback ?? "", call.placed,
                                  [("CallStatus", "in-progress"), ("AnsweredBy", answeredBy), ("MachineDetectionDuration", "3200")])
        case let .speak(sid, action, speech):
            guard var call = calls[sid], !call.ended else { return }
            call.gathers += 1
            calls[sid] = call
            if speech == CampaignSimulation.optOutLine { optedOutAt[call.placed.to] = clock.now }
            let twiml = try await webhook(action, call.placed, [("CallStatus", "in-progress"), ("SpeechResult", speech),
                                                                ("Confidence", "0.91")])
            respond(to: twiml, sid: sid)
        case .hangUp(let sid):
            guard let call = calls[sid], !call.ended else { return }
            try await perform(.status(sid: sid, status: "completed", sequence: call.sequence + 2))
        }
    }

    /// A person hears the server's TwiML: answers the question a `<Gather>` asks, or hangs up after a goodbye.
    private func respond(to twiml: String, sid: String) {
        guard let call = calls[sid], case .human(_, let answers) = call.pickup else { return }
        if let action = Self.gatherAction(twiml), !twiml.contains("<Hangup") {
            // Past the planned answers (a question asked again), the person agrees once more, then hangs up.
            if call.gathers < answers.count {
                schedule(.speak(sid: sid, action: action, speech: answers[call.gathers]), after: 4)
            } else if call.gathers < answers.count + 2 {
                schedule(.speak(sid: sid, action: action, speech: "yes"), after: 4)
            } else {
                schedule(.hangUp(sid: sid), after: 2)
            }
        } else {
            schedule(.hangUp(sid: sid), after: 2)
        }
    }

    /// The `action` of the TwiML's `<Gather>`, with XML's `&amp;` undone.
    static func gatherAction(_ twiml: String) -> String? {
        guard let gather = twiml.range(of: "<Gather"),
              let start = twiml.range(of: "action=\"", range: gather.upperBound..<twiml.endIndex),
              let end = twiml[start.upperBound...].firstIndex(of: "\"")
        else { return nil }
        return String(twiml[start.upperBound..<end]).replacingOccurrences(of: "&amp;", with: "&")
    }

    // MARK: - HTTP

    /// Posts a signed webhook as Twilio does: to the public URL the server gave (`url` may be a path under it),
    /// signed over that URL, sent to the bench's server. Returns the TwiML.
    private func webhook(_ url: String, _ call: SimulatedTwilio.PlacedCall, _ extra: [(String, String)]) async throws -> String {
        let publicURL = url.hasPrefix("/") ? CampaignBench.publicBaseURL + url : url
        guard publicURL.hasPrefix(CampaignBench.publicBaseURL) else { throw BenchFailure("a webhook URL off the server: \(url)") }
        var form = FormParameters()
        for (name, value) in [("AccountSid", SimulatedTwilio.accountSid), ("CallSid", call.sid), ("From", call.from),
                              ("To", call.to), ("Direction", "outbound-api")] + extra {
            form.append(name: name, value: value)
        }
        var request = URLRequest(url: URL(string: server.absoluteString + publicURL.dropFirst(CampaignBench.publicBaseURL.count))!)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue(signer.signature(url: publicURL, parameters: form), forHTTPHeaderField: "X-Twilio-Signature")
        request.httpBody = Data(form.formEncoded.utf8)
        webhooks += 1
        let (data, response) = try await session.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let body = String(decoding: data, as: UTF8.self)
        if status != 200 { problems.append("\(publicURL.dropFirst(CampaignBench.publicBaseURL.count)) answered \(status): \(body.prefix(200))") }
        return body
    }

    @discardableResult
    private func rest(_ method: String, _ path: String, key: String, json: [String: Any]? = nil, raw: String? = nil,
                      contentType: String = "application/json", expect: Int) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: server.absoluteString + path)!)
        request.httpMethod = method
        request.setValue(key, forHTTPHeaderField: "X-API-Key")
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        } else if let raw {
            request.httpBody = Data(raw.utf8)
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await session.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == expect else {
            throw BenchFailure("\(method) \(path) answered \(status), not \(expect): \(String(decoding: data.prefix(500), as: UTF8.self))")
        }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    private func resultRows(campaignId: String, key: String) async throws -> [[String: Any]] {
        var request = URLRequest(url: URL(string: server.absoluteString + "/v1/campaigns/\(campaignId)/results")!)
        request.setValue(key, forHTTPHeaderField: "X-API-Key")
        let (data, response) = try await session.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw BenchFailure("GET …/results failed") }
        return (try JSONSerialization.jsonObject(with: data)) as? [[String: Any]] ?? []
    }

    private func campaignBody() -> [String: Any] {
        [
            "name": "Spring boiler service confirmations",
            "caller_number": CampaignBench.callerNumber,
            "voicemail": "leave_message",
            "pacing": ["max_concurrent_calls": options.campaignConcurrency],
            "script": [
                "purpose": "I'm calling about your boiler service.",
                "opening_line": "Hi {{first_name}}.",
                "questions": CampaignBench.questions.map { ["field": $0.field, "text": $0.text.replacingOccurrences(of: "{{day}}", with: "Tuesday"), "kind": $0.kind.rawValue] },
                "closing_line": "Thank you, goodbye.",
                "voicemail_message": "Hi {{first_name}}, this is Bench Plumbing about your boiler service. Please call us back.",
            ] as [String: Any],
        ]
    }

    // MARK: - Measures

    private func campaignEvents(campaignId: String, businessId: String) async throws -> [StoredEvent] {
        var all: [StoredEvent] = []
        var after: Int64 = 0
        while true {
            let page = try await services.events.events(EventQuery(businessId: businessId, after: after, limit: 1_000))
            guard let last = page.last else { return all }
            all += page.filter { $0.stream == .campaign(campaignId) }
            after = last.id
        }
    }

    private func earliestNextAttempt(campaignId: String, businessId: String) async throws -> Date? {
        try await services.repositories.campaigns.dueRecipients(campaignId: campaignId, businessId: businessId,
                                                                now: .distantFuture, limit: 100_000)
            .compactMap(\.nextAttemptAt).min()
    }

    /// The anchor: CPU time of one event append, the smallest durable write the server makes.
    private func measureAppend(businessId: String) async throws -> Double {
        let rounds = 200
        let before = Self.processCPUSeconds()
        for index in 0..<rounds {
            _ = try await services.events.append([EventDraft(businessId: businessId, stream: .campaign("bench-anchor"),
    CampaignStateChanged(campaignId: "bench-anchor", from: .paused, to: .running, actor: .system, reason: "anchor \(index)"))])
        }
        return (Self.processCPUSeconds() - before) / Double(rounds)
    }

    static func processCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
