import Foundation

extension PGDatabase {
    /// SQLite's v7: outbound call pacing (`OutboundPacingRepository`), the account's next dial slot and the
    /// reservations of calls being placed.
    static let outboundPacingMigration = PostgresMigration(id: "p3-outbound-pacing", statements: [
        """
        CREATE TABLE outbound_pacing (
            name text PRIMARY KEY,
            next_slot_at timestamptz NOT NULL
        )
        """,
        """
        CREATE TABLE outbound_reservations (
            request_id text PRIMARY KEY,
            slot_at timestamptz NOT NULL,
            reserved_at timestamptz NOT NULL
        )
        """,
        "CREATE INDEX calls_outbound_in_progress ON calls (started_at) WHERE direction = 'outbound' AND ended_at IS NULL",
    ])
}
