import Events
import Foundation
import GRDB

/// `CallRepository` on the app's SQLite database.
public struct GRDBCallRepository: CallRepository {
    let database: AppDatabase
    private let now: @Sendable () -> Date

    public init(database: AppDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    public func response(forIdempotencyToken token: String) async throws -> String? {
        try await database.dbPool.read { db in
            try String.fetchOne(db, sql: "SELECT response FROM twilio_webhook_receipts WHERE token = ?", arguments: [token])
        }
    }

    public func call(sid: String) async throws -> CallRecord? {
        try await database.dbPool.read { db in try CallRecord.fetchOne(db, key: sid) }
    }

    public func write(_ write: TurnWrite) async throws -> TurnWriteResult {
        let timestamp = now()
        return try await database.dbPool.write { db -> TurnWriteResult in
            if let token = write.idempotencyToken,
               let response = try String.fetchOne(
                db, sql: "SELECT response FROM twilio_webhook_receipts WHERE token = ?", arguments: [token]) {
                return .duplicate(response: response)
            }
            var call = write.call
            if write.isNewCall {
                if try CallRecord.exists(db, key: call.sid) { return .conflict }
                call.version = 0
                try call.insert(db)
            } else {
                // Conditional on the version the turn was computed from.
                let expected = call.version
                call.version = expected + 1
                try db.execute(sql: """
                    UPDATE calls SET status = ?, state = ?, machine = ?, version = ?, outcome = ?, is_emergency = ?,
                        emergency_category = ?, ended_at = ?, duration_seconds = ?, questions_answered = ?,
                        questions_declined = ?, caller_turns = ?, transfer_status = ?, cited_entries = ?, status_sequence = ?
                    WHERE sid = ? AND version = ?
                    """, arguments: [
                        call.status, call.state.rawValue, String(decoding: try CallRecord.databaseJSONEncoder(for: "machine").encode(call.machine), as: UTF8.self),
                        call.version, call.outcome?.rawValue, call.isEmergency, call.emergencyCategory, call.endedAt,
                        call.durationSeconds, call.questionsAnswered, call.questionsDeclined, call.callerTurns, call.transferStatus,
                        call.citedEntries, call.statusSequence, call.sid, expected,
                    ])
                if db.changesCount == 0 { return .conflict }
            }
            var seq = try Int.fetchOne(
                db, sql: "SELECT COALESCE(MAX(seq) + 1, 0) FROM call_turns WHERE call_sid = ?", arguments: [call.sid]) ?? 0
            // The other party (the caller of an inbound call, the callee of an outbound one) is a customer, made or
            // found when the call starts; the call is their voice conversation, line by line.
            var conversation: Conversation?
            // The turn's own events first, then those of the rows it makes (customer, leads, alerts); the call's
            // end closes its stream.
            try EventAppender.append(db, write.events.filter { $0.type != .callEnded }, at: timestamp)
            if write.isNewCall, let number = call.customerNumber, PhoneNumber.isE164(number) {
                let customer = try CustomerDirectory.upsert(db, businessId: call.businessId, phone: number, source: "call", at: timestamp)
                conversation = try CustomerDirectory.voiceConversation(db, customer: customer, callSid: call.sid, at: timestamp)
            } else if !write.isNewCall {
                conversation = try Conversation.filter(Column("call_sid") == call.sid
                                                       && Column("channel") == ConversationChannel.voice.rawValue).fetchOne(db)
            }
            for var turn in write.turns {
                turn.seq = seq
                seq += 1
                try turn.insert(db)
                if let conversation, !turn.text.isEmpty {
                    try CustomerDirectory.append(db, to: conversation, direction: turn.speaker == .caller ? .inbound : .outbound,
                                                 body: turn.text, at: turn.createdAt)
                }
            }
            // A lead's name and number fill in (or make) its customer.
            try LeadRecorder.record(db, businessId: call.businessId, stream: .call(call.sid), leads: write.leads,
                                    alerts: write.alerts, at: timestamp)
            try EventAppender.append(db, write.events.filter { $0.type == .callEnded }, at: timestamp)
            if let token = write.idempotencyToken {
                try db.execute(sql: """
                    INSERT INTO twilio_webhook_receipts (token, business_id, response, created_at) VALUES (?, ?, ?, ?)
                    """, arguments: [token, call.businessId, write.response, timestamp])
            }
            return .stored
        }
    }

    public func calls(businessId: String, matching filter: CallFilter, limit: Int, cursor: String?) async throws -> Page<CallRecord> {
        // Each condition narrows the (business_id, started_at, sid) index's range or filters the rows it reads.
        var conditions = ""
        var arguments: StatementArguments = []
        if let from = filter.from { conditions += " AND started_at >= ?"; arguments += [from] }
        if let to = filter.to { conditions += " AND started_at < ?"; arguments += [to] }
        if let outcome = filter.outcome { conditions += " AND outcome = ?"; arguments += [outcome.rawValue] }
        return try await newestFirst(CallRecord.self, table: "calls", time: "started_at", id: "sid", businessId: businessId,
                                     where: (conditions, arguments), limit: limit, cursor: cursor) { ($0.startedAt, $0.sid) }
    }

    public func turns(callSid: String) async throws -> [CallTurn] {
        try await database.dbPool.read { db in
            try CallTurn.filter(Column("call_sid") == callSid).order(Column("seq")).fetchAll(db)
        }
    }

    public func leads(businessId: String, limit: Int, cursor: String?) async throws -> Page<Lead> {
        try await newestFirst(Lead.self, table: "leads", time: "created_at", id: "id", businessId: businessId,
                              limit: limit, cursor: cursor) { ($0.createdAt, $0.id) }
    }

    /// A business's rows of `table`, newest first by (`time`, `id`), a keyset page at a time; `where` adds
    /// conditions (each starting with ` AND`) and their arguments.
    private func newestFirst<Record: FetchableRecord & Sendable>(
        _ type: Record.Type, table: String, time: String, id: String, businessId: String,
        where filter: (sql: String, arguments: StatementArguments) = ("", []), limit: Int, cursor: String?,
        key: (Record) -> (Date, String)
    ) async throws -> Page<Record> {
        let limit = try PageCursor.validatedLimit(limit)
        let before = try cursor.map(PageCursor.init(decoding:))
        var arguments: StatementArguments = [businessId]
        arguments += filter.arguments
        var sql = "SELECT * FROM \(table) WHERE business_id = ?\(filter.sql)"
        if let before {
            sql += " AND (\(time) < ? OR (\(time) = ? AND \(id) < ?))"
            arguments += [before.createdAt, before.createdAt, before.id]
        }
        sql += " ORDER BY \(time) DESC, \(id) DESC LIMIT ?"
        arguments += [limit + 1]
        let (statement, values) = (sql, arguments)
        let rows = try await database.dbPool.read { db in
            try Record.fetchAll(db, sql: statement, arguments: values)
        }
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map { PageCursor(after: key($0).0, id: key($0).1).encoded } : nil
        return Page(items: items, nextCursor: next)
    }

    public func leads(callSid: String) async throws -> [Lead] {
        try await database.dbPool.read { db in
            try Lead.filter(Column("call_sid") == callSid).order(Column("created_at"), Column("id")).fetchAll(db)
        }
    }

    public func setAlertStatus(id: Int64, businessId: String, status: String) async throws {
        try await database.dbPool.write { db in
            try db.execute(sql: "UPDATE owner_alerts SET status = ? WHERE id = ? AND business_id = ?",
                           arguments: [status, id, businessId])
        }
    }

    public func alerts(callSid: String) async throws -> [OwnerAlertRecord] {
        try await database.dbPool.read { db in
            try OwnerAlertRecord.filter(Column("call_sid") == callSid).order(Column("id")).fetchAll(db)
        }
    }

    public func twilioAuthToken(businessId: String) async throws -> String? {
        try await database.dbPool.read { db in
            try String.fetchOne(db, sql: "SELECT auth_token FROM business_twilio_credentials WHERE business_id = ?",
                                arguments: [businessId])
        }
    }

    public func setTwilioAuthToken(_ token: String?, businessId: String) async throws {
        let timestamp = now()
        try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard try Business.exists(db, key: businessId) else {
                    throw RepositoryError.notFound
                }
                if let token {
                    try db.execute(sql: """
                        INSERT INTO business_twilio_credentials (business_id, auth_token, updated_at) VALUES (?, ?, ?)
                        ON CONFLICT (business_id) DO UPDATE SET auth_token = excluded.auth_token, updated_at = excluded.updated_at
                        """, arguments: [businessId, token, timestamp])
                } else {
                    try db.execute(sql: "DELETE FROM business_twilio_credentials WHERE business_id = ?",
                                   arguments: [businessId])
                }
            }
        }
    }
}
