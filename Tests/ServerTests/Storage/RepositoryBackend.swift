import Foundation
import Testing
@testable import Server

/// A storage backend the repository contract tests run against. Each test makes a fresh, empty store:
///
///     @Test(arguments: RepositoryBackend.all)
///     func something(_ backend: RepositoryBackend) async throws {
///         let store = try await backend.make()
///         … store.repositories.businesses …
///     }
///
/// Every contract suite runs against each backend: SQLite, and PostgreSQL on the test run's throwaway cluster.
struct RepositoryBackend: Sendable, CustomTestStringConvertible {
    let name: String
    /// A new, empty, migrated store whose repositories stamp times with `clock`.
    let makeStore: @Sendable (_ clock: TestClock) async throws -> RepositoryStore

    func make(clock: TestClock = TestClock()) async throws -> RepositoryStore { try await makeStore(clock) }

    var testDescription: String { name }

    static let all: [RepositoryBackend] = [.sqlite, .postgres]
}

/// What a contract test needs of a backend besides its repositories: a few storage-level facts (how many rows a
/// table holds, what a restart reads back) and the writes no repository protocol has yet.
protocol RepositoryStoreOperations: Sendable {
    /// Rows of `table` matching `condition` (SQL, `?` placeholders bound to `arguments`), e.g. to prove only a
    /// key's hash is stored or that a failed write left nothing behind.
    func count(_ table: String, where condition: String, _ arguments: [String]) async throws -> Int
    /// The same storage opened again from scratch, as after a restart.
    func reopened(clock: TestClock) async throws -> RepositoryStore
    /// An inbound text from `phone` to the business, as the SMS webhook stores it (its customer found or made by
    /// phone, one SMS conversation per customer). Until texts have a repository protocol.
    func receiveText(businessId: String, from phone: String, body: String, twilioSid: String,
                     at timestamp: Date) async throws -> Conversation
}

/// One backend's fresh storage: the `Repositories` the app would be built from, and the operations above.
struct RepositoryStore: Sendable {
    let repositories: Repositories
    let operations: any RepositoryStoreOperations

    func count(_ table: String, where condition: String = "1 = 1", _ arguments: [String] = []) async throws -> Int {
        try await operations.count(table, where: condition, arguments)
    }

    func reopened(clock: TestClock = TestClock()) async throws -> RepositoryStore {
        try await operations.reopened(clock: clock)
    }

    func receiveText(businessId: String, from phone: String, body: String, twilioSid: String,
                     at timestamp: Date = Date()) async throws -> Conversation {
        try await operations.receiveText(businessId: businessId, from: phone, body: body, twilioSid: twilioSid, at: timestamp)
    }

    /// A business in Chicago.
    func makeBusiness(_ slug: String, numbers: [String] = [],
                      settings: ReceptionistSettings = ReceptionistSettings()) async throws -> Business {
        try await repositories.businesses.create(NewBusiness(
            slug: slug, name: "Business \(slug)", timeZone: "America/Chicago", settings: settings, numbers: numbers))
    }
}
