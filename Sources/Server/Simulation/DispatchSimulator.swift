import Foundation
import Logging
import Maintenance

/// `frontdesk simulate dispatch`: the server's real booking loop — ``DispatchService``, its repositories on a fresh
/// SQLite database, the work queue's `dispatch.timer` and `sms.send` jobs, the event consumers, the outbox — driven on
/// a virtual clock by a simulated world (``DispatchSimulation/World``): tickets arrive over the days, simulated
/// vendors answer the offers they receive (YES with or without the code, NO, nothing; sometimes late; some text
/// STOP), tenants or vendors answer DONE after the visit. Afterwards the invariants are checked on the database
/// (``DispatchInvariants``) and the measures are read from the event log exactly as `GET /v1/analytics/dispatch`
/// reads them.
///
/// Only the outside world is simulated: the texts the outbox delivers arrive on ``SimulatedPhones`` instead of
/// Twilio, and the escalation calls the loop places are received there too (nobody picks up). Everything else is the
/// server's own code, assembled by `makeCoreServices` as `frontdesk serve` assembles it (no embedding model needed).
///
/// Deterministic for a seed in everything the simulated world decides (which vendor answers what, when); the
/// server's own random draws (ticket ids, job codes, offer ids) differ between runs, and can change an outcome only
/// where the loop orders by id, which it does only to break ties of equal times.
public final class DispatchSimulator {
    public let parameters: DispatchSimulation.Parameters
    let world: DispatchSimulation.World
    let clock: SimulationClock
    let phones: SimulatedPhones
    let core: CoreServices
    let business: Business
    let settings: DispatchSettings

    /// The business's one landlord contact: escalations text and call them.
    static let landlord = LandlordContact(name: "Dana Reyes", phone: "+15550109001")
    static let businessNumber = "+15550100000"

    // What the run has done so far.
    private var agenda = SimulationAgenda<Happening>()
    /// World ticket index by job code: the newest ticket with the code (codes are unique among open tickets, and
    /// texts about a job are sent while it is open).
    private var ticketByCode: [String: Int] = [:]
    private let vendorByPhone: [String: Int]
    private let ticketByTenantPhone: [String: Int]
    private var stopped: Set<Int> = []
    /// The job a vendor meant by a bare YES, until the loop books it, asks which job, or says there is none.
    private var meant: [Int: String] = [:]
    /// MessageSids of the YES replies sent, to read the loop's answer to each from the outbox.
    private(set) var yesReplies: [String] = []
    private var messages = 0
    /// The server's background work, run between the world's happenings.
    private let background: SimulatedBackground

    /// Builds the services on a new SQLite database at `databasePath` (which must not exist), the business and its
    /// vendors.
    public init(_ parameters: DispatchSimulation.Parameters, databasePath: String, logger: Logger) async throws {
        self.parameters = parameters
        world = DispatchSimulation.World(parameters)
        // Vendors are added a second apart before the first ticket can arrive: the rotation offers the
        // longest-standing vendor first, so the order is the world's, not the ids'.
        let clock = SimulationClock(DispatchSimulation.start.addingTimeInterval(-TimeInterval(parameters.vendors + 60)))
        self.clock = clock
        let now: @Sendable () -> Date = { clock.now }
        phones = SimulatedPhones(now: now)
        var config = AppConfig()
        config.databasePath = databasePath
        let storage = try await openStorage(config, logger: logger, now: now)
        core = makeCoreServices(config, storage: storage, logger: logger, metrics: AppMetrics(), now: now, sms: phones,
                                handlers: [SimulatedCallJob(phones: phones, now: now)])
        var hours = ReceptionistSettings()
        for day in [Weekday.monday, .tuesday, .wednesday, .thursday, .friday] {
            hours.businessHours[day] = DayHours(open: "08:00", close: "17:00")
        }
        hours.businessHours[.saturday] = DayHours(open: "09:00", close: "13:00")
        let repositories = core.repositories
        business = try await repositories.businesses.create(NewBusiness(
            slug: "simulated-property", name: "Simulated Property Management", timeZone: "America/Chicago",
            settings: hours, numbers: [Self.businessNumber]))
        settings = try await repositories.dispatch.saveSettings(DispatchSettings(landlordContacts: [Self.landlord]),
                                                                businessId: business.id)
        for vendor in world.vendors {
            _ = try await repositories.vendors.create(businessId: business.id, VendorProfile(
                name: vendor.name, phone: vendor.phone, trades: vendor.trades, serviceAreas: vendor.areas))
            clock.advance(to: clock.now.addingTimeInterval(1))
        }
        background = SimulatedBackground(consumers: core.eventConsumers, jobRunner: core.jobRunner,
                                         events: core.repositories.events, jobs: core.repositories.jobs)
        vendorByPhone = Dictionary(uniqueKeysWithValues: world.vendors.map { ($0.phone, $0.index) })
        ticketByTenantPhone = Dictionary(uniqueKeysWithValues: world.tickets.map { ($0.tenantPhone, $0.index) })
    }

    /// The repositories the run wrote to (tests read the database through them).
    var repositories: Repositories { core.repositories }

    // MARK: - Running

    /// Runs the world to rest — every arrival, reply and due job done — and reports.
    public func run() async throws -> DispatchSimulationReport {
        let started = ContinuousClock.now
        for ticket in world.tickets { agenda.add(.arrive(ticket.index), at: ticket.arrivesAt) }
        for vendor in world.vendors { if let at = vendor.stopsAt { agenda.add(.stop(vendor: vendor.index), at: at) } }
        // Everything settles within days of the last arrival (a visit window is at most 14 days out, auto-close a day
        // later); a run still busy long after that is itself a finding.
        let horizon = DispatchSimulation.start.addingTimeInterval(TimeInterval((parameters.days + 60) * 86_400))
        var problems: [String] = []
        try await settle()
        while true {
            let nextJob = try await repositories.jobs.nextRunAt()
            guard let next = [nextJob, agenda.nextTime].compactMap({ $0 }).min() else { break }
            if next > horizon {
                problems.append("the run had not come to rest \(parameters.days + 60) days after the start")
                break
            }
            clock.advance(to: next)
            var worked = false
            while let happening = agenda.next(dueBy: clock.now) {
                try await perform(happening)
                try await settle()
                worked = true
            }
            if !worked, try await !settle() {
                problems.append("the work queue has a job due at \(next) that no pass runs")
                break
            }
        }
        problems += background.consumerFailures.prefix(10)
        let (pending, failed) = try await repositories.jobs.counts()
        if failed > 0 { problems.append("\(failed) job(s) of the work queue failed for good") }
        if pending > 0, problems.isEmpty { problems.append("\(pending) job(s) still pending at the end") }
        return try await report(problems: problems, elapsed: ContinuousClock.now - started)
    }

    /// Runs the server's background work (``SimulatedBackground``) until it has nothing left, letting each simulated
    /// person read the texts delivered meanwhile. Returns whether anything ran.
    @discardableResult
    private func settle() async throws -> Bool {
        var any = false
        while true {
            let did = try await background.round(now: clock.now)
            for text in phones.takeTexts() { read(text) }
            guard did else { return any }
            any = true
        }
    }

    private func perform(_ happening: Happening) async throws {
        switch happening {
        case .arrive(let index):
            let planned = world.tickets[index]
            let details = try TicketDetails(
                trade: planned.trade, priority: planned.priority, problem: planned.problem, propertyAddress: planned.address,
                unit: planned.unit, postcode: planned.postcode, accessWindow: "any time", tenantName: planned.tenantName,
                tenantPhone: planned.tenantPhone).validated()
            // As `POST /v1/tickets` opens it: the row and `ticket.opened` in one transaction; the `dispatch` consumer
            // takes it from there.
            let ticket = try await repositories.tickets.create(NewTicket(
                businessId: business.id, details: details, source: .rest, actor: TicketActor(.admin, id: "simulation")))
            ticketByCode[ticket.code] = planned.index
        case .stop(let vendor):
            stopped.insert(vendor)
            meant[vendor] = nil
            try await text("STOP", from: world.vendors[vendor].phone)
        case let .reply(body, phone, vendor):
            // A vendor who texted STOP sends nothing more.
            if let vendor, stopped.contains(vendor) { return }
            try await text(body, from: phone)
        }
    }

    /// Hands a text to the booking loop as the SMS webhook does once it has a new MessageSid.
    private func text(_ body: String, from phone: String) async throws {
        messages += 1
        let sid = "SM" + String(format: "%032x", 0x5151_0000_0000 + messages)
        if DispatchReply(parsing: body).verb == .accept { yesReplies.append(sid) }
        _ = try await core.dispatch.handle(reply: body, from: phone, business: business, messageSid: sid)
    }

    // MARK: - The simulated people

    /// A simulated person reads a text delivered to their phone and decides whether and when to answer.
    private func read(_ text: SimulatedPhones.Text) {
        if let vendor = vendorByPhone[text.to] {
            guard !stopped.contains(vendor) else { return }
            vendorReads(text, vendor: world.vendors[vendor])
        } else if ticketByTenantPhone[text.to] != nil, let code = Self.code(after: "Reply DONE ", in: text.body),
                  text.body.hasPrefix("Is Job \(code) "), let ticket = ticketByCode[code] {
            // The tenant is asked whether it is fixed.
            let (who, delay) = DispatchSimulation.confirmation(ofTicket: ticket, parameters)
            if who == .tenant { schedule("DONE \(code)", from: text.to, vendor: nil, after: delay) }
        }
        // Landlord contacts read their texts and do nothing: an escalated ticket stays escalated.
    }

    private func vendorReads(_ text: SimulatedPhones.Text, vendor: DispatchSimulation.Vendor) {
        let body = text.body
        if let code = Self.code(after: "Reply YES ", in: body),
           body.hasPrefix("Job \(code): ") || body.hasPrefix("EMERGENCY job \(code): "), let ticket = ticketByCode[code] {
            // An offer.
            let timeout = settings.offerTimeouts.timeout(for: world.tickets[ticket].priority)
            let (answer, delay) = DispatchSimulation.answer(of: vendor, toTicket: ticket, timeout: timeout, parameters)
            switch answer {
            case .yes(let bare):
                if bare { meant[vendor.index] = code }
                schedule(bare ? "Yes" : "YES \(code)", from: vendor.phone, vendor: vendor.index, after: delay)
            case .no:
                schedule("no \(code) sorry", from: vendor.phone, vendor: vendor.index, after: delay)
            case .silence:
                break
            }
        } else if body.hasPrefix("You have "), body.contains(" open jobs: reply "), let code = meant.removeValue(forKey: vendor.index),
                  let ticket = ticketByCode[code] {
            // Asked which job a bare YES meant: answered with the code.
            schedule("YES \(code)", from: vendor.phone, vendor: vendor.index,
                     after: DispatchSimulation.clarificationDelay(vendor: vendor, ticket: ticket, parameters))
        } else if body.hasPrefix("Finished Job "), let code = Self.code(after: "Reply DONE ", in: body),
                  let ticket = ticketByCode[code] {
            let (who, delay) = DispatchSimulation.confirmation(ofTicket: ticket, parameters)
            if who == .vendor { schedule("DONE \(code)", from: vendor.phone, vendor: vendor.index, after: delay) }
        } else if body.contains(" is yours: ") || body == DispatchTexts.unmatched(.noOpenJobs(.accept)) {
            meant[vendor.index] = nil
        }
    }

    private func schedule(_ body: String, from phone: String, vendor: Int?, after delay: TimeInterval) {
        agenda.add(.reply(body: body, from: phone, vendor: vendor), at: clock.now.addingTimeInterval(delay))
    }

    /// The 4-character job code right after `marker` ("Reply YES K7Q2 …" → K7Q2).
    static func code(after marker: String, in body: String) -> String? {
        guard let range = body.range(of: marker) else { return nil }
        let code = body[range.upperBound...].prefix(4)
        return code.count == 4 ? String(code) : nil
    }
}

// MARK: - The agenda

extension DispatchSimulator {
    enum Happening {
        /// The world's ticket with this index is reported.
        case arrive(Int)
        /// The vendor texts STOP.
        case stop(vendor: Int)
        /// A simulated person's text (a vendor's when `vendor` is set).
        case reply(body: String, from: String, vendor: Int?)
    }
}

