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

        return migrator
    }
}
