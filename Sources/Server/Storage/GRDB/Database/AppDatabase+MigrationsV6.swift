import Foundation

extension AppDatabase {
    /// Migrations after v5, in order (registered after v5's through `v5Migrations`). Append-only.
    static let v6Migrations: [SchemaMigration] = [dispatch, outboundPacing, dispatchOffers]
        // Every later migration, appended here: AppDatabase+MigrationsV9.swift.
        + v9Migrations

    /// Maintenance dispatch (issue 12): vendors, and tickets with their job codes. Every change to either appends its
    /// event (`vendor:<id>`, `ticket:<id>`) in the same transaction.
    static let dispatch = SchemaMigration("v6-dispatch", sql: """
        -- Tradespeople the booking loop offers jobs to. Trades and service areas are JSON arrays of strings; working
        -- hours a JSON object of weekday → {open, close}, NULL for any time.
        CREATE TABLE vendors (
            id TEXT PRIMARY KEY NOT NULL,
            business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
            phone TEXT NOT NULL
                CHECK (length(phone) BETWEEN 8 AND 16 AND phone GLOB '+[1-9]*' AND substr(phone, 2) NOT GLOB '*[^0-9]*'),
            trades TEXT NOT NULL CHECK (json_valid(trades) AND json_type(trades) = 'array'),
            service_areas TEXT NOT NULL CHECK (json_valid(service_areas) AND json_type(service_areas) = 'array'),
            working_hours TEXT CHECK (working_hours IS NULL OR (json_valid(working_hours) AND json_type(working_hours) = 'object')),
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            opted_out INTEGER NOT NULL DEFAULT 0 CHECK (opted_out IN (0, 1)),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            -- One vendor per phone in a business: replies are matched to vendors by phone.
            UNIQUE (business_id, phone),
            -- Parent key of tickets' composite foreign key: a ticket's vendor is of the ticket's business.
            UNIQUE (id, business_id)
        );
        CREATE INDEX vendors_by_business ON vendors(business_id, created_at, id);

        -- Maintenance tickets. `version` counts the row-changing events of `ticket:<id>`; state changes are
        -- conditional on it. A vendor referred to by a ticket cannot be deleted (it is deactivated instead).
        CREATE TABLE tickets (
            id TEXT PRIMARY KEY NOT NULL,
            business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            code TEXT NOT NULL CHECK (length(code) = 4),
            state TEXT NOT NULL
                CHECK (state IN ('new', 'vendor_contacting', 'scheduled', 'closed', 'escalated', 'cancelled')),
            trade TEXT NOT NULL,
            priority TEXT NOT NULL CHECK (priority IN ('routine', 'urgent', 'emergency')),
            problem TEXT NOT NULL,
            property_address TEXT NOT NULL,
            unit TEXT,
            postcode TEXT,
            access_window TEXT,
            tenant_name TEXT,
            tenant_phone TEXT,
            source TEXT NOT NULL CHECK (source IN ('call', 'sms', 'rest')),
            source_ref TEXT,
            vendor_id TEXT,
            appointment_id TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            closed_at TEXT,
            version INTEGER NOT NULL CHECK (version >= 1),
            UNIQUE (id, business_id),
            FOREIGN KEY (vendor_id, business_id) REFERENCES vendors(id, business_id)
        );
        CREATE INDEX tickets_by_business ON tickets(business_id, created_at, id);
        -- Job codes are unique among a business's open tickets (a closed code may be issued again).
        CREATE UNIQUE INDEX tickets_open_code ON tickets(business_id, code) WHERE state NOT IN ('closed', 'cancelled');
        -- One ticket per call or text it was opened from.
        CREATE UNIQUE INDEX tickets_by_source ON tickets(business_id, source, source_ref) WHERE source_ref IS NOT NULL;
        CREATE INDEX tickets_by_vendor ON tickets(vendor_id) WHERE vendor_id IS NOT NULL;
        """)

    /// Outbound call pacing (`OutboundPacingRepository`): the account's next free dial slot, the reservations of
    /// calls being placed, and an index for counting outbound calls still in progress.
    static let outboundPacing = SchemaMigration("v7-outbound-pacing", sql: """
        CREATE TABLE outbound_pacing (
            name TEXT PRIMARY KEY NOT NULL,
            next_slot_at TEXT NOT NULL
        );
        CREATE TABLE outbound_reservations (
            request_id TEXT PRIMARY KEY NOT NULL,
            slot_at TEXT NOT NULL,
            reserved_at TEXT NOT NULL
        );
        CREATE INDEX calls_outbound_in_progress ON calls(started_at) WHERE direction = 'outbound' AND ended_at IS NULL;
        """)

    /// The booking loop (issue 12): offers of tickets to vendors, the round-robin rotation per (business, trade,
    /// vendor), and each business's dispatch settings. An offer's ticket and vendor are the offer's business's.
    static let dispatchOffers = SchemaMigration("v8-dispatch-offers", sql: """
        -- One row per offer of a ticket to a vendor. At most one open offer per ticket (a partial unique index), and a
        -- vendor is offered a ticket at most once. `outbox_id` is the offer text's row in sms_outbox.
        CREATE TABLE dispatch_offers (
            id TEXT PRIMARY KEY NOT NULL,
            business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            ticket_id TEXT NOT NULL,
            vendor_id TEXT NOT NULL,
            code TEXT NOT NULL CHECK (length(code) = 4),
            sent_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('open', 'accepted', 'declined', 'timed_out', 'cancelled')),
            resolved_at TEXT,
            outbox_id INTEGER,
            window_start TEXT,
            window_end TEXT,
            FOREIGN KEY (ticket_id, business_id) REFERENCES tickets(id, business_id) ON DELETE CASCADE,
            FOREIGN KEY (vendor_id, business_id) REFERENCES vendors(id, business_id)
        );
        CREATE UNIQUE INDEX dispatch_offers_one_open ON dispatch_offers(ticket_id) WHERE state = 'open';
        CREATE UNIQUE INDEX dispatch_offers_once ON dispatch_offers(ticket_id, vendor_id);
        CREATE INDEX dispatch_offers_by_vendor ON dispatch_offers(vendor_id, state);

        -- Round robin per (business, trade): who was offered a job of the trade last, and how many offers each got.
        CREATE TABLE vendor_rotation (
            business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            trade TEXT NOT NULL,
            vendor_id TEXT NOT NULL,
            last_offered_at TEXT NOT NULL,
            offers_count INTEGER NOT NULL CHECK (offers_count >= 0),
            PRIMARY KEY (business_id, trade, vendor_id),
            FOREIGN KEY (vendor_id, business_id) REFERENCES vendors(id, business_id) ON DELETE CASCADE
        );

        -- DispatchSettings as JSON (the API's snake_case); a business without a row has the defaults.
        CREATE TABLE dispatch_settings (
            business_id TEXT PRIMARY KEY NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            settings TEXT NOT NULL CHECK (json_valid(settings) AND json_type(settings) = 'object'),
            updated_at TEXT NOT NULL
        );
        """)
}
