import ArgumentParser
import Foundation
import Maintenance

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulations on a virtual clock.",
        subcommands: [SimulateDispatchCommand.self]
    )
}

struct SimulateDispatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispatch",
        abstract: "The maintenance booking loop on a virtual clock: simulated vendors answer YES, NO or nothing.",
        discussion: """
            Tickets arrive over --days; each is offered to one vendor at a time by text (trade, service area, round \
            robin); simulated vendors answer YES (sometimes without the code, sometimes too late), NO or nothing, \
            and a few text STOP. The booking loop's own rules decide everything else (planner, reply matching, \
            texts, timeouts, measures). Prints the measures (median and p90, rates) and checks the invariants: \
            every ticket ends scheduled, escalated or closed; no ticket booked twice; no offer outside a vendor's \
            trade and area, nor twice to one vendor; one open offer per ticket; no text after a STOP; every text \
            one SMS. Exits 1 when an invariant broke. Storage and HTTP are not simulated.
            """
    )

    @Option(help: "Tickets to dispatch.") var tickets = 1000
    @Option(help: "Vendors (trades and ZIP areas drawn at random).") var vendors = 30
    @Option(help: "Seed of the random draws (the same seed gives the same run).") var seed: UInt64 = 7
    @Option(help: "Days the tickets arrive over.") var days = 14
    @Option(help: "Probability a vendor answers YES.") var yes = 0.45
    @Option(help: "Probability a vendor answers NO (the rest never answer).") var no = 0.30
    @Option(help: "Probability a vendor texts STOP during the run.") var stop = 0.05

    func validate() throws {
        guard (1...1_000_000).contains(tickets) else { throw ValidationError("--tickets must be 1–1000000") }
        guard (1...10_000).contains(vendors) else { throw ValidationError("--vendors must be 1–10000") }
        guard (1...365).contains(days) else { throw ValidationError("--days must be 1–365") }
        for (name, value) in [("--yes", yes), ("--no", no), ("--stop", stop)] where !(0...1).contains(value) {
            throw ValidationError("\(name) must be a probability 0–1")
        }
        guard yes + no <= 1 else { throw ValidationError("--yes plus --no must be at most 1") }
    }

    func run() throws {
        var parameters = DispatchSimulation.Parameters()
        parameters.tickets = tickets
        parameters.vendors = vendors
        parameters.seed = seed
        parameters.days = days
        parameters.yesProbability = yes
        parameters.noProbability = no
        parameters.stopProbability = stop
        let started = ContinuousClock.now
        let report = DispatchSimulation(parameters).run()
        let elapsed = ContinuousClock.now - started
        print("dispatch simulation: \(tickets) tickets, \(vendors) vendors, seed \(seed), \(days) days; yes \(yes), no \(no), stop \(stop)")
        let states = TicketState.allCases.compactMap { state in report.states[state].map { "\(state.rawValue) \($0)" } }
        print("tickets end: " + states.joined(separator: ", "))
        let reasons = DispatchPlanner.EscalationReason.allCases.compactMap { reason in report.escalations[reason].map { "\(reason.rawValue) \($0)" } }
        print("escalations: " + (reasons.isEmpty ? "none" : reasons.joined(separator: ", ")))
        print("texts: \(report.texts); late YES: \(report.lateYes); bare YES with several jobs open: \(report.ambiguousYes); vendors who texted STOP: \(report.optedOutVendors)")
        print("")
        print(Self.table([("all", report.measures.business)]
            + Trade.allCases.compactMap { trade in report.measures.byTrade[trade].map { (trade.rawValue, $0) } }))
        print("")
        if report.violations.isEmpty {
            print("invariants: all held")
        } else {
            print("invariants BROKEN (\(report.violations.count)):")
            for violation in report.violations.prefix(20) { print("  \(violation)") }
        }
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        print(String(format: "run time: %.0f ms", ms))
        if !report.violations.isEmpty { throw ExitCode(1) }
    }

    static func minutes(_ summary: DurationSummary) -> String {
        func format(_ value: TimeInterval?) -> String { value.map { String(format: "%.0f", $0 / 60) } ?? "–" }
        return "\(format(summary.median)) / \(format(summary.p90))"
    }

    static func percent(_ value: Double?) -> String { value.map { String(format: "%.0f %%", $0 * 100) } ?? "–" }

    static func table(_ rows: [(String, DispatchMeasureSet)]) -> String {
        let header = ["group", "tickets", "offers", "first response min p50/p90", "accept", "book", "close",
                      "emergency escalation", "response", "acceptance", "timeout", "escalation"]
        var lines = [header]
        for (name, set) in rows {
            lines.append([name, "\(set.tickets)", "\(set.offers)", minutes(set.timeToFirstResponse), minutes(set.timeToAccept),
                          minutes(set.timeToBook), minutes(set.timeToClose), minutes(set.emergencyEscalationTime),
                          percent(set.responseRate), percent(set.acceptanceRate), percent(set.timeoutRate),
                          percent(set.escalationRate)])
        }
        let widths = header.indices.map { column in lines.map { $0[column].count }.max() ?? 0 }
        return lines.map { line in
            line.enumerated().map { index, cell in
                index == 0 ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[index] - cell.count) + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
