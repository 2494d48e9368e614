import Foundation
import GRDB
@testable import Server

extension RepositoryBackend {
    /// `Repositories.sqlite` on a fresh migrated temporary database.
    static let sqlite = RepositoryBackend(name: "sqlite") { clock in
        let database = try AppDatabase.temporary()
        return SQLiteStore(origin: database, database: database).store(clock: clock)
    }
}

/// One test's SQLite file, through `database`.
struct SQLiteStore: RepositoryStoreOperations {
    /// The temporary database the test started with: its files are removed when it goes, so every store made
    /// from it (a reopened one too) holds it. The repositories hold `database`, so a test may keep only them.
    let origin: AppDatabase
    let database: AppDatabase

    func store(clock: TestClock) -> RepositoryStore {
        RepositoryStore(repositories: .sqlite(database: database, now: clock.now), operations: self)
    }

    func count(_ table: String, where condition: String, _ arguments: [String]) async throws -> Int {
        try await database.dbPool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE \(condition)",
                             arguments: StatementArguments(arguments))!
        }
    }

    func reopened(clock: TestClock) async throws -> RepositoryStore {
        SQLiteStore(origin: origin, database: try AppDatabase(path: origin.path)).store(clock: clock)
    }

    func receiveText(businessId: String, from phone: String, body: String, twilioSid: String,
                     at timestamp: Date) async throws -> Conversation {
        try await database.dbPool.write { db in
            let customer = try CustomerDirectory.upsert(db, businessId: businessId, phone: phone, source: "sms", at: timestamp)
            let conversation = try CustomerDirectory.smsConversation(db, customer: customer, at: timestamp)
            try CustomerDirectory.append(db, to: conversation, direction: .inbound, body: body, twilioSid: twilioSid,
                                         at: timestamp)
            return conversation
        }
    }
}
