import ArgumentParser
import Foundation
import Logging
import Maintenance
import Server

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulations on a virtual clock.",
        subcommands: [SimulateDispatchCommand.self]
    )
}

struct SimulateDispatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispatch",
        abstract: "The server's maintenance booking loop on a virtual clock, with simulated vendors and tenants.",
        discussion: """
            Runs the server's own booking loop (DispatchService, its repositories on a new SQLite database, the work \
            queue's timers and texts, the event consumers, the outbox) for one property-management business. Tickets \
            arrive over --days; each is offered to one vendor at a time by text (trade, service area, round robin); \
            simulated vendors answer the offers they receive YES (sometimes without the code, sometimes too late), \
            NO or nothing, and a few text STOP; tenants or vendors answer DONE after the visit. Texts and calls go \
            to simulated phones, never to Twilio; no embedding model is needed. Prints the measures as \
            GET /v1/analytics/dispatch computes them (median and p90, rates) and checks the invariants on the \
            database: every ticket ends scheduled, escalated or closed; no ticket booked twice; no offer outside a \
            vendor's trade and area, nor twice to one vendor; one open offer per ticket at a time; nothing queued \
            to a vendor after their STOP; every booking-loop text one SMS. Exits 1 when an invariant broke.
            """
    )

    @Option(help: "Tickets to dispatch.") var tickets = 1000
    @Option(help: "Vendors (trades and ZIP areas drawn at random).") var vendors = 30
    @Option(help: "Seed of the simulated world's draws (the same seed gives the same world and the same answers).")
    var seed: UInt64 = 7
    @Option(help: "Days the tickets arrive over.") var days = 14
    @Option(help: "Probability a vendor answers YES.") var yes = 0.45
    @Option(help: "Probability a vendor answers NO (the rest never answer).") var no = 0.30
    @Option(help: "Probability a vendor texts STOP during the run.") var stop = 0.05
    @Option(help: "Keep the run's SQLite database at this path (it must not exist); default: a temporary file (in /dev/shm when there is one), deleted afterwards.")
    var database: String?

    func validate() throws {
        guard (1...100_000).contains(tickets) else { throw ValidationError("--tickets must be 1–100000") }
        guard (1...10_000).contains(vendors) else { throw ValidationError("--vendors must be 1–10000") }
        guard (1...365).contains(days) else { throw ValidationError("--days must be 1–365") }
        for (name, value) in [("--yes", yes), ("--no", no), ("--stop", stop)] where !(0...1).contains(value) {
            throw ValidationError("\(name) must be a probability 0–1")
        }
        guard yes + no <= 1 else { throw ValidationError("--yes plus --no must be at most 1") }
        if let database, FileManager.default.fileExists(atPath: database) {
            throw ValidationError("--database \(database) exists already: give a new path")
        }
    }

    func run() async throws {
        var parameters = DispatchSimulation.Parameters()
        parameters.tickets = tickets
        parameters.vendors = vendors
        parameters.seed = seed
        parameters.days = days
        parameters.yesProbability = yes
        parameters.noProbability = no
        parameters.stopProbability = stop
        var logger = Logger(label: "frontdesk.simulate")
        logger.logLevel = .error
        let temporary = database == nil
            ? Self.scratch.appendingPathComponent("frontdesk-simulation-\(UUID().uuidString.lowercased())")
            : nil
        if let temporary { try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true) }
        defer { if let temporary { try? FileManager.default.removeItem(at: temporary) } }
        let path = database ?? temporary!.appendingPathComponent("simulation.sqlite").path

        let started = ContinuousClock.now
        let report = try await DispatchSimulator(parameters, databasePath: path, logger: logger).run()
        let elapsed = ContinuousClock.now - started
        print("dispatch simulation (the server's booking loop on SQLite): \(tickets) tickets, \(vendors) vendors, seed \(seed), "
              + "\(days) days; yes \(yes), no \(no), stop \(stop)")
        let states = TicketState.allCases.compactMap { state in report.states[state].map { "\(state.rawValue) \($0)" } }
        print("tickets end: " + states.joined(separator: ", "))
        let reasons = DispatchPlanner.EscalationReason.allCases.compactMap { reason in report.escalations[reason].map { "\(reason.rawValue) \($0)" } }
        print("escalations: " + (reasons.isEmpty ? "none" : reasons.joined(separator: ", "))
              + "; escalation calls placed: \(report.escalationCalls)")
        print("offers: \(report.offers); texts queued: \(report.texts) (booking loop \(report.dispatchTexts)); "
              + "YES replies: \(report.yesReplies), late \(report.lateYes), bare with several jobs open \(report.ambiguousYes); "
              + "vendors who texted STOP: \(report.optedOutVendors)")
        print("booked without a CRM appointment (the booking rules refused the window): \(report.bookedWithoutAppointment); "
              + String(format: "simulated time: %.1f days", report.simulatedDuration / 86_400))
        print("")
        print(Self.table([("all", report.business)]
            + Trade.allCases.compactMap { trade in report.byTrade[trade].map { (trade.rawValue, $0) } }))
        print("")
        print(Self.table(report.byVendor.map { ($0.name, $0.measures) }, group: "vendor"))
        print("")
        if report.violations.isEmpty {
            print("invariants: all held")
        } else {
            print("invariants BROKEN (\(report.violations.count)):")
            for violation in report.violations.prefix(20) { print("  \(violation)") }
        }
        print(String(format: "run time: %.1f s (the loop and its checks %.1f s)", Self.seconds(elapsed), Self.seconds(report.runTime)))
        if let database { print("database kept: \(database)") }
        if !report.violations.isEmpty { throw ExitCode(1) }
    }

    /// Where the throwaway database goes: memory-backed `/dev/shm` when the machine has it — the server commits
    /// with `synchronous = FULL`, an fsync per write, which on a disk costs more than the run's own work and proves
    /// nothing about the loop — else the temporary directory.
    static var scratch: URL {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isDirectory), isDirectory.boolValue,
           FileManager.default.isWritableFile(atPath: "/dev/shm") {
            return URL(fileURLWithPath: "/dev/shm", isDirectory: true)
        }
        return FileManager.default.temporaryDirectory
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func minutes(_ summary: DurationSummary) -> String {
        func format(_ value: TimeInterval?) -> String { value.map { String(format: "%.0f", $0 / 60) } ?? "–" }
        return "\(format(summary.median)) / \(format(summary.p90))"
    }

    static func percent(_ value: Double?) -> String { value.map { String(format: "%.0f %%", $0 * 100) } ?? "–" }

    static func table(_ rows: [(String, DispatchMeasureSet)], group: String = "group") -> String {
        let header = [group, "tickets", "offers", "first response min p50/p90", "accept", "book", "close",
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
