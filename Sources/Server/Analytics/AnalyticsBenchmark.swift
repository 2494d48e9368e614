import Analytics
import Foundation
import GRDB
import Receptionist
import VectorIndex
#if canImport(Glibc)
import Glibc
#endif

/// `frontdesk bench analytics`: seeds a business with many calls and times the analyst's reads on them.
public struct AnalyticsBenchmark: Sendable {
    public struct Figures: Sendable {
        public var calls: Int
        public var turns: Int
        public var seedSeconds: Double
        public var exportSeconds: Double
        /// Of which formatting rows as CSV: the export's time less a pass that only reads the same pages.
        public var exportFormattingSeconds: Double
        public var exportBytes: Int
        /// Growth of the process's peak resident memory during the export, in bytes.
        public var exportPeakGrowthBytes: Int
        public var rollupSeconds: Double
        public var rollupDays: Int
        public var rollupCalls: Int
        /// Same-run anchor: one SQLite pass reading every call's row and its turns' latencies (no formatting).
        public var anchorScanSeconds: Double
    }

    let database: AppDatabase
    let businessId: String
    let timeZone: TimeZone

    /// A new database at `path` with one business in `timeZone`.
    public static func create(path: String, timeZone: String = "America/Chicago") async throws -> AnalyticsBenchmark {
        let database = try AppDatabase(path: path)
        let business = try await GRDBBusinessRepository(database: database).create(NewBusiness(
            slug: "bench-analytics", name: "Bench Plumbing", timeZone: timeZone, numbers: ["+15550190000"]))
        return AnalyticsBenchmark(database: database, businessId: business.id, timeZone: TimeZone(identifier: timeZone)!)
    }

    /// Seeds `calls` calls of `turnsPerCall` transcript lines each, spread over `days` days up to `end`, in batches
    /// of 10,000 calls per transaction (deterministic from `seed`).
    public func seed(calls: Int, turnsPerCall: Int, days: Int, end: Date, seed: UInt64 = 7) async throws {
        let machine = String(decoding: try CallRecord.databaseJSONEncoder(for: "machine").encode(CallMachine(callerNumber: nil)), as: UTF8.self)
        let outcomes = CallOutcome.allCases
        var generator = SplitMix64(seed: seed)
        let span = Double(days) * 86_400
        var done = 0
        while done < calls {
            let batch = min(10_000, calls - done)
            var rows: [(sid: String, start: Date, outcome: CallOutcome, duration: Int, answered: Int, declined: Int, lead: Bool)] = []
            for index in done..<(done + batch) {
                let start = end.addingTimeInterval(-span * Double.random(in: 0..<1, using: &generator))
                let outcome = outcomes[Int.random(in: 0..<outcomes.count, using: &generator)]
                rows.append((String(format: "CA%032x", index), start, outcome, Int.random(in: 15...600, using: &generator),
                             Int.random(in: 0...3, using: &generator), Int.random(in: 0...1, using: &generator),
                             Int.random(in: 0..<5, using: &generator) == 0))
            }
            let latencies = (0..<(batch * turnsPerCall)).map { _ in Double.random(in: 1...40, using: &generator) }
            let batchRows = rows
            try await database.dbPool.write { [businessId] db in
                let call = try db.makeStatement(sql: """
                    INSERT INTO calls (sid, business_id, caller, called, status, state, machine, version, outcome, is_emergency,
                        emergency_category, started_at, ended_at, duration_seconds, questions_answered, questions_declined, caller_turns,
                        cited_entries)
                    VALUES (?, ?, '+15557654321', '+15550190000', 'completed', 'ENDED', ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                let turn = try db.makeStatement(sql: """
                    INSERT INTO call_turns (call_sid, seq, speaker, text, event, asr_confidence, state, citations,
                        answer_confidence, declined, latency_ms, created_at, sentiment)
                    VALUES (?, ?, ?, ?, 'speech', ?, 'FAQ', ?, ?, ?, ?, ?, ?)
                    """)
                let lead = try db.makeStatement(sql: """
                    INSERT INTO leads (id, business_id, call_sid, reason, name, phone, address, notes, is_emergency, created_at)
                    VALUES (?, ?, ?, 'message', 'Jo "JJ" Smith', '+15557654321', '14 Elm Road, Ashcombe', ?, 0, ?)
                    """)
                let summary = try db.makeStatement(sql: """
                    INSERT INTO call_summaries (call_sid, business_id, summary, fields, follow_up_needed, sentiment_score,
                        sentiment_label, sentiment_trend, created_at) VALUES (?, ?, ?, '{}', 0, ?, ?, 'steady', ?)
                    """)
                var latencyIndex = 0
                for row in batchRows {
                    let emergency = row.outcome == .emergency
                    try call.execute(arguments: [row.sid, businessId, machine, row.outcome.rawValue, emergency,
                                                 emergency ? "water" : nil, row.start, row.start.addingTimeInterval(Double(row.duration)),
                                                 row.duration, row.answered, row.declined, turnsPerCall / 2,
                                                 row.answered > 0 ? (0..<row.answered).map { "e\($0 * 2 % 7)" }.joined(separator: ";") : nil])
                    for seq in 0..<turnsPerCall {
                        let caller = seq % 2 == 1
                        let citations = !caller && seq <= row.answered * 2 ? #"[{"entryId":"e\#(seq % 7)","chunkId":\#(seq),"score":0.03,"similarity":0.61}]"# : nil
                        try turn.execute(arguments: [
                            row.sid, seq, caller ? "caller" : "receptionist",
                            caller ? "do you do boiler servicing, and how much is it \"roughly\"?" : "We service boilers from 89 dollars. Is there anything else I can help you with?",
                            caller ? 0.91 : nil, citations, citations == nil ? nil : 0.61,
                            !caller && seq == turnsPerCall - 2 && row.declined > 0, caller ? nil : latencies[latencyIndex],
                            row.start.addingTimeInterval(Double(seq * 5)), caller ? 0.2 : nil])
                        latencyIndex += 1
                    }
                    if row.lead {
                        try lead.execute(arguments: [UUID().uuidString.lowercased(), businessId, row.sid,
                                                     "please call back about the leak,\nit's under the sink", row.start])
                    }
                    try summary.execute(arguments: [row.sid, businessId, "Caller asked about boiler servicing, prices.", 0.25,
                                                    "positive", row.start])
                }
            }
            done += batch
        }
    }

    /// Times the CSV export of every call, the 30-day daily rollup, and the anchor scan.
    public func measure(end: Date, days: Int) async throws -> Figures {
        let counts = try await database.dbPool.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM calls") ?? 0, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM call_turns") ?? 0)
        }
        let everything = AnalyticsRange(from: end.addingTimeInterval(-Double(days) * 86_400 - 1), to: end.addingTimeInterval(1))

        // Anchor: a bare pass over the same rows in SQLite.
        let clock = ContinuousClock()
        let anchorStart = clock.now
        _ = try await database.dbPool.read { [businessId] db in
            // Every column read into Swift, so SQLite cannot skip the work.
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT c.sid, c.started_at, c.outcome,
                    (SELECT group_concat(t.latency_ms) FROM call_turns t WHERE t.call_sid = c.sid AND t.speaker = 'receptionist') AS l
                FROM calls c WHERE c.business_id = ? AND c.started_at >= ? AND c.started_at < ?
                """, arguments: [businessId, everything.from, everything.to])
            var characters = 0
            while let row = try cursor.next() {
                characters += (row["sid"] as String).count + ((row["l"] as String?)?.count ?? 0)
            }
            return characters
        }
        let anchor = clock.now - anchorStart

        let export = CallExport(database: database, businessId: businessId, timeZone: timeZone, range: everything)
        let before = Self.peakResidentBytes()
        var bytes = 0
        let exportStart = clock.now
        try await export.write(.csv) { bytes += $0.utf8.count }  // the API's export, counted instead of sent
        let exportTime = clock.now - exportStart
        // Reading alone (the same pages, not formatted); formatting is the rest.
        let readStart = clock.now
        try await export.forEachPage { _ in }
        let formatting = max(.zero, exportTime - (clock.now - readStart))
        let growth = max(0, Self.peakResidentBytes() - before)

        let month = AnalyticsRange(from: end.addingTimeInterval(-30 * 86_400), to: end)
        let rollup = CallRollup(database: database, businessId: businessId, timeZone: timeZone, range: month)
        let rollupStart = clock.now
        let buckets = try await rollup.buckets(.day)
        let rollupTime = clock.now - rollupStart

        func seconds(_ duration: Duration) -> Double { Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18 }
        return Figures(calls: counts.0, turns: counts.1, seedSeconds: 0, exportSeconds: seconds(exportTime),
                       exportFormattingSeconds: seconds(formatting), exportBytes: bytes,
                       exportPeakGrowthBytes: growth, rollupSeconds: seconds(rollupTime), rollupDays: buckets.count,
                       rollupCalls: buckets.map(\.calls).reduce(0, +), anchorScanSeconds: seconds(anchor))
    }

    public func close() throws { try database.close() }

    /// The process's peak resident set size so far (Linux `ru_maxrss` is in KiB).
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024
    }
}
