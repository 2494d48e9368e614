import Foundation
import Hummingbird
import Receptionist

/// The owner's day: `GET /v1/owner/schedule/tomorrow` and `GET /v1/owner/summary/today`, as JSON with a
/// `reply_text` that reads naturally aloud, or (`?format=twiml`) as `<Say>` for the owner to call in and hear.
struct OwnerController {
    let appointments: any AppointmentRepository
    let analytics: any AnalyticsRepository
    let now: @Sendable () -> Date

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("schedule/tomorrow", use: scheduleTomorrow)
        group.get("summary/today", use: summaryToday)
    }

    struct Job: Encodable {
        let appointmentId: String
        let start: String
        let end: String
        let service: String?
        let customerName: String?
        let address: String?
        let isEmergency: Bool
        let status: String
    }

    struct Schedule: Encodable {
        let date: String
        let timeZone: String
        let count: Int
        let jobs: [Job]
        let replyText: String
    }

    struct DaySummary: Encodable {
        let date: String
        let timeZone: String
        let calls: Int
        let leads: Int
        let bookings: Int
        let emergencies: Int
        let replyText: String
    }

    @Sendable func scheduleTomorrow(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let (calendar, start) = Self.day(offset: 1, business: business, now: now())
        let end = calendar.date(byAdding: .day, value: 1, to: start)!
        let scheduled = try await appointments.schedule(businessId: business.id, from: start, to: end)
        let iso = ISO8601DateFormatter()
        iso.timeZone = calendar.timeZone
        iso.formatOptions = [.withInternetDateTime]
        let jobs = scheduled.map { item in
            let appointment = item.appointment
            return Job(appointmentId: appointment.id, start: iso.string(from: appointment.startAt),
                       end: iso.string(from: appointment.endAt), service: appointment.service,
                       customerName: item.customerName, address: item.customerAddress,
                       isEmergency: appointment.isEmergency, status: appointment.status.rawValue)
        }
        let spokenJobs = scheduled.map { item in
            (time: SpokenClock.time(item.appointment.startAt, in: calendar.timeZone), service: item.appointment.service,
             address: item.customerAddress, name: item.customerName, emergency: item.appointment.isEmergency)
        }
        let text = Self.scheduleText(spokenJobs)
        let schedule = Schedule(date: Self.dateText(start, calendar: calendar), timeZone: calendar.timeZone.identifier,
                                count: jobs.count, jobs: jobs, replyText: text)
        return try Self.respond(schedule, text: text, request: request, business: business)
    }

    @Sendable func summaryToday(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let (calendar, start) = Self.day(offset: 0, business: business, now: now())
        let end = calendar.date(byAdding: .day, value: 1, to: start)!
        let counts = try await analytics.activity(businessId: business.id, from: start, to: end)
        let (calls, leads, bookings, emergencies) = (counts.calls, counts.leads, counts.bookings, counts.emergencies)
        let text = Self.summaryText(calls: calls, leads: leads, bookings: bookings, emergencies: emergencies)
        let summary = DaySummary(date: Self.dateText(start, calendar: calendar), timeZone: calendar.timeZone.identifier,
                                 calls: calls, leads: leads, bookings: bookings, emergencies: emergencies, replyText: text)
        return try Self.respond(summary, text: text, request: request, business: business)
    }

    // MARK: - Speech

    static func respond(_ value: some Encodable, text: String, request: Request, business: Business) throws -> Response {
        switch request.uri.queryParameters["format"].map(String.init) {
        case nil, "json":
            return try JSONResponse.make(value)
        case "twiml":
            let twiml = TwiML([.say(Say(text, voice: business.settings.voice, language: business.settings.language)), .hangup])
            return Response(status: .ok, headers: [.contentType: "text/xml; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: twiml.render())))
        case let other?:
            throw AppError(.badRequest, code: "unsupported_format", message: "unknown format \(other); use json or twiml")
        }
    }

    /// The start of today (offset 0) or tomorrow (1) in the business's zone.
    static func day(offset: Int, business: Business, now: Date) -> (Calendar, Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = business.zone
        let today = calendar.startOfDay(for: now)
        return (calendar, calendar.date(byAdding: .day, value: offset, to: today)!)
    }

    static func dateText(_ date: Date, calendar: Calendar) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        n == 1 ? "1 \(singular)" : "\(n) \(plural ?? singular + "s")"
    }

    static func scheduleText(_ jobs: [(time: String, service: String?, address: String?, name: String?, emergency: Bool)]) -> String {
        guard !jobs.isEmpty else { return "Tomorrow you have no jobs booked." }
        var sentences = ["Tomorrow you have \(count(jobs.count, "job"))."]
        for (index, job) in jobs.enumerated() {
            let lead = index == 0 ? "First" : (index == jobs.count - 1 && jobs.count > 1 ? "Last" : "Then")
            let what = job.service.map { "\(job.emergency ? "an emergency " : "a ")\($0)" } ?? (job.emergency ? "an emergency job" : "a job")
            var sentence = "\(lead), \(job.time), \(what)"
            if let address = job.address { sentence += " at \(address)" }
            if let name = job.name { sentence += " for \(name)" }
            sentences.append(sentence + ".")
        }
        return sentences.joined(separator: " ")
    }

    static func summaryText(calls: Int, leads: Int, bookings: Int, emergencies: Int) -> String {
        guard calls > 0 || bookings > 0 else { return "Today you had no calls yet." }
        var parts = [count(leads, "new lead"), count(bookings, "booking")]
        if emergencies > 0 { parts.append(count(emergencies, "emergency", "emergencies")) }
        let list = parts.count == 3 ? "\(parts[0]), \(parts[1]) and \(parts[2])" : "\(parts[0]) and \(parts[1])"
        return "Today you had \(count(calls, "call")): \(list)."
    }
}
