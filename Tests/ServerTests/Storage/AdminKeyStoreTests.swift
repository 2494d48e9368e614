import Foundation
import Testing
@testable import Server

/// `AdminKeyStore`'s contract, on every backend. The admin key is the operator's, not a tenant's: the store takes
/// no business id, and no business's API key is ever an admin key.
@Suite struct AdminKeyStoreTests {
    @Test(arguments: RepositoryBackend.all)
    func generatesOnceThenReturnsNil(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let adminKeys = store.repositories.adminKeys
        let generated = try #require(try await adminKeys.ensureAdminKey(configured: nil))
        #expect(generated.hasPrefix("fd_admin_"))
        #expect(try await adminKeys.ensureAdminKey(configured: nil) == nil)
        #expect(try await adminKeys.verifyAdminKey(generated))
        #expect(try await !adminKeys.verifyAdminKey(generated + "x"))

        let reopened = try await store.reopened().repositories.adminKeys
        #expect(try await reopened.ensureAdminKey(configured: nil) == nil)
        #expect(try await reopened.verifyAdminKey(generated))
    }

    @Test(arguments: RepositoryBackend.all)
    func configuredKeyIsStoredAndReplacesTheOldOne(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let adminKeys = store.repositories.adminKeys
        #expect(try await !adminKeys.verifyAdminKey("anything"))
        let generated = try #require(try await adminKeys.ensureAdminKey(configured: nil))

        let configured = "operator-chosen-admin-key-0001"
        #expect(try await adminKeys.ensureAdminKey(configured: configured) == nil)
        #expect(try await adminKeys.verifyAdminKey(configured))
        #expect(try await !adminKeys.verifyAdminKey(generated))
        #expect(try await store.count("admin_credentials") == 1)
        #expect(try await store.count(
            "admin_credentials", where: "key_hash = ?", [KeyHashing.sha256Hex(configured)]) == 1)

        // Changing the configured key takes effect at the next start.
        #expect(try await adminKeys.ensureAdminKey(configured: "another-configured-key-02") == nil)
        #expect(try await adminKeys.verifyAdminKey("another-configured-key-02"))
        #expect(try await !adminKeys.verifyAdminKey(configured))
        // Unconfigured later: the stored key stays and nothing is generated.
        #expect(try await adminKeys.ensureAdminKey(configured: nil) == nil)
        #expect(try await adminKeys.verifyAdminKey("another-configured-key-02"))
    }

    @Test(arguments: RepositoryBackend.all)
    func shortConfiguredKeyIsRejected(_ backend: RepositoryBackend) async throws {
        let adminKeys = try await backend.make().repositories.adminKeys
        await #expect {
            _ = try await adminKeys.ensureAdminKey(configured: "short")
        } throws: { error in
            if case RepositoryError.invalid = error { return true }
            return false
        }
        #expect(try await !adminKeys.verifyAdminKey("short"))
    }

    @Test(arguments: RepositoryBackend.all)
    func aBusinessesAPIKeyIsNeverTheAdminKey(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let adminKey = try #require(try await store.repositories.adminKeys.ensureAdminKey(configured: nil))
        let business = try await store.makeBusiness("acme")
        let apiKey = try await store.repositories.apiKeys.rotate(businessId: business.id)
        #expect(try await !store.repositories.adminKeys.verifyAdminKey(apiKey))
        #expect(try await store.repositories.apiKeys.authenticate(adminKey) == nil)
    }
}
