import Analytics
import Foundation
import GRDB
import Hummingbird
import NIOCore

/// One row per call for analysts: `GET /v1/analytics/calls.csv|.json|.ndjson` and `frontdesk export calls`.
///
/// Rows are read in keyset pages, each in its own read transaction, and written out as they are formatted, so
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

    struct Row: Sendable {
        var sid: String
        var startedAt: Date
        var endedAt: Date?
        var durationSeconds: Int?
        var caller: String?
        var called: String
        var status: String
        var outcome: String?
        var isEmergency: Bool
        var emergencyCategory: String?
        var questionsAnswered: Int
        var questionsDeclined: Int
        var citedEntries: [String]
        var leadReason: String?
        var leadName: String?
        var leadPhone: String?
        var leadAddress: String?
        var leadNotes: String?
        var sentimentScore: Double?
        var sentimentLabel: String?
        var summary: String?
    }

    static let columns = [
        "call_sid", "started_at", "ended_at", "time_zone", "duration_seconds", "caller", "called", "status", "outcome",
        "is_emergency", "emergency_category", "questions_answered", "questions_declined", "cited_entries",
        "lead_reason", "lead_name", "lead_phone", "lead_address", "lead_notes", "sentiment_score", "sentiment_label",
        "summary",
    ]

    /// RFC 4180 (Analytics' writer): CRLF, quotes doubled, formula-looking cells guarded with an apostrophe
    /// (transcripts are written by callers).
    static let csv = CSVWriter(columns: columns)

    let database: AppDatabase
    let businessId: String
    let timeZone: TimeZone
    let range: AnalyticsRange
    var pageSize = 2_000

    /// Calls the `write` closure with consecutive pages of rows, oldest first.
    func forEachPage(_ write: ([Row]) async throws -> Void) async throws {
        var after: (Date, String)?
        while true {
            let cursor = after
            let page = try await database.dbPool.read { [businessId, range, pageSize] db in
                try Self.page(db, businessId: businessId, range: range, after: cursor, limit: pageSize)
            }
            if page.isEmpty { return }
            try await write(page)
            if page.count < pageSize { return }
            after = (page.last!.startedAt, page.last!.sid)
        }
    }

    static func page(_ db: Database, businessId: String, range: AnalyticsRange, after: (Date, String)?, limit: Int) throws -> [Row] {
        var arguments: StatementArguments = [businessId, range.from, range.to]
        var keyset = ""
        if let after {
            keyset = "AND (c.started_at > ? OR (c.started_at = ? AND c.sid > ?))"
            arguments += [after.0, after.0, after.1]
        }
        arguments += [limit]
        let rows = try GRDB.Row.fetchAll(db, sql: """
            SELECT c.sid, c.started_at, c.ended_at, c.duration_seconds, c.caller, c.called, c.status, c.outcome,
                   c.is_emergency, c.emergency_category, c.questions_answered, c.questions_declined,
                   c.cited_entries AS cited,
                   l.reason AS lead_reason, l.name AS lead_name, l.phone AS lead_phone, l.address AS lead_address,
                   l.notes AS lead_notes, s.sentiment_score, s.sentiment_label, s.summary
            FROM calls c
            LEFT JOIN leads l ON l.id = (SELECT id FROM leads WHERE call_sid = c.sid ORDER BY created_at, id LIMIT 1)
            LEFT JOIN call_summaries s ON s.call_sid = c.sid
            WHERE c.business_id = ? AND c.started_at >= ? AND c.started_at < ? \(keyset)
            ORDER BY c.started_at, c.sid
            LIMIT ?
            """, arguments: arguments)
        return rows.map { row in
            Row(sid: row["sid"], startedAt: row["started_at"], endedAt: row["ended_at"], durationSeconds: row["duration_seconds"],
                caller: row["caller"], called: row["called"], status: row["status"], outcome: row["outcome"],
                isEmergency: row["is_emergency"], emergencyCategory: row["emergency_category"],
                questionsAnswered: row["questions_answered"], questionsDeclined: row["questions_declined"],
                citedEntries: (row["cited"] as String?)?.split(separator: ";").map(String.init) ?? [],
                leadReason: row["lead_reason"], leadName: row["lead_name"], leadPhone: row["lead_phone"],
                leadAddress: row["lead_address"], leadNotes: row["lead_notes"], sentimentScore: row["sentiment_score"],
                sentimentLabel: row["sentiment_label"], summary: row["summary"])
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
         row.sentimentScore.map { String(format: "%.3f", $0) }, row.sentimentLabel, row.summary]
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
