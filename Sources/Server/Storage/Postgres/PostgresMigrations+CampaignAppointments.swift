import Foundation

extension PGDatabase {
    /// SQLite's v11: what a campaign call did with the CRM appointment, on the recipient (its status, the appointment,
    /// and why it was refused).
    static let campaignAppointmentsMigration = PostgresMigration(id: "p7-campaign-appointments", statements: [
        """
        ALTER TABLE campaign_recipients ADD COLUMN appointment_status text
            CHECK (appointment_status IS NULL OR appointment_status IN ('booked', 'confirmed', 'declined', 'refused'))
        """,
        "ALTER TABLE campaign_recipients ADD COLUMN appointment_id text",
        "ALTER TABLE campaign_recipients ADD COLUMN appointment_note text CHECK (appointment_note IS NULL OR length(appointment_note) <= 300)",
    ])
}
