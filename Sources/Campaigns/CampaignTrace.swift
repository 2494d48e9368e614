import Foundation

/// What a campaign's run looked like from the telephone network's side — every call Twilio was asked to place, when,
/// to whom, and when it ended — checked against the rules a campaign must keep (`frontdesk bench campaign`):
/// the account's calls per second and the concurrent-call limit never exceeded, nobody called outside the calling
/// window in their own time zone, nobody on the do-not-call list or after asking not to be called, no more attempts
/// than the retry policy allows and never sooner than its gap, and every recipient in a final state at the end.
/// Pure: the bench records, this judges.
public struct CampaignTrace: Sendable {
    public struct Dial: Sendable, Equatable {
        public var phone: String
        /// When the call was requested (Twilio's `POST …/Calls.json`).
        public var at: Date
        /// When its final status was reported (nil: never, which is itself a finding).
        public var endedAt: Date?

        public init(phone: String, at: Date, endedAt: Date?) {
            self.phone = phone
            self.at = at
            self.endedAt = endedAt
        }
    }

    public struct Rules: Sendable, Equatable {
        public var callsPerSecond: Double
        public var maxConcurrentCalls: Int
        public var window: CallingWindow
        public var retry: RetryPolicy

        public init(callsPerSecond: Double, maxConcurrentCalls: Int, window: CallingWindow, retry: RetryPolicy) {
            self.callsPerSecond = callsPerSecond
            self.maxConcurrentCalls = maxConcurrentCalls
            self.window = window
            self.retry = retry
        }
    }

    /// What the checks measured, whatever they found.
    public struct Figures: Sendable, Equatable {
        /// The most calls requested within any one second.
        public var peakCallsPerSecond = 0
        /// The most calls open at once.
        public var peakConcurrentCalls = 0
        /// The shortest time between two attempts to the same number (nil: nobody was called twice).
        public var shortestRetryGap: TimeInterval?
        public var mostAttempts = 0
    }

    public var dials: [Dial]
    /// The zone each number is called in.
    public var zones: [String: TimeZone]
    /// Numbers on the do-not-call list before the campaign started.
    public var doNotCall: Set<String>
    /// When a callee asked not to be called again.
    public var optedOutAt: [String: Date]
    /// Each recipient's state at the end, by number.
    public var finalStates: [String: RecipientState]
    /// Numbers whose recipient still has an attempt scheduled at the end (a busy line to be retried): not done.
    public var waiting: Set<String>

    public init(dials: [Dial], zones: [String: TimeZone], doNotCall: Set<String>, optedOutAt: [String: Date],
                finalStates: [String: RecipientState], waiting: Set<String> = []) {
        self.dials = dials
        self.zones = zones
        self.doNotCall = doNotCall
        self.optedOutAt = optedOutAt
        self.finalStates = finalStates
        self.waiting = waiting
    }

    /// Every rule broken (at most `limit` examples of each), and the figures.
    public func check(_ rules: Rules, limit: Int = 3) -> (problems: [String], figures: Figures) {
        var problems: [String] = []
        var figures = Figures()
        func report(_ found: [String], _ what: String) {
            guard !found.isEmpty else { return }
            problems.append("\(found.count) \(what), e.g. \(found.prefix(limit).joined(separator: "; "))")
        }
        let ordered = dials.sorted { $0.at < $1.at }
        let stamp = ISO8601DateFormatter()

        // Calls per second: no one-second span holds more than the rate allows (times are kept to the millisecond).
        let perSecond = max(1, Int(rules.callsPerSecond.rounded(.up)))
        var tooFast: [String] = []
        var first = 0
        for (last, dial) in ordered.enumerated() {
            while dial.at.timeIntervalSince(ordered[first].at) >= 1 - 0.0005 { first += 1 }
            figures.peakCallsPerSecond = max(figures.peakCallsPerSecond, last - first + 1)
            if last - first + 1 > perSecond { tooFast.append("\(last - first + 1) calls in the second before \(stamp.string(from: dial.at))") }
        }
        report(tooFast, "one-second spans over \(rules.callsPerSecond) calls per second")

        // Concurrency: a sweep over starts and ends (an end frees its slot before a start at the same instant).
        var changes = ordered.map { ($0.at, 1) } + ordered.compactMap { dial in dial.endedAt.map { ($0, -1) } }
        changes.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        var open = 0
        var crowded: [String] = []
        for (at, change) in changes {
            open += change
            figures.peakConcurrentCalls = max(figures.peakConcurrentCalls, open)
            if open > rules.maxConcurrentCalls { crowded.append("\(open) open at \(stamp.string(from: at))") }
        }
        report(crowded, "moments over \(rules.maxConcurrentCalls) concurrent calls")
        report(ordered.filter { $0.endedAt == nil }.map(\.phone), "calls that never ended")

        // The window, in the callee's own zone, at the moment of each request.
        report(ordered.compactMap { dial in
            guard let zone = zones[dial.phone] else { return "\(dial.phone): no zone" }
            guard !rules.window.allows(dial.at, in: zone) else { return nil }
            return "\(dial.phone) at \(CallingWindow.clock(CallingWindow.minuteOfDay(dial.at, in: zone))) in \(zone.identifier)"
        }, "calls outside the calling window")

        // Suppression: the do-not-call list, and an opt-out from then on.
        report(ordered.filter { doNotCall.contains($0.phone) }.map(\.phone), "calls to numbers on the do-not-call list")
        report(ordered.compactMap { dial in
            guard let out = optedOutAt[dial.phone], dial.at > out else { return nil }
            return "\(dial.phone) at \(stamp.string(from: dial.at))"
        }, "calls after the callee asked not to be called")

        // The retry budget and gap.
        var attempts: [String: [Date]] = [:]
        for dial in ordered { attempts[dial.phone, default: []].append(dial.at) }
        var overBudget: [String] = [], tooSoon: [String] = []
        for (phone, times) in attempts {
            figures.mostAttempts = max(figures.mostAttempts, times.count)
            if times.count > rules.retry.maxAttempts { overBudget.append("\(phone): \(times.count)") }
            for (earlier, later) in zip(times, times.dropFirst()) {
                let gap = later.timeIntervalSince(earlier)
                figures.shortestRetryGap = min(figures.shortestRetryGap ?? gap, gap)
                if gap < rules.retry.minimumGap { tooSoon.append("\(phone): \(Int(gap)) s apart") }
            }
        }
        report(overBudget.sorted(), "numbers called more than \(rules.retry.maxAttempts) times")
        report(tooSoon.sorted(), "retries sooner than \(Int(rules.retry.minimumGap)) s")

        // Everyone done: in a final state, or busy / no answer / failed with no attempt left.
        report(finalStates.filter { phone, state in !state.isFinal && (!state.mayBeRetried || waiting.contains(phone)) }
                   .map { "\($0.key) \($0.value.rawValue)" }.sorted(),
               "recipients not in a final state")
        report(zones.keys.filter { finalStates[$0] == nil }.sorted(), "recipients missing from the results")
        return (problems, figures)
    }
}
