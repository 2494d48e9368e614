import Foundation

extension PGDatabase {
    /// Maintenance dispatch (issue 12): the SQLite migration `v6-dispatch` in PostgreSQL's types — vendors, and
    /// tickets with their job codes. JSON is kept as the text it was written as (checked by a cast), as on SQLite.
    static let dispatchMigration = PostgresMigration(id: "p2-dispatch", statements: [
        """
        CREATE TABLE vendors (
            id text PRIMARY KEY,
            business_id text NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
            phone text NOT NULL CHECK (phone ~ '^\\+[1-9][0-9]{6,14}$'),
            trades text NOT NULL CHECK (json_typeof(trades::json) = 'array'),
            service_areas text NOT NULL CHECK (json_typeof(service_areas::json) = 'array'),
            working_hours text CHECK (working_hours IS NULL OR json_typeof(working_hours::json) = 'object'),
            active boolean NOT NULL DEFAULT true,
            opted_out boolean NOT NULL DEFAULT false,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            UNIQUE (business_id, phone),
            UNIQUE (id, business_id)
        )
        """,
        "CREATE INDEX vendors_by_business ON vendors(business_id, created_at, id)",
        """
        CREATE TABLE tickets (
            id text PRIMARY KEY,
            business_id text NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            code text NOT NULL CHECK (length(code) = 4),
            state text NOT NULL
                CHECK (state IN ('new', 'vendor_contacting', 'scheduled', 'closed', 'escalated', 'cancelled')),
            trade text NOT NULL,
            priority text NOT NULL CHECK (priority IN ('routine', 'urgent', 'emergency')),
            problem text NOT NULL,
            property_address text NOT NULL,
            unit text,
            postcode text,
            access_window text,
            tenant_name text,
            tenant_phone text,
            source text NOT NULL CHECK (source IN ('call', 'sms', 'rest')),
            source_ref text,
            vendor_id text,
            appointment_id text,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            closed_at timestamptz,
            version bigint NOT NULL CHECK (version >= 1),
            UNIQUE (id, business_id),
            FOREIGN KEY (vendor_id, business_id) REFERENCES vendors(id, business_id)
        )
        """,
        "CREATE INDEX tickets_by_business ON tickets(business_id, created_at, id)",
        "CREATE UNIQUE INDEX tickets_open_code ON tickets(business_id, code) WHERE state NOT IN ('closed', 'cancelled')",
        "CREATE UNIQUE INDEX tickets_by_source ON tickets(business_id, source, source_ref) WHERE source_ref IS NOT NULL",
        "CREATE INDEX tickets_by_vendor ON tickets(vendor_id) WHERE vendor_id IS NOT NULL",
    ])
}
