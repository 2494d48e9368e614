import Foundation

extension Repositories {
    /// Every repository on one SQLite database.
    /// - Parameter now: the clock repositories stamp `createdAt` / `updatedAt` with (tests inject a fixed one).
    public static func sqlite(database: AppDatabase, now: @escaping @Sendable () -> Date = Date.init) -> Repositories {
        Repositories(
            businesses: GRDBBusinessRepository(database: database, now: now),
            apiKeys: GRDBAPIKeyRepository(database: database, now: now),
            adminKeys: GRDBAdminKeyStore(database: database, now: now),
            knowledge: GRDBKnowledgeRepository(database: database, now: now),
            calls: GRDBCallRepository(database: database, now: now),
            customers: GRDBCustomerRepository(database: database, now: now),
            appointments: GRDBAppointmentRepository(database: database, now: now),
            analytics: GRDBAnalyticsRepository(database: database),
            messages: GRDBMessagingRepository(database: database),
            events: GRDBEventLog(database: database, now: now),
            jobs: GRDBWorkQueue(database: database),
            outbox: GRDBOutboxRepository(database: database),
            reminders: GRDBReminderRepository(database: database),
            callSummaries: GRDBCallSummaryRepository(database: database),
            leases: GRDBLeaseRepository(database: database),
            outboundPacing: GRDBOutboundPacingRepository(database: database),
            tickets: GRDBTicketRepository(database: database, now: now),
            vendors: GRDBVendorRepository(database: database, now: now),
            dispatch: GRDBDispatchRepository(database: database, now: now),
            campaigns: GRDBCampaignRepository(database: database, now: now),
            doNotCall: GRDBDoNotCallRepository(database: database, now: now),
            widget: GRDBWidgetRepository(database: database, now: now),
            panelUsers: GRDBPanelUserRepository(database: database, now: now),
            panelSessions: GRDBPanelSessionRepository(database: database),
            loginAttempts: GRDBLoginAttemptRepository(database: database))
    }
}
