import Foundation

/// Who to try next when a ticket escalates: the landlord contacts in order, each up to `attemptsPerContact` times;
/// an attempt is a text and then a call to the same number, and attempts are `gap` apart (also before moving on to
/// the next contact, so the last one has as long to answer as the others).
///
/// Pure: the caller records each step it performs (``EscalationAttempt``) and asks again; it stops asking once
/// someone has acknowledged the ticket (it leaves `escalated`). With no contacts the plan is exhausted at once.
public struct EscalationPlan: Sendable, Equatable {
    public var contacts: [LandlordContact]
    public var attemptsPerContact: Int
    /// Seconds between two attempts.
    public var gap: TimeInterval

    public init(contacts: [LandlordContact], attemptsPerContact: Int, gap: TimeInterval) {
        self.contacts = contacts
        self.attemptsPerContact = attemptsPerContact
        self.gap = gap
    }

    /// How a contact is reached.
    public enum Channel: String, Codable, Sendable, CaseIterable {
        case sms, call
    }

    /// One step of the plan: reach `contact` through `channel` at (or after) `at`; `attempt` counts from 1.
    public struct Step: Sendable, Equatable {
        public var contact: LandlordContact
        public var channel: Channel
        public var attempt: Int
        public var at: Date

        public init(contact: LandlordContact, channel: Channel, attempt: Int, at: Date) {
            self.contact = contact
            self.channel = channel
            self.attempt = attempt
            self.at = at
        }
    }

    /// What to do next.
    public enum Next: Sendable, Equatable {
        case attempt(Step)
        /// Every contact was tried `attemptsPerContact` times (or there are none).
        case exhausted
    }

    /// Every step in order, without times: contact 1 attempt 1 (SMS, call), attempt 2 …, then contact 2.
    public var sequence: [(contact: LandlordContact, channel: Channel, attempt: Int)] {
        contacts.flatMap { contact in
            (1...max(attemptsPerContact, 1)).flatMap { attempt in
                Channel.allCases.map { (contact: contact, channel: $0, attempt: attempt) }
            }
        }
    }

    /// The next step after `made` (the steps already performed, in any order) for an escalation that began at
    /// `startedAt`. The first step is due at `startedAt`; a call follows its text at once (same time); a new
    /// attempt is due `gap` after the latest step made, so a late step never squeezes the next one.
    public func next(after made: [EscalationAttempt], startedAt: Date) -> Next {
        var done: [String: Int] = [:]   // "phone|channel" → steps made
        for step in made { done["\(step.phone)|\(step.channel.rawValue)", default: 0] += 1 }
        var seen: [String: Int] = [:]
        for step in sequence {
            let key = "\(step.contact.phone)|\(step.channel.rawValue)"
            seen[key, default: 0] += 1
            guard seen[key]! > done[key, default: 0] else { continue }
            let latest = made.map(\.at).max()
            let at: Date
            if let latest {
                // The call of an attempt goes with its text; a new attempt (a text) waits out the gap.
                at = step.channel == .call ? latest : latest.addingTimeInterval(gap)
            } else {
                at = startedAt
            }
            return .attempt(Step(contact: step.contact, channel: step.channel, attempt: step.attempt, at: at))
        }
        return .exhausted
    }
}

/// A step of an escalation that was performed: `channel` to `phone` at `at`.
public struct EscalationAttempt: Codable, Sendable, Equatable {
    public var phone: String
    public var channel: EscalationPlan.Channel
    public var at: Date

    public init(phone: String, channel: EscalationPlan.Channel, at: Date) {
        self.phone = phone
        self.channel = channel
        self.at = at
    }
}
