import Foundation

extension PGDatabase {
    /// SQLite's v13: the web chat widget's publishable keys, allowed origins and conversations; conversations of
    /// channel `web` without a customer; the sources a message cited; the web conversation a lead was taken in.
    static let widgetMigration = PostgresMigration(id: "p9-widget", statements: [
        """
        CREATE TABLE widget_keys (
            id text PRIMARY KEY,
            business_id text NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            key text NOT NULL UNIQUE CHECK (key ~ '^pk_[0-9A-Za-z]{32}$'),
            token_secret text NOT NULL CHECK (length(token_secret) = 64),
            created_at timestamptz NOT NULL,
            revoked_at timestamptz,
            UNIQUE (id, business_id)
        )
        """,
        "CREATE UNIQUE INDEX widget_keys_one_active ON widget_keys(business_id) WHERE revoked_at IS NULL",
        """
        CREATE TABLE widget_settings (
            business_id text PRIMARY KEY REFERENCES businesses(id) ON DELETE CASCADE,
            allowed_origins text NOT NULL CHECK (json_typeof(allowed_origins::json) = 'array'),
            updated_at timestamptz NOT NULL
        )
        """,
        // PostgreSQL changes the column and the channel rule in place (SQLite rebuilds the table).
        "ALTER TABLE conversations ALTER COLUMN customer_id DROP NOT NULL",
        "ALTER TABLE conversations DROP CONSTRAINT conversations_channel_check",
        "UPDATE conversations SET channel = 'web' WHERE channel = 'widget'",
        "ALTER TABLE conversations ADD CONSTRAINT conversations_channel_check CHECK (channel IN ('voice', 'sms', 'web'))",
        "ALTER TABLE conversations ADD CONSTRAINT conversations_customer_check CHECK (customer_id IS NOT NULL OR channel = 'web')",
        "ALTER TABLE messages ADD COLUMN sources text CHECK (sources IS NULL OR json_typeof(sources::json) = 'array')",
        "ALTER TABLE leads ADD COLUMN conversation_id text",
        """
        CREATE TABLE widget_conversations (
            conversation_id text PRIMARY KEY,
            business_id text NOT NULL,
            key_id text NOT NULL,
            visitor_id text NOT NULL,
            origin text NOT NULL,
            client_hash text NOT NULL CHECK (length(client_hash) = 64),
            state text NOT NULL,
            machine text NOT NULL CHECK ((machine::json) IS NOT NULL),
            version bigint NOT NULL DEFAULT 0 CHECK (version >= 0),
            created_at timestamptz NOT NULL,
            FOREIGN KEY (conversation_id, business_id) REFERENCES conversations(id, business_id) ON DELETE CASCADE,
            FOREIGN KEY (key_id, business_id) REFERENCES widget_keys(id, business_id) ON DELETE CASCADE
        )
        """,
        "CREATE INDEX widget_conversations_by_client ON widget_conversations(business_id, client_hash, created_at)",
    ])
}
