import Foundation
import Logging
import Receptionist

/// The receptionist without Twilio, for `frontdesk call` (talk to it in a terminal) and `frontdesk replay` (run a
/// stored call's caller turns again): the same services, state machine and knowledge lookup as the webhooks.
public struct CallConsole: Sendable {
    let services: AppServices

    /// Opens the database and loads the model, like `serve` does.
    public static func open(_ config: AppConfig, logger: Logger) async throws -> CallConsole {
        CallConsole(services: try await makeServices(config, logger: logger, announce: { print($0) }))
    }

    public func business(slug: String) async throws -> Business? {
        try await services.businesses.get(slug: slug)
    }

    public func business(id: String) async throws -> Business? {
        try await services.businesses.get(id: id)
    }

    /// The numbers the business answers (the first is used as the called number).
    public func numbers(of business: Business) async throws -> [String] {
        try await services.businesses.numbers(ofBusiness: business.id)
    }

    /// One turn, not stored.
    public func step(_ machine: inout CallMachine, input: CallInput, business: Business, called: String,
                     at date: Date = Date(), options: VoiceOptions = VoiceOptions()) async throws -> TurnResult {
        try await services.callService.step(&machine, input: input, business: business, called: called, at: date,
                                            options: options)
    }

    public func call(sid: String) async throws -> CallRecord? {
        try await services.calls.call(sid: sid)
    }

    public func turns(sid: String) async throws -> [CallTurn] {
        try await services.calls.turns(callSid: sid)
    }

    public func close() throws {
        services.knowledge.queryEmbedder.shutdown()
        services.knowledge.bulkEmbedder.shutdown()
        try services.database.close()
    }
}

extension CallTurn {
    /// The input that produced this receptionist turn, rebuilt from the transcript (`previous` is the caller line
    /// just before it, if any); nil for caller lines.
    public func replayInput(after previous: CallTurn?) -> CallInput? {
        guard speaker == .receptionist else {
            return event.hasPrefix("hangup") ? .hangUp : nil
        }
        switch event {
        case "started": return .start
        case "silence": return .silence
        case "speech":
            guard let previous, previous.speaker == .caller else { return nil }
            return .speech(previous.text, confidence: previous.asrConfidence)
        default:
            if event.hasPrefix("transfer:") { return .transferEnded(String(event.dropFirst("transfer:".count))) }
            return nil
        }
    }
}

extension CallConsole {
    /// `frontdesk export calls`: the same rows as `GET /v1/analytics/calls.<format>`, written in pages to `write`.
    /// - Parameters:
    ///   - from, to: as the HTTP query parameters (dates in the business's zone, or ISO 8601 date-times).
    ///   - format: csv, json or ndjson.
    public func exportCalls(
        business: Business, from: String?, to: String?, format: String, write: (String) throws -> Void
    ) async throws {
        guard let format = CallExport.Format(rawValue: format) else {
            throw AppError(.badRequest, code: "unsupported_format", message: "unknown format \(format); use csv, json or ndjson")
        }
        let timeZone = business.zone
        let range = try AnalyticsRange.parse(from: from, to: to, timeZone: timeZone, now: Date())
        let export = CallExport(analytics: services.repositories.analytics, businessId: business.id, timeZone: timeZone, range: range)
        try await export.write(format) { try write($0) }
    }
}

extension CallConsole {
    /// `frontdesk export daily|hourly`: the rollup rows of `GET /v1/analytics/daily.<format>`.
    public func exportRollup(business: Business, hourly: Bool, from: String?, to: String?, format: String) async throws -> String {
        guard format == "csv" || format == "json" else {
            throw AppError(.badRequest, code: "unsupported_format", message: "unknown format \(format); use csv or json")
        }
        let timeZone = business.zone
        let range = try AnalyticsRange.parse(from: from, to: to, timeZone: timeZone, now: Date())
        let rollup = CallRollup(analytics: services.repositories.analytics, businessId: business.id, timeZone: timeZone, range: range)
        let buckets = try await rollup.buckets(hourly ? .hour : .day)
        return try rollup.render(buckets, json: format == "json")
    }
}
