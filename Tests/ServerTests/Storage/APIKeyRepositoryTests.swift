import Foundation
import Testing
@testable import Server

/// `APIKeyRepository`'s contract, on every backend.
@Suite struct APIKeyRepositoryTests {
    @Test(arguments: RepositoryBackend.all)
    func rotateRevokesOldKeyAndIssuesNewOne(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let repositories = store.repositories
        let business = try await store.makeBusiness("acme")
        let oldKey = try await repositories.apiKeys.rotate(businessId: business.id)
        #expect(oldKey.hasPrefix("fd_live_") && oldKey.count == 40)
        #expect(try await repositories.apiKeys.authenticate(oldKey) == business)

        let newKey = try await repositories.apiKeys.rotate(businessId: business.id)
        #expect(newKey != oldKey)
        #expect(try await repositories.apiKeys.authenticate(oldKey) == nil)
        #expect(try await repositories.apiKeys.authenticate(newKey) == business)

        let keys = try await repositories.apiKeys.keys(businessId: business.id)
        #expect(keys.count == 2)
        #expect(keys.filter(\.isActive).count == 1)
        #expect(keys.first { $0.isActive }?.prefix == String(newKey.prefix(16)))
        // Only the hash is stored.
        #expect(try await store.count("api_keys", where: "key_hash = ?", [newKey]) == 0)
        #expect(try await store.count("api_keys", where: "key_hash = ?", [KeyHashing.sha256Hex(newKey)]) == 1)

        // Revocation is durable.
        let reopened = try await store.reopened()
        #expect(try await reopened.repositories.apiKeys.authenticate(oldKey) == nil)
        #expect(try await reopened.repositories.apiKeys.authenticate(newKey) == business)
    }

    @Test(arguments: RepositoryBackend.all)
    func wrongOrMalformedKeysDoNotAuthenticate(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let business = try await store.makeBusiness("acme")
        let key = try await store.repositories.apiKeys.rotate(businessId: business.id)
        var tampered = Array(key)
        tampered[tampered.count - 1] = tampered.last == "a" ? "b" : "a"
        for wrong in [String(tampered), "", "fd_live_", key + "x", String(key.dropLast()), key.uppercased(),
                      SecretKeyGenerator.make(prefix: SecretKeyGenerator.apiKeyPrefix)] {
            #expect(try await store.repositories.apiKeys.authenticate(wrong) == nil, "\(wrong)")
        }
    }

    @Test(arguments: RepositoryBackend.all)
    func suspendedBusinessAuthenticatesWithVisibleStatus(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let repositories = store.repositories
        let business = try await store.makeBusiness("acme")
        let key = try await repositories.apiKeys.rotate(businessId: business.id)
        _ = try await repositories.businesses.update(id: business.id, BusinessPatch(status: .suspended))
        let authenticated = try #require(try await repositories.apiKeys.authenticate(key))
        #expect(authenticated.id == business.id)
        #expect(authenticated.status == .suspended)
    }

    @Test(arguments: RepositoryBackend.all)
    func rotatingForUnknownBusinessIsNotFound(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        await #expect(throws: RepositoryError.notFound) {
            _ = try await store.repositories.apiKeys.rotate(businessId: UUID().uuidString.lowercased())
        }
        #expect(try await store.count("api_keys") == 0)
    }

    /// Business B's calls never see, revoke or authenticate as business A's keys.
    @Test(arguments: RepositoryBackend.all)
    func keysAreScopedToTheirBusiness(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let apiKeys = store.repositories.apiKeys
        let a = try await store.makeBusiness("business-a")
        let b = try await store.makeBusiness("business-b")
        let keyA = try await apiKeys.rotate(businessId: a.id)
        #expect(try await apiKeys.keys(businessId: b.id).isEmpty)
        let keyB = try await apiKeys.rotate(businessId: b.id)
        // Rotating B's key leaves A's working.
        let keyB2 = try await apiKeys.rotate(businessId: b.id)
        #expect(try await apiKeys.authenticate(keyA)?.id == a.id)
        #expect(try await apiKeys.authenticate(keyB) == nil)
        #expect(try await apiKeys.authenticate(keyB2)?.id == b.id)
        #expect(try await apiKeys.keys(businessId: a.id).count == 1)
        #expect(try await apiKeys.keys(businessId: a.id).allSatisfy(\.isActive))
        let listedForB = try await apiKeys.keys(businessId: b.id)
        #expect(listedForB.count == 2)
        #expect(listedForB.allSatisfy { $0.businessId == b.id })
        #expect(!listedForB.map(\.prefix).contains(String(keyA.prefix(APIKey.displayPrefixLength))))
    }
}
