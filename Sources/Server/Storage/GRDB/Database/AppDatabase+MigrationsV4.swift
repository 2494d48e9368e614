import GRDB

/// One step of the schema's history after v3: a name and the SQL it runs.
struct SchemaMigration: Sendable {
    let name: String
    /// What the migration runs. For a Swift-coded migration, a text that states exactly what it does (the checksum
    /// test covers it like SQL).
    let sql: String
    /// Runs the migration; `nil` executes `sql`.
    let body: (@Sendable (Database) throws -> Void)?

    init(_ name: String, sql: String, body: (@Sendable (Database) throws -> Void)? = nil) {
        self.name = name
        self.sql = sql
        self.body = body
    }
}

extension AppDatabase {
    /// Migrations after v3, in order. Append only.
    static let v4Migrations: [SchemaMigration] = [repairInPlaceEdits, events, callDirection, smsThroughJobs, dropKeywordFTS]
        // Every later migration, appended here (the registration loop reads this list): AppDatabase+MigrationsV5.swift.
        + v5Migrations

    /// Columns and indexes that were added to the released v3 migrations by editing them in place, before the
    /// append-only rule was enforced. A database created before those edits lacks them (`calls.cited_entries` among
    /// them); this adds what is missing and leaves a complete database untouched.
    static let repairInPlaceEdits = SchemaMigration(
        "v4-repair-in-place-edits",
        sql: """
            -- columns added only where missing:
            calls.questions_answered INTEGER NOT NULL DEFAULT 0
            calls.questions_declined INTEGER NOT NULL DEFAULT 0
            calls.caller_turns INTEGER NOT NULL DEFAULT 0
            calls.transfer_status TEXT
            calls.cited_entries TEXT
            call_turns.sentiment REAL
            -- indexes:
            CREATE INDEX IF NOT EXISTS leads_by_call ON leads(call_sid);
            CREATE INDEX IF NOT EXISTS conversations_by_call ON conversations(call_sid) WHERE call_sid IS NOT NULL;
            """,
        body: { db in
            let columns: [(table: String, column: String, definition: String)] = [
                ("calls", "questions_answered", "INTEGER NOT NULL DEFAULT 0"),
                ("calls", "questions_declined", "INTEGER NOT NULL DEFAULT 0"),
                ("calls", "caller_turns", "INTEGER NOT NULL DEFAULT 0"),
                ("calls", "transfer_status", "TEXT"),
                ("calls", "cited_entries", "TEXT"),
                ("call_turns", "sentiment", "REAL"),
            ]
            for (table, column, definition) in columns {
                let existing = try db.columns(in: table).map(\.name)
                if !existing.contains(column) {
                    try db.execute(sql: "ALTER TABLE \(table) ADD COLUMN \(column) \(definition)")
                }
            }
            try db.execute(sql: """
                CREATE INDEX IF NOT EXISTS leads_by_call ON leads(call_sid);
                CREATE INDEX IF NOT EXISTS conversations_by_call ON conversations(call_sid) WHERE call_sid IS NOT NULL;
                """)
        })

    /// The event log: every change that matters appends its event in the same transaction as the change.
    static let events = SchemaMigration("v4-events", sql: """
        -- One row per event. `id` is the log's order (commit order: appends happen inside the writing transaction,
        -- and SQLite has one writer); `sequence` numbers the events of one stream (`call:CA…`, `customer:…`).
        -- Events are the audit trail: kept until `frontdesk events prune`.
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            business_id TEXT REFERENCES businesses(id) ON DELETE CASCADE,
            stream TEXT NOT NULL CHECK (length(stream) BETWEEN 3 AND 200),
            sequence INTEGER NOT NULL CHECK (sequence >= 1),
            type TEXT NOT NULL,
            payload TEXT NOT NULL CHECK (json_valid(payload) AND json_type(payload) = 'object'),
            created_at TEXT NOT NULL,
            UNIQUE (stream, sequence)
        );
        CREATE INDEX events_by_business ON events(business_id, id);
        CREATE INDEX events_by_business_type ON events(business_id, type, id);
        CREATE INDEX events_by_time ON events(created_at, id);

        -- Each named consumer's durable position in the log: every event with an id up to here was handled.
        CREATE TABLE event_checkpoints (
            consumer TEXT PRIMARY KEY NOT NULL,
            last_event_id INTEGER NOT NULL CHECK (last_event_id >= 0),
            updated_at TEXT NOT NULL
        );

        -- Rises by one with every knowledge write of the business (in the write's transaction).
        ALTER TABLE businesses ADD COLUMN kb_version INTEGER NOT NULL DEFAULT 0;
        """)

    /// Calls in both directions: an outbound call is created by FrontDesk (through Twilio's REST API) before any
    /// webhook arrives, and its webhooks find it by CallSid. Status callbacks are applied in `SequenceNumber` order.
    static let callDirection = SchemaMigration("v4-call-direction", sql: """
        ALTER TABLE calls ADD COLUMN direction TEXT NOT NULL DEFAULT 'inbound' CHECK (direction IN ('inbound', 'outbound'));
        -- The highest SequenceNumber of a status callback applied so far (outbound calls' callbacks carry one).
        ALTER TABLE calls ADD COLUMN status_sequence INTEGER;
        -- Outbound calls: who asked for the call (campaign, vendor offer …) as JSON, for the webhooks to pick up.
        ALTER TABLE calls ADD COLUMN context TEXT CHECK (context IS NULL OR json_valid(context));
        """)

    /// Texts are delivered by the one work queue (`jobs`, kind `sms.send`): the outbox keeps each text's record
    /// and delivery result, the job its attempts, lease and backoff. Texts still queued get their job here.
    static let smsThroughJobs = SchemaMigration("v4-sms-through-jobs", sql: """
        INSERT INTO jobs (kind, business_id, payload, dedupe_key, status, attempts, max_attempts, run_at, created_at, updated_at)
        SELECT 'sms.send', business_id, json_object('outboxId', id), 'sms:' || id, 'queued', 0, 5,
               COALESCE(next_attempt_at, created_at), created_at, created_at
        FROM sms_outbox WHERE status = 'queued'
        ON CONFLICT (dedupe_key) DO NOTHING;
        -- Due work of one kind (metrics per kind, and claiming by kind).
        CREATE INDEX jobs_by_kind ON jobs(kind, status);
        """)

    /// Keyword search runs on a BM25 index per business in memory (`KeywordIndex`, built from the chunks like the
    /// vector index), because the one FTS5 table mixed every tenant's term statistics. Nothing reads the FTS5 table
    /// any more; its triggers only cost every chunk write.
    static let dropKeywordFTS = SchemaMigration("v4-drop-keyword-fts", sql: """
        DROP TRIGGER IF EXISTS knowledge_chunks_fts_insert;
        DROP TRIGGER IF EXISTS knowledge_chunks_fts_delete;
        DROP TRIGGER IF EXISTS knowledge_chunks_fts_update;
        DROP TABLE IF EXISTS knowledge_fts;
        """)
}
