import Foundation
import Logging

/// Opens the configured database: PostgreSQL when `databaseURL` is set, else the SQLite file.
func openStorage(_ config: AppConfig, logger: Logger, now: @escaping @Sendable () -> Date) async throws -> any StorageBackend {
    if let urlString = config.databaseURL {
        let url: PostgresURL
        do {
            url = try PostgresURL(urlString)
        } catch {
            throw StartupError(description: "FRONTDESK_DATABASE_URL / --database-url: \(error)")
        }
        do {
            let storage = try await PostgresStorage.open(url: url, poolSize: config.databasePoolSize, logger: logger, now: now)
            logger.info("database ready", metadata: ["database": "\(url)", "pool": "\(config.databasePoolSize)"])
            return storage
        } catch {
            throw StartupError(description: "cannot open the database: \(error)")
        }
    }
    let database: AppDatabase
    do {
        database = try AppDatabase(path: config.databasePath)
    } catch {
        throw StartupError(description: "cannot open the database at \(config.databasePath): \(error)")
    }
    logger.info("database ready", metadata: ["path": "\(config.databasePath)"])
    return SQLiteStorage(database: database, now: now)
}
