import Foundation

extension AppDatabase {
    /// Migrations after v4, in order (registered after v4's through `v4Migrations`). Append-only.
    static let v5Migrations: [SchemaMigration] = [leases]
        // Every later migration, appended here: AppDatabase+MigrationsV6.swift.
        + v6Migrations

    /// Named leases (`LeaseRepository`): work that must run in one place at a time runs where its lease is held.
    /// One process uses a SQLite database, so the table only keeps the rules the PostgreSQL backend needs the same.
    static let leases = SchemaMigration("v5-leases", sql: """
        CREATE TABLE leases (
            name TEXT PRIMARY KEY NOT NULL,
            holder TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        """)
}
