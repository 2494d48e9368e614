import Foundation
import GRDB
import Receptionist
import VectorIndex

/// The SQLite side of `frontdesk bench analytics`: bulk seeding with prepared statements (far faster than one
/// repository write per call) and the anchor, a bare SQLite pass over the rows the export reads.
extension AnalyticsBenchmark {
    /// A new database at `path` with one business in `timeZone`.
    public static func create(path: String, timeZone: String = "America/Chicago") async throws -> AnalyticsBenchmark {
        let database = try AppDatabase(path: path)
        let business = try await GRDBBusinessRepository(database: database).create(NewBusiness(
            slug: "bench-analytics", name: "Bench Plumbing", timeZone: timeZone, numbers: ["+15550190000"]))
        return AnalyticsBenchmark(database: database, analytics: GRDBAnalyticsRepository(database: database),
                                  businessId: business.id, timeZone: TimeZone(identifier: timeZone)!)
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
                            caller ? Self.callerQuestion(latencyIndex) : "We service boilers from 89 dollars. Is there anything else I can help you with?",
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

    /// The caller's line of transcript line `index`: 4,000 different questions (20 services × 20 ways to ask ×
    /// 10 endings), as callers' own questions vary, so work done once per distinct question is measured fairly.
    static func callerQuestion(_ index: Int) -> String {
        let services = ["boiler servicing", "a blocked drain", "a leaking tap", "radiator bleeding", "a new shower",
                        "a burst pipe", "water heater repair", "toilet replacement", "a gas safety check", "underfloor heating",
                        "a smart thermostat", "descaling", "a power flush", "a noisy pipe", "an outside tap",
                        "kitchen sink fitting", "a dishwasher hookup", "a sump pump", "frozen pipes", "a water softener"]
        let asks = ["do you do", "how much is", "can you come out for", "what does it cost for", "are you able to help with",
                    "how long does it take to sort", "do I need an appointment for", "is there a call-out fee for",
                    "can I book", "who handles", "do you guarantee", "what is included in", "how soon can you do",
                    "do you charge extra at weekends for", "can you quote me for", "do you need access for",
                    "is it \"roughly\" the same price for", "will you bring parts for", "do landlords pay for",
                    "can I pay by card for"]
        let endings = ["?", " this week?", " on Saturday?", " in Ashcombe?", " for a flat?", " tomorrow morning?",
                       ", please?", " after 6 pm?", " for an old house?", " near the station?"]
        let n = index / 2
        return asks[n % 20] + " " + services[(n / 20) % 20] + endings[(n / 400) % 10]
    }

    /// Rows of `calls` and `call_turns` in the file.
    func storedCounts() async throws -> (calls: Int, turns: Int) {
        try await database.dbPool.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM calls") ?? 0, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM call_turns") ?? 0)
        }
    }

    /// One pass reading every call of `range` with its turns' latencies, every column into Swift (so SQLite cannot
    /// skip the work); returns the characters read.
    func anchorScan(_ range: AnalyticsRange) async throws -> Int {
        try await database.dbPool.read { [businessId] db in
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT c.sid, c.started_at, c.outcome,
                    (SELECT group_concat(t.latency_ms) FROM call_turns t WHERE t.call_sid = c.sid AND t.speaker = 'receptionist') AS l
                FROM calls c WHERE c.business_id = ? AND c.started_at >= ? AND c.started_at < ?
                """, arguments: [businessId, range.from, range.to])
            var characters = 0
            while let row = try cursor.next() {
                characters += (row["sid"] as String).count + ((row["l"] as String?)?.count ?? 0)
            }
            return characters
        }
    }
}
