import Foundation

extension AppDatabase {
    /// Migrations after v9, in order (registered after v9's through `v9Migrations`). Append-only.
    static let v10Migrations: [SchemaMigration] = [campaignAttemptTimes]
        // Appended in order.
        + [campaignAppointments]
        // Then AppDatabase+MigrationsV12.swift.
        + [panelAccounts]
        // Then AppDatabase+MigrationsV13.swift (the web chat widget).
        + v13Migrations

    /// A campaign's live counters (issue 13) measure its pace from the attempts that ended in the last 30 minutes
    /// and the start of its first attempt: both read through an index on the campaign, not a scan of every attempt.
    static let campaignAttemptTimes = SchemaMigration("v10-campaign-attempt-times", sql: """
        CREATE INDEX campaign_attempts_by_end ON campaign_attempts(campaign_id, ended_at) WHERE ended_at IS NOT NULL;
        CREATE INDEX campaign_attempts_by_start ON campaign_attempts(campaign_id, started_at);
        """)

    /// A campaign call may book or confirm a CRM appointment (a script question with `appointment`): what came of it
    /// is stored on the recipient — its status, the appointment, and why it was refused.
    static let campaignAppointments = SchemaMigration("v11-campaign-appointments", sql: """
        ALTER TABLE campaign_recipients ADD COLUMN appointment_status TEXT
            CHECK (appointment_status IS NULL OR appointment_status IN ('booked', 'confirmed', 'declined', 'refused'));
        ALTER TABLE campaign_recipients ADD COLUMN appointment_id TEXT;
        ALTER TABLE campaign_recipients ADD COLUMN appointment_note TEXT
            CHECK (appointment_note IS NULL OR length(appointment_note) <= 300);
        """)
}
