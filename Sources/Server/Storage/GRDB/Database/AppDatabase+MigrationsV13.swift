import Foundation

extension AppDatabase {
    /// Migrations after v11 held in this file, in order (registered through `v10Migrations`). Append-only.
    static let v13Migrations: [SchemaMigration] = [widget]

    /// The web chat widget (issue 14): publishable keys, the origins allowed to use them, and the conversations held
    /// in the widget, which join the CRM's conversations as channel `web`.
    static let widget = SchemaMigration("v13-widget", sql: """
        -- Publishable keys (pk_ + 32 base62 characters) sit in a business's web pages, so they are stored as they
        -- are. Each has its own secret (64 hex digits) that signs the visitor tokens it issues: revoking the key (a
        -- rotation) ends every token it issued. A business has at most one active key.
        CREATE TABLE widget_keys (
            id TEXT PRIMARY KEY NOT NULL,
            business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            key TEXT NOT NULL UNIQUE
                CHECK (length(key) = 35 AND key GLOB 'pk_*' AND substr(key, 4) NOT GLOB '*[^0-9A-Za-z]*'),
            token_secret TEXT NOT NULL CHECK (length(token_secret) = 64),
            created_at TEXT NOT NULL,
            revoked_at TEXT,
            UNIQUE (id, business_id)
        );
        CREATE UNIQUE INDEX widget_keys_one_active ON widget_keys(business_id) WHERE revoked_at IS NULL;

        -- The origins (scheme://host[:port], normalised) whose pages may use the business's widget, as a JSON
        -- array of strings; an empty array (or no row) allows none.
        CREATE TABLE widget_settings (
            business_id TEXT PRIMARY KEY NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            allowed_origins TEXT NOT NULL CHECK (json_valid(allowed_origins) AND json_type(allowed_origins) = 'array'),
            updated_at TEXT NOT NULL
        );

        -- Conversations held in the widget are channel 'web' (replacing 'widget', which nothing ever wrote), and
        -- their visitors are anonymous until they leave a number: customer_id becomes optional, for web
        -- conversations only. SQLite changes neither a NOT NULL nor a CHECK in place, so the table is rebuilt
        -- (migrations run with foreign keys off and check them all before committing).
        CREATE TABLE conversations_v13 (
            id TEXT PRIMARY KEY NOT NULL,
            business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            customer_id TEXT,
            channel TEXT NOT NULL CHECK (channel IN ('voice', 'sms', 'web')),
            call_sid TEXT REFERENCES calls(sid) ON DELETE SET NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (customer_id IS NOT NULL OR channel = 'web'),
            UNIQUE (id, business_id),
            FOREIGN KEY (customer_id, business_id) REFERENCES customers(id, business_id) ON DELETE CASCADE
        );
        INSERT INTO conversations_v13 (id, business_id, customer_id, channel, call_sid, created_at, updated_at)
            SELECT id, business_id, customer_id, CASE channel WHEN 'widget' THEN 'web' ELSE channel END, call_sid,
                   created_at, updated_at
            FROM conversations;
        DROP TABLE conversations;
        ALTER TABLE conversations_v13 RENAME TO conversations;
        CREATE UNIQUE INDEX conversations_one_sms_thread ON conversations(business_id, customer_id, channel)
            WHERE channel = 'sms';
        CREATE INDEX conversations_by_customer ON conversations(customer_id);
        CREATE INDEX conversations_by_call ON conversations(call_sid) WHERE call_sid IS NOT NULL;

        -- The knowledge a reply cited, as a JSON array of {"entry_id", "title"} (the title when it was cited);
        -- NULL for messages that cite nothing.
        ALTER TABLE messages ADD COLUMN sources TEXT
            CHECK (sources IS NULL OR (json_valid(sources) AND json_type(sources) = 'array'));
        -- The web conversation a lead was taken in (a call's lead has call_sid instead).
        ALTER TABLE leads ADD COLUMN conversation_id TEXT;

        -- What a widget conversation needs between two messages: the receptionist's state machine (JSON) and its
        -- version (a message's write is conditional on the version it was answered from), the key and origin that
        -- started it, the visitor, and a SHA-256 of the client's address, by which new conversations are counted.
        CREATE TABLE widget_conversations (
            conversation_id TEXT PRIMARY KEY NOT NULL,
            business_id TEXT NOT NULL,
            key_id TEXT NOT NULL,
            visitor_id TEXT NOT NULL,
            origin TEXT NOT NULL,
            client_hash TEXT NOT NULL CHECK (length(client_hash) = 64),
            state TEXT NOT NULL,
            machine TEXT NOT NULL CHECK (json_valid(machine)),
            version INTEGER NOT NULL DEFAULT 0 CHECK (version >= 0),
            created_at TEXT NOT NULL,
            FOREIGN KEY (conversation_id, business_id) REFERENCES conversations(id, business_id) ON DELETE CASCADE,
            FOREIGN KEY (key_id, business_id) REFERENCES widget_keys(id, business_id) ON DELETE CASCADE
        );
        CREATE INDEX widget_conversations_by_client ON widget_conversations(business_id, client_hash, created_at);
        """)
}
