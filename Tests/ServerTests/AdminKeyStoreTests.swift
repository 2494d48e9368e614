import Foundation
import Testing
@testable import Server

@Suite struct AdminKeyStoreTests {
    @Test func generatesOnceThenReturnsNil() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("frontdesk.sqlite")
        let generated: String
        do {
            let store = GRDBAdminKeyStore(database: try AppDatabase(path: path))
            generated = try #require(try await store.ensureAdminKey(configured: nil))
            #expect(generated.hasPrefix("fd_admin_"))
            #expect(try await store.ensureAdminKey(configured: nil) == nil)
            #expect(try await store.verifyAdminKey(generated))
            #expect(try await !store.verifyAdminKey(generated + "x"))
        }
        let reopened = GRDBAdminKeyStore(database: try AppDatabase(path: path))
        #expect(try await reopened.ensureAdminKey(configured: nil) == nil)
        #expect(try await reopened.verifyAdminKey(generated))
    }

    @Test func configuredKeyIsStoredAndReplacesTheOldOne() async throws {
        let repositories = try TestRepositories()
        let store = repositories.adminKeys
        #expect(try await !store.verifyAdminKey("anything"))
        let generated = try #require(try await store.ensureAdminKey(configured: nil))

        let configured = "operator-chosen-admin-key-0001"
        #expect(try await store.ensureAdminKey(configured: configured) == nil)
        #expect(try await store.verifyAdminKey(configured))
        #expect(try await !store.verifyAdminKey(generated))
        #expect(try await repositories.count("admin_credentials") == 1)
        #expect(try await repositories.count(
            "admin_credentials", where: "key_hash = ?", [KeyHashing.sha256Hex(configured)]) == 1)

        // Changing the configured key takes effect at the next start.
        #expect(try await store.ensureAdminKey(configured: "another-configured-key-02") == nil)
        #expect(try await store.verifyAdminKey("another-configured-key-02"))
        #expect(try await !store.verifyAdminKey(configured))
        // Unconfigured later: the stored key stays and nothing is generated.
        #expect(try await store.ensureAdminKey(configured: nil) == nil)
        #expect(try await store.verifyAdminKey("another-configured-key-02"))
    }

    @Test func shortConfiguredKeyIsRejected() async throws {
        let store = try TestRepositories().adminKeys
        await #expect {
            _ = try await store.ensureAdminKey(configured: "short")
        } throws: { error in
            if case RepositoryError.invalid = error { return true }
            return false
        }
        #expect(try await !store.verifyAdminKey("short"))
    }
}
