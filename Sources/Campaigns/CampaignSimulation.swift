import Foundation

/// The simulated world of `frontdesk bench campaign`: the people a campaign calls (their numbers, time zones, who
/// is on the do-not-call list) and, for every call placed to them, what happens — busy, no answer, a failed call, an
/// answering machine, or a person who answers the script's questions (now and then one who asks not to be called
/// again). Pure and deterministic for a seed; the server's bench (`CampaignBench` in Server) runs the real dialer,
/// pacing and webhooks against it, and ``CampaignTrace`` checks what it did.
///
/// Every draw comes from its own generator keyed by the seed, the recipient and the attempt (``draw(_:_:_:)``), so
/// an outcome never depends on the order in which the server happens to dial.
public enum CampaignSimulation {
    public struct Parameters: Sendable, Equatable {
        public var recipients = 10_000
        public var seed: UInt64 = 1
        /// How a call is answered (the rest: nobody answers within the ring timeout).
        public var humanProbability = 0.50
        public var machineProbability = 0.15
        public var busyProbability = 0.10
        public var failedProbability = 0.03
        /// Of the people who answer, how many ask not to be called again.
        public var optOutProbability = 0.02
        /// How many recipients are on the do-not-call list before the campaign starts.
        public var doNotCallShare = 0.02

        public init() {}
    }

    /// The time zones recipients live in, with the share of recipients in each (the rest of the US is rare).
    /// Phoenix keeps standard time all year; the others change on the second Sunday of March.
    public static let zones: [(identifier: String, postcode: String)] = [
        ("America/New_York", "10001"), ("America/Chicago", "60601"), ("America/Denver", "80202"),
        ("America/Phoenix", "85004"), ("America/Los_Angeles", "94103"), ("America/Anchorage", "99501"),
        ("Pacific/Honolulu", "96813"),
    ]
    private static let zoneWeights = [0.30, 0.25, 0.10, 0.05, 0.22, 0.04, 0.04]

    /// Sunday 2031-03-09 04:30 UTC: Saturday 23:30 in New York, 20:30 in Los Angeles, 18:30 in Honolulu — the night
    /// the US moves its clocks forward (02:00 local). Only the western zones are in their window at the start; New
    /// York's opens at 08:00 EDT, 12:00 UTC, an hour earlier in UTC than the day before.
    public static let start = Date(timeIntervalSince1970: 1_930_797_000)

    public struct Recipient: Sendable, Equatable {
        public var index: Int
        public var phone: String
        public var firstName: String
        /// The zone the recipient lives in (the truth the checks use).
        public var zone: String
        /// How the upload says where they are: a `timezone` column, or only a postcode.
        public var timezoneColumn: String?
        public var postcode: String?
        /// On the business's do-not-call list before the campaign starts.
        public var doNotCall: Bool
    }

    /// The recipients of a run, in upload order.
    public static func recipients(_ parameters: Parameters) -> [Recipient] {
        let names = ["Ana", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hal", "Ida", "Jo", "Kai", "Lu"]
        return (0..<parameters.recipients).map { index in
            var draws = draw(parameters.seed, index, 0)
            var pick = draws.unit(), zone = zones.count - 1
            for (candidate, weight) in zoneWeights.enumerated() {
                if pick < weight { zone = candidate; break }
                pick -= weight
            }
            let byPostcode = draws.unit() < 0.3
            return Recipient(
                index: index, phone: String(format: "+1555%07d", 2_000_000 + index), firstName: names[index % names.count],
                zone: zones[zone].identifier, timezoneColumn: byPostcode ? nil : zones[zone].identifier,
                postcode: byPostcode ? zones[zone].postcode : nil, doNotCall: draws.unit() < parameters.doNotCallShare)
        }
    }

    /// The recipients as the CSV a business uploads (`phone_number`, `first_name`, and `timezone` or `postcode`).
    public static func csv(_ recipients: [Recipient]) -> String {
        var lines = ["phone_number,first_name,timezone,postcode"]
        lines.reserveCapacity(recipients.count + 1)
        for recipient in recipients {
            lines.append("\(recipient.phone),\(recipient.firstName),\(recipient.timezoneColumn ?? ""),\(recipient.postcode ?? "")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// What happens to one call.
    public enum Pickup: Sendable, Equatable {
        /// A person answers after `ring` seconds and gives these answers, one per question (a line that asks not to
        /// be called again ends the call).
        case human(ring: Int, answers: [String])
        /// An answering machine picks up after `ring` seconds; its greeting ends (the beep) `greeting` seconds later.
        case machine(ring: Int, greeting: Int)
        case busy
        /// Nobody answers: the call rings out.
        case noAnswer
        case failed
    }

    public static let optOutLine = "please stop calling me"

    /// What happens on the `attempt`-th call (1-based) to `recipient`, given the script's question kinds.
    public static func pickup(recipient: Int, attempt: Int, questionKinds: [AnswerKind], _ parameters: Parameters) -> Pickup {
        var draws = draw(parameters.seed, recipient, attempt)
        var pick = draws.unit()
        let ring = 3 + Int(draws.unit() * 20)
        if pick < parameters.humanProbability {
            if draws.unit() < parameters.optOutProbability {
                return .human(ring: ring, answers: [optOutLine])
            }
            let answers = questionKinds.map { kind -> String in
                let roll = draws.unit()
                switch kind {
                case .yesNo: return roll < 0.8 ? "yes that works" : "no I can't"
                case .number: return roll < 0.5 ? "two" : "three"
                case .dateTime: return roll < 0.5 ? "Tuesday at 10am" : "Thursday afternoon"
                case .freeText: return roll < 0.5 ? "the side gate is open" : "nothing else thanks"
                }
            }
            return .human(ring: ring, answers: answers)
        }
        pick -= parameters.humanProbability
        if pick < parameters.machineProbability { return .machine(ring: ring, greeting: 4 + Int(draws.unit() * 10)) }
        pick -= parameters.machineProbability
        if pick < parameters.busyProbability { return .busy }
        pick -= parameters.busyProbability
        if pick < parameters.failedProbability { return .failed }
        return .noAnswer
    }

    /// The generator for one recipient's `attempt` (0: the recipient's own facts).
    static func draw(_ seed: UInt64, _ recipient: Int, _ attempt: Int) -> Draws {
        Draws(state: seed &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(recipient) &* 0xBF58_476D_1CE4_E5B9 ^ UInt64(attempt) &* 0x94D0_49BB_1331_11EB)
    }

    /// SplitMix64.
    struct Draws {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        /// Uniform in [0, 1).
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    }
}
