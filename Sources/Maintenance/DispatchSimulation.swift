import Foundation

/// The simulated world of `frontdesk simulate dispatch`: vendors (trades, service areas, how they answer), the
/// tickets that arrive and when, and the draws that decide each simulated person's reply. Pure and deterministic for
/// a seed; the server's simulator (`DispatchSimulator` in Server) runs the real booking loop against it.
///
/// World generation is one seeded sequence of draws (so a seed gives the same vendors and tickets); every later
/// decision — a vendor's answer to an offer, a tenant's DONE — is drawn from its own generator keyed by the seed
/// and the ticket and vendor it concerns (``draws(_:)``), so it does not depend on the order in which the server
/// happens to do things.
public enum DispatchSimulation {
    public struct Parameters: Sendable, Equatable {
        public var tickets = 1000
        public var vendors = 30
        public var seed: UInt64 = 7
        /// Over how many days the tickets arrive.
        public var days = 14
        /// How a vendor answers an offer; the rest of the time they never answer.
        public var yesProbability = 0.45
        public var noProbability = 0.30
        /// The longest a vendor takes to answer, as a share of the offer's timeout (above 1: some answers are late).
        public var maxReplyDelayShare = 1.3
        /// How often a `YES` comes without its code.
        public var bareYesProbability = 0.25
        /// How many vendors text STOP at some point of the run.
        public var stopProbability = 0.05
        /// How often the tenant or the vendor confirms the visit (`DONE`) once asked; otherwise a routine or urgent
        /// ticket closes by itself after the auto-close time, and an emergency stays scheduled.
        public var doneProbability = 0.8
        /// Of those confirmations, how many come from the vendor rather than the tenant.
        public var vendorDoneShare = 0.3

        public init() {}
    }

    /// Service areas: ZIP codes; the last is covered by no vendor (its tickets escalate at once).
    public static let areas = ["60601", "60602", "60603", "60604", "60605", "60606", "60699"]
    /// One street per area.
    public static let streets = ["Elm Street", "Oak Avenue", "Lake Shore Drive", "Maple Court", "Cedar Lane", "Birch Road",
                                 "Pine Street"]
    /// 2027-01-01T00:00Z: the first ticket may arrive then.
    public static let start = Date(timeIntervalSince1970: 1_798_761_600)

    public struct Vendor: Sendable, Equatable {
        public var index: Int
        public var name: String
        public var phone: String
        public var trades: [Trade]
        public var areas: [String]
        /// This vendor's chance of answering an offer YES, and NO (within ±30 % of the parameters').
        public var yes: Double
        public var no: Double
        /// When they text STOP, if they do.
        public var stopsAt: Date?
    }

    public struct Ticket: Sendable, Equatable {
        public var index: Int
        public var arrivesAt: Date
        public var trade: Trade
        public var priority: TicketPriority
        public var postcode: String
        public var problem: String
        public var address: String
        public var unit: String
        public var tenantName: String
        public var tenantPhone: String
    }

    /// The vendors and tickets of a run.
    public struct World: Sendable, Equatable {
        public var vendors: [Vendor] = []
        /// By index (`tickets[i].index == i`); each arrives at its `arrivesAt`.
        public var tickets: [Ticket] = []

        public init(_ parameters: Parameters) {
            var random = SeededGenerator(state: parameters.seed)
            let covered = Array(DispatchSimulation.areas.dropLast())
            let horizon = TimeInterval(parameters.days * 86_400)
            for index in 0..<parameters.vendors {
                var trades: Set<Trade> = [Trade.allCases[index % Trade.allCases.count]]
                for _ in 0..<Int.random(in: 0...2, using: &random) { trades.insert(Trade.allCases.randomElement(using: &random)!) }
                let areas = covered.shuffled(using: &random).prefix(Int.random(in: 3...5, using: &random))
                let yes = min(1, parameters.yesProbability * Double.random(in: 0.7...1.3, using: &random))
                let no = min(1 - yes, parameters.noProbability * Double.random(in: 0.7...1.3, using: &random))
                vendors.append(Vendor(index: index, name: String(format: "Vendor %02d", index),
                                      phone: "+1773555\(String(format: "%04d", index))",
                                      trades: Trade.allCases.filter(trades.contains), areas: areas.sorted(),
                                      yes: yes, no: no, stopsAt: nil))
            }
            for index in vendors.indices where Double.random(in: 0..<1, using: &random) < parameters.stopProbability {
                vendors[index].stopsAt = DispatchSimulation.start.addingTimeInterval(Double.random(in: 0..<horizon, using: &random))
            }
            for index in 0..<parameters.tickets {
                let roll = Double.random(in: 0..<1, using: &random)
                let priority: TicketPriority = roll < 0.1 ? .emergency : roll < 0.4 ? .urgent : .routine
                let area = Double.random(in: 0..<1, using: &random) < 0.03
                    ? DispatchSimulation.areas.count - 1 : Int.random(in: 0..<covered.count, using: &random)
                // Six buildings per ZIP, each with its units: the properties the measures group by.
                let building = Int.random(in: 0..<6, using: &random)
                let unit = Int.random(in: 1...24, using: &random)
                let arrives = DispatchSimulation.start.addingTimeInterval(Double.random(in: 0..<horizon, using: &random))
                let trade = Trade.allCases.randomElement(using: &random)!
                tickets.append(Ticket(index: index, arrivesAt: arrives, trade: trade, priority: priority,
                                      postcode: DispatchSimulation.areas[area],
                                      problem: "\(trade.rawValue) problem needing a visit",
                                      address: "\(100 + 2 * building) \(DispatchSimulation.streets[area])", unit: "Apt \(unit)",
                                      tenantName: "Tenant \(index)", tenantPhone: "+1312\(String(format: "%07d", index))"))
            }
        }
    }

    // MARK: - Behaviour

    /// How a vendor answers an offer.
    public enum Answer: Sendable, Equatable {
        /// `YES` with the job's code, or (`bare`) without it.
        case yes(bare: Bool)
        case no
        /// They never answer.
        case silence
    }

    /// The vendor's answer to an offer of the ticket and how long after the offer it comes, in seconds (30 s up to
    /// `maxReplyDelayShare` × the offer's timeout, so some answers come too late).
    public static func answer(of vendor: Vendor, toTicket ticket: Int, timeout: TimeInterval,
                              _ parameters: Parameters) -> (Answer, delay: TimeInterval) {
        var random = draws(parameters.seed, 1, UInt64(ticket), UInt64(vendor.index))
        let roll = Double.random(in: 0..<1, using: &random)
        let delay = Double.random(in: 30...max(30, timeout * parameters.maxReplyDelayShare), using: &random)
        if roll < vendor.yes {
            return (.yes(bare: Double.random(in: 0..<1, using: &random) < parameters.bareYesProbability), delay)
        }
        return (roll < vendor.yes + vendor.no ? .no : .silence, delay)
    }

    /// Who confirms a finished visit once asked — nobody, the tenant or the vendor — and after how many seconds
    /// (5 minutes to 4 hours).
    public enum Confirmer: Sendable, Equatable { case nobody, tenant, vendor }

    public static func confirmation(ofTicket ticket: Int, _ parameters: Parameters) -> (Confirmer, delay: TimeInterval) {
        var random = draws(parameters.seed, 2, UInt64(ticket))
        let confirms = Double.random(in: 0..<1, using: &random) < parameters.doneProbability
        let byVendor = Double.random(in: 0..<1, using: &random) < parameters.vendorDoneShare
        let delay = Double.random(in: 300...14_400, using: &random)
        return (confirms ? (byVendor ? .vendor : .tenant) : .nobody, delay)
    }

    /// How long a vendor asked "which job?" takes to answer again with the code, in seconds (1–10 minutes).
    public static func clarificationDelay(vendor: Vendor, ticket: Int, _ parameters: Parameters) -> TimeInterval {
        var random = draws(parameters.seed, 3, UInt64(ticket), UInt64(vendor.index))
        return Double.random(in: 60...600, using: &random)
    }

    /// A generator for one decision, keyed by the seed and what it is about.
    public static func draws(_ seed: UInt64, _ keys: UInt64...) -> SeededGenerator {
        var mixer = SeededGenerator(state: seed)
        for key in keys { mixer = SeededGenerator(state: mixer.next() ^ (key &* 0xD6E8_FEB8_6659_FD93)) }
        return mixer
    }

    /// SplitMix64: small, fast and the same on every machine for a seed.
    public struct SeededGenerator: RandomNumberGenerator, Sendable {
        public var state: UInt64
        public init(state: UInt64) { self.state = state }
        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
