import GRDB

extension AppDatabase {
    /// The schema's history. Migrations are named and append-only: once one has landed it is never edited or
    /// reordered; a change to the schema is a new migration appended at the end (e.g. "v2-call-log").
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()

        migrator.registerMigration("v1-businesses") { db in
            // Slug and number shapes are validated in Swift (with messages); the CHECKs are a backstop so that
            // no other writer (a migration, the sqlite3 shell) can store a value the Swift types reject.
            try db.execute(sql: """
                CREATE TABLE businesses (
                    id TEXT PRIMARY KEY NOT NULL,
                    slug TEXT NOT NULL UNIQUE
                        CHECK (length(slug) BETWEEN 2 AND 63 AND slug NOT GLOB '*[^a-z0-9-]*'),
                    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
                    time_zone TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'SUSPENDED')),
                    settings TEXT NOT NULL CHECK (json_valid(settings)),
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                );
                -- Keyset pagination walks (created_at, id).
                CREATE INDEX businesses_created_at_id ON businesses(created_at, id);

                -- A number answers for at most one business: it is the primary key.
                CREATE TABLE business_numbers (
                    number TEXT PRIMARY KEY NOT NULL
                        CHECK (length(number) BETWEEN 8 AND 16
                               AND number GLOB '+[1-9]*'
                               AND substr(number, 2) NOT GLOB '*[^0-9]*'),
                    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE
                );
                CREATE INDEX business_numbers_business_id ON business_numbers(business_id);
                """)
        }

        migrator.registerMigration("v1-api-keys") { db in
            try db.execute(sql: """
                CREATE TABLE api_keys (
                    id TEXT PRIMARY KEY NOT NULL,
                    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
                    key_hash TEXT NOT NULL UNIQUE CHECK (length(key_hash) = 64),
                    prefix TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    revoked_at TEXT
                );
                CREATE INDEX api_keys_active_by_business ON api_keys(business_id) WHERE revoked_at IS NULL;
                """)
        }

        migrator.registerMigration("v1-admin-credentials") { db in
            try db.execute(sql: """
                CREATE TABLE admin_credentials (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    key_hash TEXT NOT NULL CHECK (length(key_hash) = 64),
                    created_at TEXT NOT NULL
                );
                """)
        }

        migrator.registerMigration("v1-knowledge") { db in
            try db.execute(sql: """
                CREATE TABLE knowledge_entries (
                    id TEXT PRIMARY KEY NOT NULL,
                    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
                    title TEXT NOT NULL,
                    content TEXT NOT NULL,
                    category TEXT,
                    tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags) AND json_type(tags) = 'array'),
                    source TEXT,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    -- Parent key of the chunks' composite foreign key below.
                    UNIQUE (id, business_id)
                );
                CREATE INDEX knowledge_entries_by_business ON knowledge_entries(business_id, created_at, id);

                -- AUTOINCREMENT so a chunk id is never reused: the in-memory vector index is keyed by chunk id,
                -- and a reused id could make a stale index entry point at someone else's text.
                -- The composite foreign key makes a chunk's business_id agree with its entry's.
                CREATE TABLE knowledge_chunks (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    entry_id TEXT NOT NULL,
                    business_id TEXT NOT NULL,
                    ordinal INTEGER NOT NULL CHECK (ordinal >= 0),
                    text TEXT NOT NULL,
                    body TEXT NOT NULL,
                    embedding BLOB NOT NULL CHECK (typeof(embedding) = 'blob' AND length(embedding) % 4 = 0),
                    UNIQUE (entry_id, ordinal),
                    FOREIGN KEY (entry_id, business_id)
                        REFERENCES knowledge_entries(id, business_id) ON DELETE CASCADE
                );
                CREATE INDEX knowledge_chunks_by_business ON knowledge_chunks(business_id);

                -- External-content FTS5 index over chunk text, kept in sync by triggers (the pattern from the
                -- SQLite FTS5 documentation: an external-content row is removed with the 'delete' command,
                -- which needs the old text).
                CREATE VIRTUAL TABLE knowledge_fts USING fts5(
                    text,
                    content='knowledge_chunks',
                    content_rowid='id',
                    tokenize='porter unicode61 remove_diacritics 2'
                );
                CREATE TRIGGER knowledge_chunks_fts_insert AFTER INSERT ON knowledge_chunks BEGIN
                    INSERT INTO knowledge_fts(rowid, text) VALUES (new.id, new.text);
                END;
                CREATE TRIGGER knowledge_chunks_fts_delete AFTER DELETE ON knowledge_chunks BEGIN
                    INSERT INTO knowledge_fts(knowledge_fts, rowid, text) VALUES ('delete', old.id, old.text);
                END;
                CREATE TRIGGER knowledge_chunks_fts_update AFTER UPDATE ON knowledge_chunks BEGIN
                    INSERT INTO knowledge_fts(knowledge_fts, rowid, text) VALUES ('delete', old.id, old.text);
                    INSERT INTO knowledge_fts(rowid, text) VALUES (new.id, new.text);
                END;
                """)
        }

        migrator.registerMigration("v2-calls") { db in
            try db.execute(sql: """
                -- One phone call. `machine` is the receptionist's state machine (JSON) between two webhooks, so a
                -- call survives a restart; `version` makes a turn's write conditional on the state it was
                -- computed from (a concurrent redelivery retries instead of overwriting).
                CREATE TABLE calls (
                    sid TEXT PRIMARY KEY NOT NULL,
                    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
                    caller TEXT,
                    called TEXT NOT NULL,
                    status TEXT NOT NULL,
                    state TEXT NOT NULL,
                    machine TEXT NOT NULL CHECK (json_valid(machine)),
                    version INTEGER NOT NULL DEFAULT 0,
                    outcome TEXT,
                    is_emergency INTEGER NOT NULL DEFAULT 0 CHECK (is_emergency IN (0, 1)),
                    emergency_category TEXT,
                    started_at TEXT NOT NULL,
                    ended_at TEXT,
                    duration_seconds INTEGER CHECK (duration_seconds IS NULL OR duration_seconds >= 0)
                );
                CREATE INDEX calls_by_business ON calls(business_id, started_at, sid);

                -- What was said, in order: the caller's words (with ASR confidence) and the receptionist's reply
                -- (with the knowledge it cited, the retrieval scores and the server's latency for the turn).
                CREATE TABLE call_turns (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    call_sid TEXT NOT NULL REFERENCES calls(sid) ON DELETE CASCADE,
                    seq INTEGER NOT NULL CHECK (seq >= 0),
                    speaker TEXT NOT NULL CHECK (speaker IN ('caller', 'receptionist')),
                    text TEXT NOT NULL,
                    event TEXT NOT NULL,
                    asr_confidence REAL,
                    state TEXT NOT NULL,
                    citations TEXT CHECK (citations IS NULL OR json_valid(citations)),
                    answer_confidence REAL,
                    declined INTEGER NOT NULL DEFAULT 0 CHECK (declined IN (0, 1)),
                    latency_ms REAL,
                    created_at TEXT NOT NULL,
                    UNIQUE (call_sid, seq)
                );

                -- Twilio redelivers a webhook with the same I-Twilio-Idempotency-Token: the first reply is stored
                -- with the turn (same transaction) and sent again, so a retry is recorded once.
                CREATE TABLE twilio_webhook_receipts (
                    token TEXT PRIMARY KEY NOT NULL,
                    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
                    response TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );

                CREATE TABLE leads (
                    id TEXT PRIMARY KEY NOT NULL,
                    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
                    call_sid TEXT REFERENCES calls(sid) ON DELETE SET NULL,
                    reason TEXT NOT NULL,
                    name TEXT,
                    phone TEXT,
                    address TEXT,
                    notes TEXT,
                    preferred_time TEXT,
                    preferred_start TEXT,
                    preferred_end TEXT,
                    category TEXT,
                    severity TEXT,
                    is_emergency INTEGER NOT NULL CHECK (is_emergency IN (0, 1)),
                    status TEXT NOT NULL DEFAULT 'new',
                    created_at TEXT NOT NULL
                );
                CREATE INDEX leads_by_business ON leads(business_id, created_at, id);

                -- Texts for the owner (emergencies, new leads), queued here and sent by the SMS worker.
                CREATE TABLE owner_alerts (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
                    call_sid TEXT REFERENCES calls(sid) ON DELETE SET NULL,
                    kind TEXT NOT NULL,
                    callback_number TEXT,
                    message TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'queued',
                    created_at TEXT NOT NULL
                );
                CREATE INDEX owner_alerts_queued ON owner_alerts(status, id);

                -- A business's own Twilio auth token (sub-account), used instead of FRONTDESK_TWILIO_AUTH_TOKEN.
                CREATE TABLE business_twilio_credentials (
                    business_id TEXT PRIMARY KEY NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
                    auth_token TEXT NOT NULL CHECK (length(auth_token) > 0),
                    updated_at TEXT NOT NULL
                );
                """)
        }

        migrator.registerMigration("v3-jobs") { db in
            try db.execute(sql: """
                -- Background work that must survive a restart: queued → running → done / failed. A running job
                -- holds a lease (locked_until); a process that dies mid-job leaves the lease to expire, and the
                -- next process resets its leftovers at start, so the job runs again (handlers are idempotent).
                CREATE TABLE jobs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL,
                    business_id TEXT REFERENCES businesses(id) ON DELETE CASCADE,
                    payload TEXT NOT NULL CHECK (json_valid(payload)),
                    dedupe_key TEXT UNIQUE,
                    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
                    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                    max_attempts INTEGER NOT NULL DEFAULT 5 CHECK (max_attempts >= 1),
                    run_at TEXT NOT NULL,
                    locked_until TEXT,
                    last_error TEXT,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    finished_at TEXT
                );
                CREATE INDEX jobs_due ON jobs(status, run_at, id);
                """)
        }

        migrator.registerMigration("v3-call-summaries") { db in
            try db.execute(sql: """
                -- What the post-call job made of a finished call: the summary an owner reads, its structured fields,
                -- and the caller's sentiment. One row per call, replaced when the job runs again.
                CREATE TABLE call_summaries (
                    call_sid TEXT PRIMARY KEY NOT NULL REFERENCES calls(sid) ON DELETE CASCADE,
                    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
                    summary TEXT NOT NULL,
                    fields TEXT NOT NULL CHECK (json_valid(fields)),
                    follow_up_needed INTEGER NOT NULL CHECK (follow_up_needed IN (0, 1)),
                    sentiment_score REAL,
                    sentiment_label TEXT,
                    sentiment_trend TEXT,
                    created_at TEXT NOT NULL
                );
                -- Per-call counters kept by every turn, so exports and rollups need not read transcripts.
                ALTER TABLE calls ADD COLUMN questions_answered INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE calls ADD COLUMN questions_declined INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE calls ADD COLUMN caller_turns INTEGER NOT NULL DEFAULT 0;
                -- Twilio's DialCallStatus of the transfer, when one was tried.
                ALTER TABLE calls ADD COLUMN transfer_status TEXT;
                -- Knowledge entries the receptionist's answers cited, distinct, in first-cited order, ';'-separated.
                ALTER TABLE calls ADD COLUMN cited_entries TEXT;
                -- The caller's sentiment on each of their turns, −1…1 (set by the post-call job).
                ALTER TABLE call_turns ADD COLUMN sentiment REAL;
                -- A call's leads, read by exports and summaries.
                CREATE INDEX leads_by_call ON leads(call_sid);
                """)
        }

        migrator.registerMigration("v3-crm") { db in
            try db.execute(sql: """
                -- A business's customer, one per phone number (E.164): calls and texts from a number join its row.
                CREATE TABLE customers (
                    id TEXT PRIMARY KEY NOT NULL,
                    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
                    name TEXT,
                    phone TEXT NOT NULL
                        CHECK (length(phone) BETWEEN 8 AND 16 AND phone GLOB '+[1-9]*' AND substr(phone, 2) NOT GLOB '*[^0-9]*'),
                    email TEXT,
                    address TEXT,
                    notes TEXT,
                    sms_opt_out INTEGER NOT NULL DEFAULT 0 CHECK (sms_opt_out IN (0, 1)),
                    sms_opt_out_at TEXT,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    UNIQUE (business_id, phone),
                    -- Parent key of the composite foreign keys below: a child row's business is its customer's.
                    UNIQUE (id, business_id)
                );
                CREATE INDEX customers_by_business ON customers(business_id, created_at, id);

                CREATE TABLE appointments (
                    id TEXT PRIMARY KEY NOT NULL,
                    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
                    customer_id TEXT NOT NULL,
                    start_at TEXT NOT NULL,
                    end_at TEXT NOT NULL CHECK (end_at > start_at),
                    service TEXT,
                    status TEXT NOT NULL DEFAULT 'booked'
                        CHECK (status IN ('booked', 'confirmed', 'cancelled', 'completed', 'no_show')),
                    is_emergency INTEGER NOT NULL DEFAULT 0 CHECK (is_emergency IN (0, 1)),
                    notes TEXT,
                    source_call_sid TEXT REFERENCES calls(sid) ON DELETE SET NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    FOREIGN KEY (customer_id, business_id) REFERENCES customers(id, business_id) ON DELETE CASCADE
                );
                CREATE INDEX appointments_by_start ON appointments(business_id, start_at, id);
                CREATE INDEX appointments_by_customer ON appointments(customer_id);

                CREATE TABLE conversations (
                    id TEXT PRIMARY KEY NOT NULL,
                    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
                    customer_id TEXT NOT NULL,
                    channel TEXT NOT NULL CHECK (channel IN ('voice', 'sms', 'widget')),
                    call_sid TEXT REFERENCES calls(sid) ON DELETE SET NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    UNIQUE (id, business_id),
                    FOREIGN KEY (customer_id, business_id) REFERENCES customers(id, business_id) ON DELETE CASCADE
                );
                -- A customer has one SMS thread per business; voice and widget conversations are one per session.
                CREATE UNIQUE INDEX conversations_one_sms_thread ON conversations(business_id, customer_id, channel)
                    WHERE channel = 'sms';
                CREATE INDEX conversations_by_customer ON conversations(customer_id);
                -- A call's voice conversation, found on every turn of the call.
                CREATE INDEX conversations_by_call ON conversations(call_sid) WHERE call_sid IS NOT NULL;

                CREATE TABLE messages (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    conversation_id TEXT NOT NULL,
                    business_id TEXT NOT NULL,
                    direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
                    body TEXT NOT NULL,
                    twilio_sid TEXT,
                    created_at TEXT NOT NULL,
                    FOREIGN KEY (conversation_id, business_id) REFERENCES conversations(id, business_id) ON DELETE CASCADE
                );
                CREATE INDEX messages_by_conversation ON messages(conversation_id, created_at, id);
                -- A webhook redelivered with the same MessageSid is stored once.
                CREATE UNIQUE INDEX messages_twilio_sid ON messages(business_id, twilio_sid) WHERE twilio_sid IS NOT NULL;

                -- Texts to send (customer reminders and replies, owner alerts), delivered by the job runner through
                -- SMSOutbox. `dedupe_key` (e.g. "reminder:<appointment id>") makes enqueueing the same text twice a
                -- no-op; `next_attempt_at` holds a retry back after a transient failure.
                CREATE TABLE sms_outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
                    "to" TEXT NOT NULL,
                    body TEXT NOT NULL CHECK (length(body) > 0),
                    kind TEXT NOT NULL CHECK (kind IN ('customer', 'owner')),
                    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
                    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                    last_error TEXT,
                    twilio_sid TEXT,
                    dedupe_key TEXT UNIQUE,
                    next_attempt_at TEXT,
                    created_at TEXT NOT NULL,
                    sent_at TEXT
                );
                CREATE INDEX sms_outbox_queued ON sms_outbox(status, next_attempt_at, id);
                """)
        }

        // Later migrations (AppDatabase+MigrationsV4.swift) are SQL values, so MigrationChecksumTests can keep their
        // text's checksum; the ones above are checked by the schema they produce.
        for migration in v4Migrations {
            migrator.registerMigration(migration.name) { db in
                if let body = migration.body { try body(db) } else { try db.execute(sql: migration.sql) }
            }
        }

        return migrator
    }
}
