import Foundation

extension AppDatabase {
    /// Migrations after v4, in order (registered after v4's through `v4Migrations`). Append-only.
    static let v5Migrations: [SchemaMigration] = [leases, outboundPacing]

    /// Named leases (`LeaseRepository`): work that must run in one place at a time runs where its lease is held.
    /// One process uses a SQLite database, so the table only keeps the rules the PostgreSQL backend needs the same.
    static let leases = SchemaMigration("v5-leases", sql: """
        CREATE TABLE leases (
            name TEXT PRIMARY KEY NOT NULL,
            holder TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        """)

    /// Outbound call pacing (`OutboundPacingRepository`): the account's next free dial slot, the reservations of
    /// calls being placed, and an index for counting outbound calls still in progress.
    static let outboundPacing = SchemaMigration("v6-outbound-pacing", sql: """
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
}
