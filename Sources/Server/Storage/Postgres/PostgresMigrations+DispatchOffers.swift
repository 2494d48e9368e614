import Foundation

extension PGDatabase {
    /// SQLite's v8: the booking loop's offers, the vendor rotation and the dispatch settings.
    static let dispatchOffersMigration = PostgresMigration(id: "p4-dispatch-offers", statements: [
        """
        CREATE TABLE dispatch_offers (
            id text PRIMARY KEY,
            business_id text NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            ticket_id text NOT NULL,
            vendor_id text NOT NULL,
            code text NOT NULL CHECK (length(code) = 4),
            sent_at timestamptz NOT NULL,
            expires_at timestamptz NOT NULL,
            state text NOT NULL CHECK (state IN ('open', 'accepted', 'declined', 'timed_out', 'cancelled')),
            resolved_at timestamptz,
            outbox_id bigint,
            window_start timestamptz,
            window_end timestamptz,
            FOREIGN KEY (ticket_id, business_id) REFERENCES tickets(id, business_id) ON DELETE CASCADE,
            FOREIGN KEY (vendor_id, business_id) REFERENCES vendors(id, business_id)
        )
        """,
        "CREATE UNIQUE INDEX dispatch_offers_one_open ON dispatch_offers(ticket_id) WHERE state = 'open'",
        "CREATE UNIQUE INDEX dispatch_offers_once ON dispatch_offers(ticket_id, vendor_id)",
        "CREATE INDEX dispatch_offers_by_vendor ON dispatch_offers(vendor_id, state)",
        """
        CREATE TABLE vendor_rotation (
            business_id text NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            trade text NOT NULL,
            vendor_id text NOT NULL,
            last_offered_at timestamptz NOT NULL,
            offers_count bigint NOT NULL CHECK (offers_count >= 0),
            PRIMARY KEY (business_id, trade, vendor_id),
            FOREIGN KEY (vendor_id, business_id) REFERENCES vendors(id, business_id) ON DELETE CASCADE
        )
        """,
        """
        CREATE TABLE dispatch_settings (
            business_id text PRIMARY KEY REFERENCES businesses(id) ON DELETE CASCADE,
            settings text NOT NULL CHECK (json_typeof(settings::json) = 'object'),
            updated_at timestamptz NOT NULL
        )
        """,
    ])
}
