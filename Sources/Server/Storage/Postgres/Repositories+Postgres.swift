import Foundation
import Logging

extension Repositories {
    /// Every repository on one PostgreSQL database.
    /// - Parameter now: the clock repositories stamp `createdAt` / `updatedAt` with (tests inject a fixed one).
    static func postgres(database: PGDatabase, now: @escaping @Sendable () -> Date = Date.init) -> Repositories {
        Repositories(
            businesses: PostgresBusinessRepository(database: database, now: now),
            apiKeys: PostgresAPIKeyRepository(database: database, now: now),
            adminKeys: PostgresAdminKeyStore(database: database, now: now),
            knowledge: PostgresKnowledgeRepository(database: database, now: now),
            calls: PostgresCallRepository(database: database, now: now),
            customers: PostgresCustomerRepository(database: database, now: now),
            appointments: PostgresAppointmentRepository(database: database, now: now),
            analytics: PostgresAnalyticsRepository(database: database),
            messages: PostgresMessagingRepository(database: database),
            events: PostgresEventLog(database: database, now: now),
            jobs: PostgresWorkQueue(database: database),
            outbox: PostgresOutboxRepository(database: database),
            reminders: PostgresReminderRepository(database: database),
            callSummaries: PostgresCallSummaryRepository(database: database),
            leases: PostgresLeaseRepository(database: database),
            outboundPacing: PostgresOutboundPacingRepository(database: database),
            tickets: PostgresTicketRepository(database: database, now: now),
            vendors: PostgresVendorRepository(database: database, now: now),
            dispatch: PostgresDispatchRepository(database: database, now: now),
            campaigns: PostgresCampaignRepository(database: database, now: now),
            doNotCall: PostgresDoNotCallRepository(database: database, now: now),
            widget: PostgresWidgetRepository(database: database, now: now),
            panelUsers: PostgresPanelUserRepository(database: database, now: now),
            panelSessions: PostgresPanelSessionRepository(database: database),
            loginAttempts: PostgresLoginAttemptRepository(database: database))
    }
}

extension PostgresStorage {
    /// Opens (and migrates) the database at `url` with a pool of `poolSize` connections.
    static func open(url: PostgresURL, poolSize: Int, logger: Logger,
                     now: @escaping @Sendable () -> Date = Date.init) async throws -> PostgresStorage {
        let database = try await PGDatabase.open(url: url, maximumConnections: poolSize, logger: logger)
        return PostgresStorage(database: database, repositories: .postgres(database: database, now: now), logger: logger)
    }
}
