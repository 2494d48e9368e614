import Foundation

extension AppDatabase {
    /// Migrations after v8, in order (registered after v6–v8 through `v6Migrations`). Append-only.
    static let v9Migrations: [SchemaMigration] = [campaigns]
        // Every later migration, appended here: AppDatabase+MigrationsV10.swift.
        + v10Migrations

    /// Outbound calling campaigns (issue 13): campaigns, their recipients, the attempts to call them, and each
    /// business's do-not-call list. Every change to a campaign or its recipients appends its event to
    /// `campaign:<id>` in the same transaction.
    static let campaigns = SchemaMigration("v9-campaigns", sql: """
        -- A campaign's script is JSON (the API's snake_case keys); its calling window is two local times of day in
        -- minutes after midnight, never outside 08:00–21:00 (480–1260).
        CREATE TABLE campaigns (
            id TEXT PRIMARY KEY NOT NULL,
            business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
            state TEXT NOT NULL CHECK (state IN ('draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled')),
            script TEXT NOT NULL CHECK (json_valid(script) AND json_type(script) = 'object'),
            caller_number TEXT NOT NULL
                CHECK (length(caller_number) BETWEEN 8 AND 16 AND caller_number GLOB '+[1-9]*'
                       AND substr(caller_number, 2) NOT GLOB '*[^0-9]*'),
            start_at TEXT,
            window_start_minute INTEGER NOT NULL CHECK (window_start_minute >= 480 AND window_start_minute < 1260),
            window_end_minute INTEGER NOT NULL CHECK (window_end_minute > window_start_minute AND window_end_minute <= 1260),
            max_concurrent_calls INTEGER NOT NULL CHECK (max_concurrent_calls BETWEEN 1 AND 50),
            max_attempts INTEGER NOT NULL CHECK (max_attempts BETWEEN 1 AND 5),
            retry_gap_seconds INTEGER NOT NULL CHECK (retry_gap_seconds >= 7200),
            voicemail TEXT NOT NULL CHECK (voicemail IN ('leave_message', 'hang_up')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL CHECK (version >= 1),
            UNIQUE (id, business_id)
        );
        CREATE INDEX campaigns_by_business ON campaigns(business_id, created_at, id);
        CREATE INDEX campaigns_active ON campaigns(state, start_at) WHERE state IN ('scheduled', 'running');

        -- One row per phone number in a campaign. `variables` and `results` are JSON objects of text; `position` is
        -- the upload order. `next_attempt_at` is when the recipient may be called next (NULL: not scheduled).
        CREATE TABLE campaign_recipients (
            id TEXT PRIMARY KEY NOT NULL,
            business_id TEXT NOT NULL,
            campaign_id TEXT NOT NULL,
            position INTEGER NOT NULL CHECK (position >= 1),
            phone TEXT NOT NULL
                CHECK (length(phone) BETWEEN 8 AND 16 AND phone GLOB '+[1-9]*' AND substr(phone, 2) NOT GLOB '*[^0-9]*'),
            state TEXT NOT NULL CHECK (state IN ('pending', 'dialing', 'in_progress', 'completed', 'busy', 'no_answer',
                                                 'failed', 'voicemail', 'opted_out', 'skipped')),
            variables TEXT NOT NULL CHECK (json_valid(variables) AND json_type(variables) = 'object'),
            time_zone TEXT NOT NULL,
            zone_source TEXT NOT NULL CHECK (zone_source IN ('timezone', 'postcode', 'business')),
            attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            next_attempt_at TEXT,
            last_outcome TEXT CHECK (last_outcome IS NULL OR last_outcome IN ('completed', 'busy', 'no_answer', 'failed',
                'invalid_number', 'voicemail_left', 'machine_hung_up', 'opted_out')),
            last_call_sid TEXT,
            results TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(results) AND json_type(results) = 'object'),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL CHECK (version >= 1),
            UNIQUE (campaign_id, phone),
            UNIQUE (campaign_id, position),
            UNIQUE (id, business_id),
            FOREIGN KEY (campaign_id, business_id) REFERENCES campaigns(id, business_id) ON DELETE CASCADE
        );
        CREATE INDEX campaign_recipients_by_state ON campaign_recipients(campaign_id, state, next_attempt_at);

        -- One row per call to a recipient. `call_sid` is stored as soon as Twilio gives it: an attempt that has one
        -- is never dialled again.
        CREATE TABLE campaign_attempts (
            id TEXT PRIMARY KEY NOT NULL,
            business_id TEXT NOT NULL,
            campaign_id TEXT NOT NULL,
            recipient_id TEXT NOT NULL,
            number INTEGER NOT NULL CHECK (number >= 1),
            call_sid TEXT UNIQUE,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            outcome TEXT CHECK (outcome IS NULL OR outcome IN ('completed', 'busy', 'no_answer', 'failed', 'invalid_number',
                'voicemail_left', 'machine_hung_up', 'opted_out')),
            answered_by TEXT,
            UNIQUE (recipient_id, number),
            FOREIGN KEY (recipient_id, business_id) REFERENCES campaign_recipients(id, business_id) ON DELETE CASCADE,
            FOREIGN KEY (campaign_id, business_id) REFERENCES campaigns(id, business_id) ON DELETE CASCADE
        );
        CREATE INDEX campaign_attempts_open ON campaign_attempts(campaign_id) WHERE ended_at IS NULL;

        -- Numbers a business must not call, checked right before every campaign dial.
        CREATE TABLE do_not_call (
            business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            phone TEXT NOT NULL
                CHECK (length(phone) BETWEEN 8 AND 16 AND phone GLOB '+[1-9]*' AND substr(phone, 2) NOT GLOB '*[^0-9]*'),
            reason TEXT CHECK (reason IS NULL OR length(reason) <= 200),
            created_at TEXT NOT NULL,
            PRIMARY KEY (business_id, phone)
        );
        CREATE INDEX do_not_call_by_business ON do_not_call(business_id, created_at, phone);
        """)
}
