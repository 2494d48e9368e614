import Foundation

/// What a text says about a ticket: its code, the problem in the tenant's words, where, how urgent and when.
public struct DispatchJob: Sendable, Equatable {
    /// The ticket's public code (`K7Q2`).
    public var code: String
    /// The problem, short ("no hot water"); shortened with "..." when a text would run past one SMS.
    public var problem: String
    /// Where the work is ("14 Elm St, Apt 2"); never shortened: a vendor cannot go to half an address.
    public var address: String
    public var priority: TicketPriority
    /// The agreed visit window; nil before one is set (an emergency offer says "ASAP").
    public var window: VisitWindow?
    /// The business's time zone: every time in a text is said in it.
    public var timeZone: TimeZone

    public init(code: String, problem: String, address: String, priority: TicketPriority, window: VisitWindow?,
                timeZone: TimeZone) {
        self.code = code
        self.problem = problem
        self.address = address
        self.priority = priority
        self.window = window
        self.timeZone = timeZone
    }

    /// "today 2-6pm", or "ASAP" without a window.
    func when(now: Date) -> String { window?.phrase(now: now, timeZone: timeZone) ?? "ASAP" }
}

/// The exact wording of every booking-loop text. All are GSM-7 (hyphens, straight quotes) and kept to one SMS
/// (160 characters) where possible: when a text would be longer, optional words go first ("to take it", "Thank
/// you!"), then the problem is shortened at a word with "..." (down to ``minimumProblemLength``), and for a booking
/// notice the problem is left out. When nothing fits, the wording sent in the fewest parts goes (the most complete
/// among equals). Addresses, codes, times and phone numbers are never cut.
public enum DispatchTexts {
    /// One SMS in GSM-7.
    public static let singleSMS = 160
    /// The problem is never cut shorter than this (plus "...").
    public static let minimumProblemLength = 12

    // MARK: To vendors

    /// The offer: "Job K7Q2: no hot water at 14 Elm St, today 2-6pm. Reply YES K7Q2 to take it or NO K7Q2."
    /// Emergencies start "EMERGENCY job"; when the full text runs long, "to take it " is dropped before the
    /// problem is shortened.
    public static func offer(_ job: DispatchJob, now: Date) -> String {
        let lead = job.priority == .emergency ? "EMERGENCY job" : "Job"
        let code = job.code
        let long = "Reply YES \(code) to take it or NO \(code)."
        let short = "Reply YES \(code) or NO \(code)."
        let make = { (tail: String) in
            { (problem: String) in "\(lead) \(code): \(problem) at \(clean(job.address)), \(job.when(now: now)). \(tail)" }
        }
        return fitted([.whole(make(long)), .whole(make(short)), .cut(make(short))], problem: job.problem)
    }

    /// To the vendor who won: "Job K7Q2 is yours: no hot water at 14 Elm St, today 2-6pm. Tenant: Ana +1555… Thank
    /// you!" When that runs long, the thanks and then the problem (the vendor saw it in the offer) are left out.
    public static func vendorBooked(_ job: DispatchJob, tenantName: String?, tenantPhone: String?, now: Date) -> String {
        let tenant = [tenantName.map(clean), tenantPhone].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        let contact = tenant.isEmpty ? "" : " Tenant: \(tenant)."
        let place = "\(clean(job.address)), \(job.when(now: now))."
        let thanks = { (problem: String) in "Job \(job.code) is yours: \(problem) at \(place)\(contact) Thank you!" }
        let plain = { (problem: String) in "Job \(job.code) is yours: \(problem) at \(place)\(contact)" }
        return fitted([.whole(thanks), .whole(plain), .cut(plain), .whole({ _ in "Job \(job.code) is yours: \(place)\(contact)" })],
                      problem: job.problem)
    }

    /// A YES after another vendor won, or for a job no longer looking for a vendor.
    public static func alreadyTaken(code: String) -> String {
        "Job \(code) has already been taken. Thank you for replying!"
    }

    /// A second YES from the vendor who already has the job (Twilio delivers each text once; people send two).
    public static func alreadyYours(code: String) -> String {
        "Job \(code) is already yours. Thank you!"
    }

    /// To the vendor whose open offer was withdrawn because a vendor whose offer had timed out took the job first.
    public static func withdrawn(code: String) -> String {
        "Job \(code) has been taken by another vendor: no need to reply. Thank you!"
    }

    /// The answer to a NO.
    public static func declined(code: String) -> String {
        "Thanks for letting us know. Job \(code) will go to another vendor."
    }

    /// Reminder to the vendor, `tomorrow 9am-12pm` (24 h before) or `today 2-6pm` (1 h before).
    public static func vendorReminder(_ job: DispatchJob, now: Date) -> String {
        fitted({ "Reminder: Job \(job.code) at \(clean(job.address)), \(job.when(now: now)) (\($0))." }, problem: job.problem)
    }

    /// After the visit window: ask the vendor to confirm the work is finished.
    public static func vendorCompletionRequest(_ job: DispatchJob) -> String {
        "Finished Job \(job.code) at \(clean(job.address))? Reply DONE \(job.code) to close it."
    }

    // MARK: To tenants

    /// The booking confirmation: "Job K7Q2 (no hot water) is booked: Acme Plumbing will come today 2-6pm. …"
    public static func tenantConfirmation(_ job: DispatchJob, vendorName: String, now: Date) -> String {
        fitted({ "Job \(job.code) (\($0)) is booked: \(clean(vendorName)) will come \(job.when(now: now)). "
                    + "Reply to this text if anything changes." }, problem: job.problem)
    }

    /// Reminder to the tenant.
    public static func tenantReminder(_ job: DispatchJob, vendorName: String, now: Date) -> String {
        fitted({ "Reminder: \(clean(vendorName)) comes \(job.when(now: now)) for Job \(job.code) (\($0))." },
               problem: job.problem)
    }

    /// After the visit window: ask the tenant whether it is fixed.
    public static func tenantCompletionRequest(_ job: DispatchJob) -> String {
        fitted({ "Is Job \(job.code) (\($0)) fixed? Reply DONE \(job.code) if it is, or tell us what is still wrong." },
               problem: job.problem)
    }

    /// To the tenant when the ticket closed by itself.
    public static func tenantAutoClosed(code: String) -> String {
        "Job \(code) is now closed. Still a problem? Text us and we will open a new job."
    }

    /// The note stored with the automatic close (timeline and ticket), e.g. after 1440 minutes: "…within 24 hours…".
    public static func autoClosedNote(afterMinutes minutes: Int) -> String {
        "Closed automatically: no DONE reply within \(duration(minutes: minutes)) after the visit."
    }

    // MARK: To landlords

    /// The landlord hears a ticket was booked; when that runs long, without the problem.
    public static func landlordNotice(_ job: DispatchJob, vendorName: String, now: Date) -> String {
        let booking = "\(clean(vendorName)), \(job.when(now: now))."
        let full = { (problem: String) in "Job \(job.code) booked: \(problem) at \(clean(job.address)). \(booking)" }
        return fitted([.whole(full), .cut(full), .whole({ _ in "Job \(job.code) booked at \(clean(job.address)). \(booking)" })],
                      problem: job.problem)
    }

    /// The escalation: why, then the ticket summary (priority, problem, address, tenant).
    /// "Job K7Q2 needs you: every vendor declined or did not answer. Urgent: no hot water at 14 Elm St. Tenant: …"
    public static func escalation(_ job: DispatchJob, reason: DispatchPlanner.EscalationReason, tenantName: String?,
                                  tenantPhone: String?, emergencyWindowMinutes: Int = 30) -> String {
        let why = why(reason, emergencyWindowMinutes: emergencyWindowMinutes)
        let level = switch job.priority {
        case .emergency: "EMERGENCY"
        case .urgent: "Urgent"
        case .routine: "Routine"
        }
        let tenant = [tenantName.map(clean), tenantPhone].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        let contact = tenant.isEmpty ? "" : " Tenant: \(tenant)."
        return fitted({ "Job \(job.code) needs you: \(why). \(level): \($0) at \(clean(job.address)).\(contact)" },
                      problem: job.problem)
    }

    /// What the landlord hears when the escalation calls them: the business, the job and why, the ticket summary,
    /// and that the details were texted. Said by the call's voice, so plain words and no length limit.
    public static func escalationCall(_ job: DispatchJob, businessName: String, reason: DispatchPlanner.EscalationReason,
                                      tenantName: String?, emergencyWindowMinutes: Int = 30) -> String {
        let why = why(reason, emergencyWindowMinutes: emergencyWindowMinutes)
        let level = switch job.priority {
        case .emergency: "an emergency"
        case .urgent: "an urgent job"
        case .routine: "a routine job"
        }
        let code = job.code.map { String($0) }.joined(separator: " ")
        let tenant = tenantName.map(clean).flatMap { $0.isEmpty ? nil : " The tenant is \($0)." } ?? ""
        return "This is \(clean(businessName)) maintenance calling about job \(code), \(level): \(clean(job.problem)) "
            + "at \(clean(job.address)). It needs you because \(why).\(tenant) The details are in a text we sent you."
    }

    /// Why a ticket escalated, in words: "every vendor declined or did not answer".
    static func why(_ reason: DispatchPlanner.EscalationReason, emergencyWindowMinutes: Int) -> String {
        switch reason {
        case .noCandidates: "no active vendor covers this trade and area"
        case .allDeclinedOrTimedOut: "every vendor declined or did not answer"
        case .emergencyNotAccepted: "no vendor accepted within \(duration(minutes: emergencyWindowMinutes))"
        }
    }

    // MARK: Replies that match no job

    /// The answer to a reply that names no job the sender can answer, or nil for an ordinary message (`notAReply`).
    public static func unmatched(_ reason: DispatchReplyUnmatched) -> String? {
        switch reason {
        case .notAReply: nil
        case .noOpenJobs: "You have no open jobs with us right now."
        case let .ambiguous(verb, open): whichJob(verb, open: open)
        case let .codeNotOpen(verb, code, open):
            open.isEmpty ? "Job \(clean(code)) is not open for you, and you have no open jobs with us."
                : "Job \(clean(code)) is not open for you. " + whichJob(verb, open: open)
        }
    }

    /// "You have 2 open jobs: reply YES K7Q2 or YES M3P9." Four or more: "… reply YES and the job code, e.g. YES K7Q2."
    public static func whichJob(_ verb: DispatchReply.Verb, open: [String]) -> String {
        let word = verb.keyword
        switch open.count {
        case 0: return "You have no open jobs with us right now."
        case 1: return "Reply \(word) \(open[0])."
        case 2, 3:
            let options = open.map { "\(word) \($0)" }
            return "You have \(open.count) open jobs: reply " + options.dropLast().joined(separator: ", ")
                + " or \(options.last!)."
        default:
            return "You have \(open.count) open jobs: reply \(word) and the job code, e.g. \(word) \(open[0])."
        }
    }

    // MARK: Fitting

    /// Whether `text` is one GSM-7 SMS.
    public static func fits(_ text: String) -> Bool { (GSM7.septets(text) ?? .max) <= singleSMS }

    /// One way to word a text, given the (possibly shortened) problem.
    enum Wording {
        /// With the problem as the tenant gave it.
        case whole((String) -> String)
        /// With the problem shortened at a word boundary just enough to fit one SMS (never below the minimum).
        case cut((String) -> String)
    }

    /// The first of `wordings` that fits one SMS; when none does, the one sent in the fewest parts (the earliest
    /// among equals: if a second part is paid for anyway, it carries the most complete wording).
    static func fitted(_ wordings: [Wording], problem: String) -> String {
        let problem = clean(problem)
        let texts = wordings.map { wording in
            switch wording {
            case let .whole(make): make(problem)
            case let .cut(make): cut(make, problem: problem)
            }
        }
        if let fitting = texts.first(where: fits) { return fitting }
        return texts.enumerated().min { (GSM7.segments($0.element), $0.offset) < (GSM7.segments($1.element), $1.offset) }!
            .element
    }

    /// `make(problem)` with the problem shortened until the text fits one SMS or the problem reaches the minimum.
    static func cut(_ make: (String) -> String, problem: String) -> String {
        let full = make(problem)
        guard !fits(full), problem.count > minimumProblemLength else { return full }
        let over = (GSM7.septets(full) ?? full.count) - singleSMS
        let budget = max(minimumProblemLength, problem.count - over - 3)
        return make(shortened(problem, to: budget))
    }

    /// The usual ladder: the whole problem, then the problem shortened.
    static func fitted(_ make: @escaping (String) -> String, problem: String) -> String {
        fitted([.whole(make), .cut(make)], problem: problem)
    }

    /// The first `limit` characters of `text`, cut back to a word boundary when one is near, plus "...".
    static func shortened(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        var cut = String(text.prefix(limit))
        if let space = cut.lastIndex(of: " "), cut.distance(from: cut.startIndex, to: space) >= limit / 2 {
            cut = String(cut[..<space])
        }
        while let last = cut.last, last == " " || last == "," || last == "." || last == ";" { cut.removeLast() }
        return cut + "..."
    }

    /// Tenant- or landlord-provided words made GSM-7 where possible, on one line, without a trailing period.
    static func clean(_ text: String) -> String {
        var words = GSM7.sanitized(text).split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: " ")
        while let last = words.last, last == "." { words.removeLast() }
        return words
    }

    /// "24 hours", "90 minutes", "1 hour".
    static func duration(minutes: Int) -> String {
        if minutes % 60 == 0 { return minutes == 60 ? "1 hour" : "\(minutes / 60) hours" }
        return minutes == 1 ? "1 minute" : "\(minutes) minutes"
    }
}
