import Analytics
import Campaigns
import Foundation
import Hummingbird
import NIOCore

/// One row per recipient of a campaign: `GET /v1/campaigns/{id}/results` (JSON) and `…/results.csv`, through the
/// export writers the call export uses (Analytics' `CSVWriter`: RFC 4180, CRLF, formula-looking cells guarded).
///
/// Columns: the fixed ones (``fixedColumns``), then one per question of the script (its `field`: the answer, empty
/// when not given), then — when the script has an appointment question — ``appointmentColumns``, then one per variable of the upload prefixed `var_` (`var_first_name`), so an upload column can
/// never shadow a result column. JSON objects carry the same values with `answers` and `variables` as objects.
/// Recipients are read in pages of upload order, each page its own read, so memory stays flat; the CSV header needs the
/// variable names first, so the CSV reads the recipients twice.
struct CampaignResultsExport: Sendable {
    enum Format: String, Sendable {
        case csv, json

        var contentType: String {
            switch self {
            case .csv: "text/csv; charset=utf-8"
            case .json: "application/json; charset=utf-8"
            }
        }
    }

    static let fixedColumns = ["recipient_id", "phone_number", "state", "attempts", "last_outcome", "last_call_sid",
                               "next_attempt_at", "time_zone"]

    /// What the appointment question did (``RecipientAppointment``): its status, the appointment, why it was refused.
    static let appointmentColumns = ["appointment_status", "appointment_id", "appointment_note"]

    let campaigns: any CampaignRepository
    let campaign: Campaign
    /// Times are written in this zone with its offset (the business's).
    let timeZone: TimeZone
    var pageSize = 500

    /// Calls `write` with consecutive pages of recipients, in upload order.
    func forEachPage(_ write: ([CampaignRecipient]) async throws -> Void) async throws {
        var cursor: String?
        repeat {
            let page = try await campaigns.recipients(campaignId: campaign.id, businessId: campaign.businessId, state: nil,
                                                      limit: pageSize, cursor: cursor)
            if !page.items.isEmpty { try await write(page.items) }
            cursor = page.nextCursor
        } while cursor != nil
    }

    /// The variable names of every recipient, in order of first appearance.
    func variableNames() async throws -> [String] {
        var names: [String] = []
        var seen: Set<String> = []
        try await forEachPage { page in
            for recipient in page {
                for name in recipient.variables.keys.sorted() where seen.insert(name).inserted { names.append(name) }
            }
        }
        return names
    }

    func formatter() -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = timeZone
        formatter.formatOptions = [.withInternetDateTime]
        return formatter
    }

    func fixedFields(_ recipient: CampaignRecipient, _ formatter: ISO8601DateFormatter) -> [String?] {
        [recipient.id, recipient.phone, recipient.state.rawValue, String(recipient.attempts), recipient.lastOutcome?.rawValue,
         recipient.lastCallSid, recipient.nextAttemptAt.map(formatter.string(from:)), recipient.timeZone]
    }

    func jsonObject(_ recipient: CampaignRecipient, _ formatter: ISO8601DateFormatter) -> [String: Any] {
        var object: [String: Any] = [:]
        for (name, value) in zip(Self.fixedColumns, fixedFields(recipient, formatter)) { object[name] = value ?? NSNull() }
        object["attempts"] = recipient.attempts
        var answers: [String: Any] = [:]
        for question in campaign.script.questions { answers[question.field] = recipient.results[question.field] ?? NSNull() }
        object["answers"] = answers
        object["appointment"] = recipient.appointment.map { appointment -> [String: Any] in
            ["status": appointment.status.rawValue, "appointment_id": appointment.appointmentId ?? NSNull(),
             "note": appointment.note ?? NSNull()]
        } ?? NSNull()
        object["variables"] = recipient.variables
        return object
    }

    /// The whole export in `format`, handed to `emit` in pieces (the header, one piece per page, the closing bracket).
    func write(_ format: Format, to emit: (String) async throws -> Void) async throws {
        switch format {
        case .csv:
            let variables = try await variableNames()
            let questions = campaign.script.questions.map(\.field)
            let appointments = campaign.script.appointmentQuestion != nil
            let writer = CSVWriter(columns: Self.fixedColumns + questions + (appointments ? Self.appointmentColumns : [])
                                   + variables.map { "var_" + $0 })
            try await emit(writer.header())
            try await forEachPage { page in
                let formatter = formatter()
                var text = ""
                for recipient in page {
                    let appointment = recipient.appointment
                    text += writer.row(fixedFields(recipient, formatter) + questions.map { recipient.results[$0] }
                                       + (appointments ? [appointment?.status.rawValue, appointment?.appointmentId, appointment?.note] : [])
                                       + variables.map { recipient.variables[$0] })
                }
                try await emit(text)
            }
        case .json:
            var first = true
            try await emit("[")
            try await forEachPage { page in
                let formatter = formatter()
                var text = ""
                for recipient in page {
                    text += (first ? "\n" : ",\n") + (try JSONLine.encode(jsonObject(recipient, formatter)))
                    first = false
                }
                try await emit(text)
            }
            try await emit(first ? "]\n" : "\n]\n")
        }
    }

    /// The export as a streamed body.
    func body(_ format: Format) async throws -> ResponseBody {
        ResponseBody { writer in
            try await write(format) { try await writer.write(ByteBuffer(string: $0)) }
            try await writer.finish(nil)
        }
    }
}
