import Foundation
import Testing
@testable import Server

@Suite struct APIKeyRepositoryTests {
    @Test func rotateRevokesOldKeyAndIssuesNewOne() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("frontdesk.sqlite")
        let business: Business
        let oldKey: String
        let newKey: String
        do {
            let repositories = try TestRepositories(database: AppDatabase(path: path))
            business = try await repositories.makeBusiness("acme")
            oldKey = try await repositories.apiKeys.rotate(businessId: business.id)
            #expect(oldKey.hasPrefix("fd_live_") && oldKey.count == 40)
            #expect(try await repositories.apiKeys.authenticate(oldKey) == business)

            newKey = try await repositories.apiKeys.rotate(businessId: business.id)
            #expect(newKey != oldKey)
            #expect(try await repositories.apiKeys.authenticate(oldKey) == nil)
            #expect(try await repositories.apiKeys.authenticate(newKey) == business)

            let keys = try await repositories.apiKeys.keys(businessId: business.id)
            #expect(keys.count == 2)
            #expect(keys.filter(\.isActive).count == 1)
            #expect(keys.first { $0.isActive }?.prefix == String(newKey.prefix(16)))
            // Only the hash is stored.
            #expect(try await repositories.count("api_keys", where: "key_hash = ?", [newKey]) == 0)
            #expect(try await repositories.count(
                "api_keys", where: "key_hash = ?", [KeyHashing.sha256Hex(newKey)]) == 1)
        }
        // Revocation is durable.
        let reopened = try TestRepositories(database: AppDatabase(path: path))
        #expect(try await reopened.apiKeys.authenticate(oldKey) == nil)
        #expect(try await reopened.apiKeys.authenticate(newKey) == business)
    }

    @Test func wrongOrMalformedKeysDoNotAuthenticate() async throws {
        let repositories = try TestRepositories()
        let business = try await repositories.makeBusiness("acme")
        let key = try await repositories.apiKeys.rotate(businessId: business.id)
        var tampered = Array(key)
        tampered[tampered.count - 1] = tampered.last == "a" ? "b" : "a"
        for wrong in [String(tampered), "", "fd_live_", key + "x", String(key.dropLast()), key.uppercased(),
                      SecretKeyGenerator.make(prefix: SecretKeyGenerator.apiKeyPrefix)] {
            #expect(try await repositories.apiKeys.authenticate(wrong) == nil, "\(wrong)")
        }
    }

    @Test func suspendedBusinessAuthenticatesWithVisibleStatus() async throws {
        let repositories = try TestRepositories()
        let business = try await repositories.makeBusiness("acme")
        let key = try await repositories.apiKeys.rotate(businessId: business.id)
        _ = try await repositories.businesses.update(id: business.id, BusinessPatch(status: .suspended))
        let authenticated = try #require(try await repositories.apiKeys.authenticate(key))
        #expect(authenticated.id == business.id)
        #expect(authenticated.status == .suspended)
    }

    @Test func rotatingForUnknownBusinessIsNotFound() async throws {
        let repositories = try TestRepositories()
        await #expect(throws: RepositoryError.notFound) {
            _ = try await repositories.apiKeys.rotate(businessId: UUID().uuidString.lowercased())
        }
        #expect(try await repositories.count("api_keys") == 0)
    }

    @Test func keysAreScopedToTheirBusiness() async throws {
        let repositories = try TestRepositories()
        let a = try await repositories.makeBusiness("business-a")
        let b = try await repositories.makeBusiness("business-b")
        let keyA = try await repositories.apiKeys.rotate(businessId: a.id)
        let keyB = try await repositories.apiKeys.rotate(businessId: b.id)
        // Rotating B's key leaves A's working.
        let keyB2 = try await repositories.apiKeys.rotate(businessId: b.id)
        #expect(try await repositories.apiKeys.authenticate(keyA)?.id == a.id)
        #expect(try await repositories.apiKeys.authenticate(keyB) == nil)
        #expect(try await repositories.apiKeys.authenticate(keyB2)?.id == b.id)
        #expect(try await repositories.apiKeys.keys(businessId: a.id).count == 1)
    }
}
