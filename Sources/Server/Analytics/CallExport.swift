import Analytics
import Foundation
import Hummingbird
import NIOCore

/// One row per call for analysts: `GET /v1/analytics/calls.csv|.json|.ndjson` and `frontdesk export calls`.
///
/// Rows are read in keyset pages (`AnalyticsRepository.exportRows`), each in its own read, and written out as they are formatted, so
/// memory stays flat however many calls the range holds.
struct CallExport: Sendable {
    enum Format: String, CaseIterable, Sendable {
        case csv, json, ndjson

        var contentType: String {
            switch self {
            case .csv: "text/csv; charset=utf-8"
            case .json: "application/json; charset=utf-8"
            case .ndjson: "application/x-ndjson; charset=utf-8"
            }
        }
    }

    typealias Row = CallExportRow

    static let columns = [
        "call_sid", "started_at", "ended_at", "time_zone", "duration_seconds", "caller", "called", "status", "outcome",
        "is_emergency", "emergency_category", "questions_answered", "questions_declined", "cited_entries",
        "lead_reason", "lead_name", "lead_phone", "lead_address", "lead_notes", "sentiment_score", "sentiment_label",
        "summary", "direction",
    ]

    /// RFC 4180 (Analytics' writer): CRLF, quotes doubled, formula-looking cells guarded with an apostrophe
    /// (transcripts are written by callers).
    static let csv = CSVWriter(columns: columns)

    let analytics: any AnalyticsRepository
    let businessId: String
    let timeZone: TimeZone
    let range: AnalyticsRange
    var pageSize = 2_000

    /// Calls the `write` closure with consecutive pages of rows, oldest first. Each page is its own read.
    func forEachPage(_ write: ([Row]) async throws -> Void) async throws {
        var after: CallExportPosition?
        while true {
            let page = try await analytics.exportRows(businessId: businessId, from: range.from, to: range.to,
                                                      after: after, limit: pageSize)
            if page.isEmpty { return }
            try await write(page)
            if page.count < pageSize { return }
            after = CallExportPosition(startedAt: page.last!.startedAt, sid: page.last!.sid)
        }
    }

    // MARK: - Formatting

    /// Times in the business's zone with its offset ("2026-11-24T09:15:02-05:00"), so a spreadsheet shows local time.
    /// One per page: a formatter is costly to make and not safe to share between threads.
    func timestampFormatter() -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = timeZone
        formatter.formatOptions = [.withInternetDateTime]
        return formatter
    }

    func fields(_ row: Row, _ formatter: ISO8601DateFormatter) -> [String?] {
        [row.sid, formatter.string(from: row.startedAt), row.endedAt.map(formatter.string(from:)), timeZone.identifier,
         row.durationSeconds.map(String.init),
         row.caller, row.called, row.status, row.outcome, row.isEmergency ? "true" : "false", row.emergencyCategory,
         String(row.questionsAnswered), String(row.questionsDeclined), row.citedEntries.joined(separator: ";"),
         row.leadReason, row.leadName, row.leadPhone, row.leadAddress, row.leadNotes,
         row.sentimentScore.map { String(format: "%.3f", $0) }, row.sentimentLabel, row.summary, row.direction]
    }

    func jsonObject(_ row: Row, _ formatter: ISO8601DateFormatter) -> [String: Any] {
        var object: [String: Any] = [:]
        for (name, value) in zip(Self.columns, fields(row, formatter)) { object[name] = value ?? NSNull() }
        object["duration_seconds"] = row.durationSeconds ?? NSNull()
        object["is_emergency"] = row.isEmergency
        object["questions_answered"] = row.questionsAnswered
        object["questions_declined"] = row.questionsDeclined
        object["cited_entries"] = row.citedEntries
        object["sentiment_score"] = row.sentimentScore ?? NSNull()
        return object
    }

    /// The whole export in `format`, handed to `emit` in pieces: the header, one piece per page of rows, the
    /// closing bracket of a JSON array. The API streams the pieces; `frontdesk export calls` writes them to a file.
    func write(_ format: Format, to emit: (String) async throws -> Void) async throws {
        var first = true
        switch format {
        case .csv: try await emit(Self.csv.header())
        case .json: try await emit("[")
        case .ndjson: break
        }
        try await forEachPage { rows in
            let formatter = timestampFormatter()
            var text = ""
            for row in rows {
                switch format {
                case .csv:
                    text += Self.csv.row(fields(row, formatter))
                case .json:
                    text += (first ? "\n" : ",\n") + (try JSONLine.encode(jsonObject(row, formatter)))
                case .ndjson:
                    text += try JSONLine.encode(jsonObject(row, formatter)) + "\n"
                }
                first = false
            }
            try await emit(text)
        }
        if format == .json { try await emit(first ? "]\n" : "\n]\n") }
    }

    /// The export as a streamed body in `format`.
    func body(_ format: Format) -> ResponseBody {
        ResponseBody { writer in
            try await write(format) { try await writer.write(ByteBuffer(string: $0)) }
            try await writer.finish(nil)
        }
    }
}

/// One JSON object as compact UTF-8 text with sorted keys.
enum JSONLine {
    static func encode(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }
}
