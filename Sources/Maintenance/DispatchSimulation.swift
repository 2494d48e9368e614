import Foundation

/// The booking loop on a virtual clock, for `frontdesk simulate dispatch`: tickets arrive, the planner offers each
/// to vendors by text, simulated vendors answer YES, NO or nothing (with given probabilities and delays, sometimes
/// as a bare `YES`, sometimes too late), a few text STOP, and the loop's rules decide everything else — the same
/// values the server uses (``DispatchPlanner``, ``DispatchReply`` and its matching, ``DispatchTexts``,
/// ``OfferTimeouts``, ``DispatchMeasures``). Deterministic for a seed. Storage and HTTP are not in it: it checks the
/// rules, at a scale and over times no test can wait for.
///
/// Invariants checked on every run (``Report/violations``): every ticket ends scheduled, escalated or closed; no
/// ticket is booked twice; no vendor is offered a ticket outside their trade and area, or the same ticket twice; at
/// most one offer of a ticket is open at a time; no text goes to a vendor after their STOP; every text fits one SMS.
public struct DispatchSimulation: Sendable {
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
        /// How often the tenant or the vendor confirms the visit (`DONE`); otherwise a routine or urgent ticket closes
        /// by itself after the auto-close time, and an emergency stays scheduled.
        public var doneProbability = 0.8
        public var timeouts = OfferTimeouts()
        public var autoCloseAfterMinutes = DispatchSettings.defaultAutoCloseAfterMinutes

        public init() {}
    }

    public struct Report: Sendable {
        public var measures: DispatchMeasures<Int>
        public var states: [TicketState: Int]
        public var escalations: [DispatchPlanner.EscalationReason: Int]
        public var texts: Int
        public var lateYes: Int
        public var ambiguousYes: Int
        public var optedOutVendors: Int
        /// Broken invariants, in words; empty when every check held.
        public var violations: [String]
    }

    public var parameters: Parameters

    public init(_ parameters: Parameters) { self.parameters = parameters }

    // MARK: - The world

    struct SimVendor {
        var id: Int
        var phone: String
        var trades: Set<Trade>
        var areas: Set<String>
        var lastOfferedAt: Date?
        var stoppedAt: Date?
        var yes: Double
        var no: Double
    }

    struct SimTicket {
        var id: Int
        var code: String
        var trade: Trade
        var priority: TicketPriority
        var area: String
        var state: TicketState = .new
        var facts: DispatchTicketFacts<Int>
        var bookedBy: Int?
        var escalation: DispatchPlanner.EscalationReason?
    }

    enum Happening {
        case arrive(Int)
        case decide(Int)
        case reply(vendor: Int, text: String)
        case stop(vendor: Int)
        case visitOver(Int)
    }

    struct Timer: Comparable {
        var at: Date
        var order: Int
        var happening: Happening
        static func < (lhs: Timer, rhs: Timer) -> Bool { (lhs.at, lhs.order) < (rhs.at, rhs.order) }
        static func == (lhs: Timer, rhs: Timer) -> Bool { lhs.at == rhs.at && lhs.order == rhs.order }
    }

    /// A binary heap of timers: the virtual clock jumps from one to the next.
    struct Agenda {
        private var heap: [Timer] = []
        private var counter = 0
        mutating func add(_ happening: Happening, at: Date) {
            counter += 1
            heap.append(Timer(at: at, order: counter, happening: happening))
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard heap[child] < heap[parent] else { break }
                heap.swapAt(child, parent)
                child = parent
            }
        }
        mutating func next() -> Timer? {
            guard !heap.isEmpty else { return nil }
            heap.swapAt(0, heap.count - 1)
            let top = heap.removeLast()
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < heap.count, heap[left] < heap[smallest] { smallest = left }
                if right < heap.count, heap[right] < heap[smallest] { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
            return top
        }
    }

    /// SplitMix64: small, fast and the same on every machine for a seed.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Service areas: ZIP codes; the last is covered by no vendor (its tickets escalate at once).
    static let areas = ["60601", "60602", "60603", "60604", "60605", "60606", "60699"]

    // MARK: - Running

    public func run() -> Report {
        var world = World(parameters: parameters)
        world.run()
        return world.report()
    }

    struct World {
        let parameters: Parameters
        var random: SeededGenerator
        var vendors: [SimVendor] = []
        var tickets: [SimTicket] = []
        var agenda = Agenda()
        var texts = 0
        var lateYes = 0
        var ambiguousYes = 0
        var violations: [String] = []
        let start = Date(timeIntervalSince1970: 1_798_761_600)  // 2027-01-01T00:00Z
        let zone = TimeZone(identifier: "America/Chicago")!

        init(parameters: Parameters) {
            self.parameters = parameters
            random = SeededGenerator(state: parameters.seed)
            let coveredAreas = Array(DispatchSimulation.areas.dropLast())
            for id in 0..<parameters.vendors {
                var trades: Set<Trade> = [Trade.allCases[id % Trade.allCases.count]]
                for _ in 0..<Int.random(in: 0...2, using: &random) { trades.insert(Trade.allCases.randomElement(using: &random)!) }
                let areas = Set(coveredAreas.shuffled(using: &random).prefix(Int.random(in: 3...5, using: &random)))
                // Each vendor within ±30 % of the given probabilities (0 stays 0).
                let yes = min(1, parameters.yesProbability * Double.random(in: 0.7...1.3, using: &random))
                let no = min(1 - yes, parameters.noProbability * Double.random(in: 0.7...1.3, using: &random))
                vendors.append(SimVendor(id: id, phone: "+1555020\(String(format: "%04d", id))", trades: trades, areas: areas,
                                         yes: yes, no: no))
            }
            let horizon = TimeInterval(parameters.days * 86_400)
            for vendor in vendors where Double.random(in: 0..<1, using: &random) < parameters.stopProbability {
                agenda.add(.stop(vendor: vendor.id), at: start.addingTimeInterval(Double.random(in: 0..<horizon, using: &random)))
            }
            var codes: Set<String> = []
            for id in 0..<parameters.tickets {
                let roll = Double.random(in: 0..<1, using: &random)
                let priority: TicketPriority = roll < 0.1 ? .emergency : roll < 0.4 ? .urgent : .routine
                let area = Double.random(in: 0..<1, using: &random) < 0.03
                    ? DispatchSimulation.areas.last! : coveredAreas.randomElement(using: &random)!
                let code = TicketCode.make(avoiding: codes, using: &random)!
                codes.insert(code)
                let created = start.addingTimeInterval(Double.random(in: 0..<horizon, using: &random))
                let trade = Trade.allCases.randomElement(using: &random)!
                tickets.append(SimTicket(id: id, code: code, trade: trade, priority: priority, area: area,
                                         facts: DispatchTicketFacts(createdAt: created, priority: priority, trade: trade,
                                                                    property: area)))
                agenda.add(.arrive(id), at: created)
            }
        }

        mutating func run() {
            while let timer = agenda.next() {
                switch timer.happening {
                case .arrive(let id): decide(id, now: timer.at)
                case .decide(let id): decide(id, now: timer.at)
                case .reply(let vendor, let text): reply(vendor: vendor, text: text, now: timer.at)
                case .stop(let vendor): stop(vendor, now: timer.at)
                case .visitOver(let id): visitOver(id, now: timer.at)
                }
            }
        }

        func job(_ ticket: SimTicket) -> DispatchJob {
            DispatchJob(code: ticket.code, problem: "\(ticket.trade.rawValue) problem needing a visit",
                        address: "\(100 + ticket.id) Elm Street, \(ticket.area)", priority: ticket.priority,
                        window: nil, timeZone: zone)
        }

        mutating func text(_ body: String, to vendor: Int?, now: Date) {
            texts += 1
            if !DispatchTexts.fits(body) { violations.append("a text does not fit one SMS: \(body)") }
            if let vendor, let stopped = vendors[vendor].stoppedAt, stopped <= now {
                violations.append("texted vendor \(vendor) after their STOP")
            }
        }

        mutating func decide(_ id: Int, now: Date) {
            let ticket = tickets[id]
            guard ticket.state == .new || ticket.state == .vendorContacting else { return }
            let timeout = parameters.timeouts.timeout(for: ticket.priority)
            // Offers past their expiry time out (the server records this with the decision).
            for index in tickets[id].facts.offers.indices where tickets[id].facts.offers[index].outcome == .open
                && now >= tickets[id].facts.offers[index].sentAt.addingTimeInterval(timeout) {
                tickets[id].facts.offers[index].outcome = .timedOut
                tickets[id].facts.offers[index].resolvedAt = now
            }
            let candidates = vendors
                .filter { $0.trades.contains(ticket.trade) && $0.areas.contains(ticket.area) && reachable($0.id, at: now) }
                .sorted { ($0.lastOfferedAt ?? .distantPast, $0.id) < ($1.lastOfferedAt ?? .distantPast, $1.id) }
                .map(\.id)
            switch DispatchPlanner.decide(priority: ticket.priority, stage: ticket.state, candidates: candidates,
                                          offers: tickets[id].facts.offers, timeouts: parameters.timeouts, now: now) {
            case .offer(let vendor, let expiresAt):
                check(offerOf: id, to: vendor)
                tickets[id].facts.offers.append(DispatchOffer(vendorId: vendor, sentAt: now, outcome: .open))
                tickets[id].state = .vendorContacting
                vendors[vendor].lastOfferedAt = now
                text(DispatchTexts.offer(job(tickets[id]), now: now), to: vendor, now: now)
                agenda.add(.decide(id), at: expiresAt)
                scheduleAnswer(vendor: vendor, ticket: id, timeout: timeout, now: now)
            case .wait(let until):
                agenda.add(.decide(id), at: until)
            case .escalate(let reason):
                for index in tickets[id].facts.offers.indices where tickets[id].facts.offers[index].outcome == .open {
                    tickets[id].facts.offers[index].outcome = .cancelled
                    tickets[id].facts.offers[index].resolvedAt = now
                }
                tickets[id].state = .escalated
                tickets[id].escalation = reason
                tickets[id].facts.escalatedAt = now
                text(DispatchTexts.escalation(job(tickets[id]), reason: reason, tenantName: nil, tenantPhone: nil),
                     to: nil, now: now)
            case .done, .idle:
                break
            }
        }

        mutating func check(offerOf id: Int, to vendor: Int) {
            let ticket = tickets[id]
            if !vendors[vendor].trades.contains(ticket.trade) || !vendors[vendor].areas.contains(ticket.area) {
                violations.append("ticket \(ticket.code) offered to vendor \(vendor) outside their trade or area")
            }
            if ticket.facts.offers.contains(where: { $0.vendorId == vendor }) {
                violations.append("ticket \(ticket.code) offered to vendor \(vendor) twice")
            }
            if ticket.facts.offers.contains(where: { $0.outcome == .open }) {
                violations.append("ticket \(ticket.code) had two open offers")
            }
        }

        mutating func scheduleAnswer(vendor: Int, ticket id: Int, timeout: TimeInterval, now: Date) {
            let roll = Double.random(in: 0..<1, using: &random)
            let delay = Double.random(in: 30...(timeout * parameters.maxReplyDelayShare), using: &random)
            let code = tickets[id].code
            if roll < vendors[vendor].yes {
                let bare = Double.random(in: 0..<1, using: &random) < parameters.bareYesProbability
                agenda.add(.reply(vendor: vendor, text: bare ? "Yes" : "YES \(code)"), at: now.addingTimeInterval(delay))
            } else if roll < vendors[vendor].yes + vendors[vendor].no {
                agenda.add(.reply(vendor: vendor, text: "no \(code) sorry"), at: now.addingTimeInterval(delay))
            }
        }

        /// The vendor's open offers: tickets being dispatched with their offer open and not yet expired.
        func openCodes(of vendor: Int, now: Date) -> [String: Int] {
            var codes: [String: Int] = [:]
            for ticket in tickets where ticket.state == .vendorContacting {
                let timeout = parameters.timeouts.timeout(for: ticket.priority)
                if ticket.facts.offers.contains(where: { $0.vendorId == vendor && $0.outcome == .open
                                                         && now < $0.sentAt.addingTimeInterval(timeout) }) {
                    codes[ticket.code] = ticket.id
                }
            }
            return codes
        }

        mutating func reply(vendor: Int, text body: String, now: Date) {
            if let stopped = vendors[vendor].stoppedAt, stopped <= now { return }
            let open = openCodes(of: vendor, now: now)
            switch DispatchReply(parsing: body).match(openCodes: Array(open.keys)) {
            case .matched(let verb, let code):
                guard let id = open[code], let index = tickets[id].facts.offers.firstIndex(where: { $0.vendorId == vendor && $0.outcome == .open })
                else { return }
                if verb == .accept {
                    tickets[id].facts.offers[index].outcome = .accepted
                    tickets[id].facts.offers[index].resolvedAt = now
                    if tickets[id].bookedBy != nil { violations.append("ticket \(code) booked twice") }
                    tickets[id].bookedBy = vendor
                    tickets[id].state = .scheduled
                    tickets[id].facts.scheduledAt = now
                    tickets[id].facts.vendorId = vendor
                    let job = job(tickets[id])
                    text(DispatchTexts.vendorBooked(job, tenantName: "Tenant", tenantPhone: "+15550300000", now: now), to: vendor, now: now)
                    text(DispatchTexts.tenantConfirmation(job, vendorName: "Vendor \(vendor)", now: now), to: nil, now: now)
                    text(DispatchTexts.landlordNotice(job, vendorName: "Vendor \(vendor)", now: now), to: nil, now: now)
                    agenda.add(.visitOver(id), at: now.addingTimeInterval(Double.random(in: 3_600...172_800, using: &random)))
                } else if verb == .decline {
                    tickets[id].facts.offers[index].outcome = .declined
                    tickets[id].facts.offers[index].resolvedAt = now
                    text(DispatchTexts.declined(code: code), to: vendor, now: now)
                    decide(id, now: now)
                }
            case .unmatched(.ambiguous(let verb, let codes)):
                ambiguousYes += 1
                text(DispatchTexts.whichJob(verb, open: codes), to: vendor, now: now)
            case .unmatched(.codeNotOpen(.accept, let code, _)):
                // Too late: the offer timed out (and may be someone else's now).
                lateYes += 1
                text(DispatchTexts.alreadyTaken(code: code), to: vendor, now: now)
            case .unmatched(.noOpenJobs(.accept)):
                lateYes += 1
            case .unmatched:
                break  // a late NO changes nothing
            }
        }

        /// A vendor's STOP: no more texts to them; each offer they hold is withdrawn and its ticket goes on at once.
        mutating func stop(_ vendor: Int, now: Date) {
            vendors[vendor].stoppedAt = now
            for id in tickets.indices where tickets[id].state == .vendorContacting {
                guard let index = tickets[id].facts.offers.firstIndex(where: { $0.vendorId == vendor && $0.outcome == .open })
                else { continue }
                tickets[id].facts.offers[index].outcome = .cancelled
                tickets[id].facts.offers[index].resolvedAt = now
                decide(id, now: now)
            }
        }

        func reachable(_ vendor: Int, at now: Date) -> Bool { vendors[vendor].stoppedAt.map { $0 > now } ?? true }

        mutating func visitOver(_ id: Int, now: Date) {
            guard tickets[id].state == .scheduled else { return }
            let job = job(tickets[id])
            text(DispatchTexts.tenantCompletionRequest(job), to: nil, now: now)
            if let vendor = tickets[id].bookedBy, reachable(vendor, at: now) {
                text(DispatchTexts.vendorCompletionRequest(job), to: vendor, now: now)
            }
            if Double.random(in: 0..<1, using: &random) < parameters.doneProbability {
                tickets[id].state = .closed
                tickets[id].facts.closedAt = now.addingTimeInterval(Double.random(in: 300...14_400, using: &random))
            } else if tickets[id].priority != .emergency {
                tickets[id].state = .closed
                tickets[id].facts.closedAt = now.addingTimeInterval(TimeInterval(parameters.autoCloseAfterMinutes * 60))
                text(DispatchTexts.tenantAutoClosed(code: job.code), to: nil, now: now)
            }
        }

        func report() -> Report {
            var violations = self.violations
            var states: [TicketState: Int] = [:]
            var escalations: [DispatchPlanner.EscalationReason: Int] = [:]
            for ticket in tickets {
                states[ticket.state, default: 0] += 1
                if let reason = ticket.escalation { escalations[reason, default: 0] += 1 }
                if ![.scheduled, .escalated, .closed].contains(ticket.state) {
                    violations.append("ticket \(ticket.code) ended \(ticket.state.rawValue)")
                }
                if ticket.facts.offers.filter({ $0.outcome == .accepted }).count > 1 {
                    violations.append("ticket \(ticket.code) has two accepted offers")
                }
            }
            return Report(measures: DispatchMeasures(tickets: tickets.map(\.facts)), states: states, escalations: escalations,
                          texts: texts, lateYes: lateYes, ambiguousYes: ambiguousYes,
                          optedOutVendors: vendors.filter { $0.stoppedAt != nil }.count, violations: violations)
        }
    }
}
