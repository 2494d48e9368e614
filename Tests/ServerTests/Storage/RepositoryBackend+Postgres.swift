import Foundation
import Logging
import PostgresNIO
@testable import Server

extension RepositoryBackend {
    /// The PostgreSQL repositories on a fresh database of the test run's throwaway cluster (`TestPostgres`).
    static let postgres = RepositoryBackend(name: "postgresql") { clock in
        let url = try PostgresURL(TestPostgres.freshDatabase())
        let database = try await PGDatabase.open(url: url, maximumConnections: 4, logger: Logger(label: "test.postgres"))
        return PostgresStore(database: database).store(clock: clock)
    }
}

/// One test's PostgreSQL database, through `database`.
struct PostgresStore: RepositoryStoreOperations {
    let database: PGDatabase

    func store(clock: TestClock) -> RepositoryStore {
        RepositoryStore(repositories: .postgres(database: database, now: clock.now), operations: self)
    }

    /// `condition` uses `?` placeholders (as on SQLite); they become `$1`, `$2`, ….
    func count(_ table: String, where condition: String, _ arguments: [String]) async throws -> Int {
        var sql = ""
        var index = 0
        for character in condition {
            if character == "?" {
                index += 1
                sql += "$\(index)"
            } else {
                sql.append(character)
            }
        }
        var bindings = PostgresBindings()
        for argument in arguments { bindings.append(argument) }
        let query = PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table) WHERE \(sql)", binds: bindings)
        let counts = try await database.read { connection in
            try await connection.query(query, logger: database.logger).all(Int64.self)
        }
        return Int(counts.first ?? 0)
    }

    func reopened(clock: TestClock) async throws -> RepositoryStore {
        let reopened = try await PGDatabase.open(url: database.url, maximumConnections: 4, logger: database.logger)
        return PostgresStore(database: reopened).store(clock: clock)
    }

    func receiveText(businessId: String, from phone: String, body: String, twilioSid: String,
                     at timestamp: Date) async throws -> Conversation {
        let logger = database.logger
        return try await database.write { connection in
            let customer = try await PostgresCustomerDirectory.upsert(
                connection, businessId: businessId, phone: phone, source: "sms", at: timestamp, logger: logger)
            let conversation = try await PostgresCustomerDirectory.smsConversation(
                connection, customer: customer, at: timestamp, logger: logger)
            try await PostgresCustomerDirectory.append(
                connection, to: conversation, direction: .inbound, body: body, twilioSid: twilioSid, at: timestamp, logger: logger)
            return conversation
        }
    }
}
