import Foundation

extension PGDatabase {
    /// SQLite's v9: outbound calling campaigns, their recipients, the attempts to call them, and each business's
    /// do-not-call list — the same tables, columns and rules in PostgreSQL's types.
    static let campaignsMigration = PostgresMigration(id: "p5-campaigns", statements: [
        """
        CREATE TABLE campaigns (
            id text PRIMARY KEY,
            business_id text NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
            state text NOT NULL CHECK (state IN ('draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled')),
            script text NOT NULL CHECK (json_typeof(script::json) = 'object'),
            caller_number text NOT NULL CHECK (caller_number ~ '^\\+[1-9][0-9]{6,14}$'),
            start_at timestamptz,
            window_start_minute bigint NOT NULL CHECK (window_start_minute >= 480 AND window_start_minute < 1260),
            window_end_minute bigint NOT NULL CHECK (window_end_minute > window_start_minute AND window_end_minute <= 1260),
            max_concurrent_calls bigint NOT NULL CHECK (max_concurrent_calls BETWEEN 1 AND 50),
            max_attempts bigint NOT NULL CHECK (max_attempts BETWEEN 1 AND 5),
            retry_gap_seconds bigint NOT NULL CHECK (retry_gap_seconds >= 7200),
            voicemail text NOT NULL CHECK (voicemail IN ('leave_message', 'hang_up')),
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            version bigint NOT NULL CHECK (version >= 1),
            UNIQUE (id, business_id)
        )
        """,
        "CREATE INDEX campaigns_by_business ON campaigns(business_id, created_at, id)",
        "CREATE INDEX campaigns_active ON campaigns(state, start_at) WHERE state IN ('scheduled', 'running')",
        """
        CREATE TABLE campaign_recipients (
            id text PRIMARY KEY,
            business_id text NOT NULL,
            campaign_id text NOT NULL,
            position bigint NOT NULL CHECK (position >= 1),
            phone text NOT NULL CHECK (phone ~ '^\\+[1-9][0-9]{6,14}$'),
            state text NOT NULL CHECK (state IN ('pending', 'dialing', 'in_progress', 'completed', 'busy', 'no_answer',
                                                 'failed', 'voicemail', 'opted_out', 'skipped')),
            variables text NOT NULL CHECK (json_typeof(variables::json) = 'object'),
            time_zone text NOT NULL,
            zone_source text NOT NULL CHECK (zone_source IN ('timezone', 'postcode', 'business')),
            attempts bigint NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            next_attempt_at timestamptz,
            last_outcome text CHECK (last_outcome IS NULL OR last_outcome IN ('completed', 'busy', 'no_answer', 'failed',
                'invalid_number', 'voicemail_left', 'machine_hung_up', 'opted_out')),
            last_call_sid text,
            results text NOT NULL DEFAULT '{}' CHECK (json_typeof(results::json) = 'object'),
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            version bigint NOT NULL CHECK (version >= 1),
            UNIQUE (campaign_id, phone),
            UNIQUE (campaign_id, position),
            UNIQUE (id, business_id),
            FOREIGN KEY (campaign_id, business_id) REFERENCES campaigns(id, business_id) ON DELETE CASCADE
        )
        """,
        "CREATE INDEX campaign_recipients_by_state ON campaign_recipients(campaign_id, state, next_attempt_at)",
        """
        CREATE TABLE campaign_attempts (
            id text PRIMARY KEY,
            business_id text NOT NULL,
            campaign_id text NOT NULL,
            recipient_id text NOT NULL,
            number bigint NOT NULL CHECK (number >= 1),
            call_sid text UNIQUE,
            started_at timestamptz NOT NULL,
            ended_at timestamptz,
            outcome text CHECK (outcome IS NULL OR outcome IN ('completed', 'busy', 'no_answer', 'failed', 'invalid_number',
                'voicemail_left', 'machine_hung_up', 'opted_out')),
            answered_by text,
            UNIQUE (recipient_id, number),
            FOREIGN KEY (recipient_id, business_id) REFERENCES campaign_recipients(id, business_id) ON DELETE CASCADE,
            FOREIGN KEY (campaign_id, business_id) REFERENCES campaigns(id, business_id) ON DELETE CASCADE
        )
        """,
        "CREATE INDEX campaign_attempts_open ON campaign_attempts(campaign_id) WHERE ended_at IS NULL",
        """
        CREATE TABLE do_not_call (
            business_id text NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            phone text NOT NULL CHECK (phone ~ '^\\+[1-9][0-9]{6,14}$'),
            reason text CHECK (reason IS NULL OR length(reason) <= 200),
            created_at timestamptz NOT NULL,
            PRIMARY KEY (business_id, phone)
        )
        """,
        "CREATE INDEX do_not_call_by_business ON do_not_call(business_id, created_at, phone)",
    ])
}
