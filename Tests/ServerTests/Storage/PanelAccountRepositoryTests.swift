import Foundation
import Testing
@testable import Server

/// The contract of `PanelUserRepository`, `PanelSessionRepository` and `LoginAttemptRepository`, on every backend.
@Suite struct PanelAccountRepositoryTests {
    /// A bcrypt-shaped hash (the storage checks the shape, not the hash).
    static func hash(_ seed: Character) -> String { "$2b$04$" + String(repeating: seed, count: 53) }

    static func session(_ token: String, user: String, at date: Date, lifetime: TimeInterval = 3600) -> PanelSession {
        PanelSession(idHash: KeyHashing.sha256Hex(token), userId: user, csrfToken: String(repeating: "c", count: 32),
                     createdAt: date, lastSeenAt: date, expiresAt: date.addingTimeInterval(lifetime))
    }

    @Test(arguments: RepositoryBackend.all)
    func usersAndMemberships(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let users = store.repositories.panelUsers
        let a = try await store.makeBusiness("panel-a")
        let b = try await store.makeBusiness("panel-b")

        let owner = try await users.create(email: "Owner@Example.com", passwordHash: Self.hash("a"), businessId: a.id, role: .owner)
        #expect(owner.email == "Owner@Example.com")
        #expect(owner.createdAt == clock.read() && owner.passwordChangedAt == clock.read())
        // One account per email, whatever its case.
        #expect(try await users.user(email: "owner@EXAMPLE.COM") == owner)
        #expect(try await users.user(id: owner.id) == owner)
        await #expect(throws: RepositoryError.self) {
            try await users.create(email: "OWNER@example.com", passwordHash: Self.hash("b"), businessId: b.id, role: .staff)
        }
        await #expect(throws: RepositoryError.notFound) {
            try await users.create(email: "x@example.com", passwordHash: Self.hash("b"), businessId: "no-such-business", role: .staff)
        }
        #expect(try await users.user(email: "x@example.com") == nil, "a failed create leaves nothing")
        #expect(try await store.count("users") == 1)

        // Memberships: by business name; by slug only where the user is a member.
        clock.advance(by: 1)
        try await users.addMembership(userId: owner.id, businessId: b.id, role: .viewer)
        await #expect(throws: RepositoryError.self) { try await users.addMembership(userId: owner.id, businessId: b.id, role: .staff) }
        await #expect(throws: RepositoryError.notFound) { try await users.addMembership(userId: "nobody", businessId: b.id, role: .staff) }
        let memberships = try await users.memberships(userId: owner.id)
        #expect(memberships.map(\.business.slug) == ["panel-a", "panel-b"])
        #expect(memberships.map(\.role) == [.owner, .viewer])
        #expect(memberships[0].business == a)
        let staff = try await users.create(email: "staff@example.com", passwordHash: Self.hash("c"), businessId: a.id, role: .staff)
        #expect(try await users.membership(userId: staff.id, businessSlug: "panel-a")?.role == .staff)
        #expect(try await users.membership(userId: staff.id, businessSlug: "panel-b") == nil)
        #expect(try await users.membership(userId: staff.id, businessSlug: "no-such-slug") == nil)
        #expect(try await users.members(businessId: a.id).map(\.email) == ["Owner@Example.com", "staff@example.com"])
        #expect(try await users.members(businessId: b.id).map(\.role) == [.viewer])

        // Deleting a business takes its memberships, not the users.
        try await store.repositories.businesses.delete(id: b.id)
        #expect(try await users.memberships(userId: owner.id).map(\.business.slug) == ["panel-a"])
        #expect(try await users.user(id: owner.id) != nil)
    }

    @Test(arguments: RepositoryBackend.all)
    func sessionsExpireAndEndWithAPasswordChange(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let users = store.repositories.panelUsers, sessions = store.repositories.panelSessions
        let a = try await store.makeBusiness("sessions-a")
        let user = try await users.create(email: "u@example.com", passwordHash: Self.hash("a"), businessId: a.id, role: .owner)
        let other = try await users.create(email: "o@example.com", passwordHash: Self.hash("b"), businessId: a.id, role: .staff)
        let now = clock.read()
        let laptop = Self.session("laptop-token", user: user.id, at: now)
        try await sessions.create(laptop)
        try await sessions.create(Self.session("phone-token", user: user.id, at: now))
        try await sessions.create(Self.session("other-token", user: other.id, at: now))

        let found = try #require(try await sessions.session(idHash: laptop.idHash, now: now))
        #expect(found.session == laptop)
        #expect(found.user == user)
        #expect(try await sessions.session(idHash: KeyHashing.sha256Hex("unknown"), now: now) == nil)
        // Expired at its expiry; a touch moves it.
        #expect(try await sessions.session(idHash: laptop.idHash, now: now.addingTimeInterval(3600)) == nil)
        try await sessions.touch(idHash: laptop.idHash, lastSeenAt: now.addingTimeInterval(1800),
                                 expiresAt: now.addingTimeInterval(7200))
        let touched = try #require(try await sessions.session(idHash: laptop.idHash, now: now.addingTimeInterval(3600)))
        #expect(touched.session.lastSeenAt == now.addingTimeInterval(1800))

        // A password change ends every session of the user and opens the replacement, in one go.
        clock.advance(by: 60)
        let replacement = Self.session("replacement-token", user: user.id, at: clock.read())
        try await users.changePassword(userId: user.id, passwordHash: Self.hash("z"), replacement: replacement)
        #expect(try await sessions.session(idHash: laptop.idHash, now: now) == nil)
        #expect(try await sessions.session(idHash: KeyHashing.sha256Hex("phone-token"), now: now) == nil)
        let changed = try #require(try await sessions.session(idHash: replacement.idHash, now: clock.read()))
        #expect(changed.user.passwordHash == Self.hash("z"))
        #expect(changed.user.passwordChangedAt == clock.read())
        #expect(try await sessions.session(idHash: KeyHashing.sha256Hex("other-token"), now: now) != nil, "another user's stays")
        await #expect(throws: RepositoryError.notFound) {
            try await users.changePassword(userId: "nobody", passwordHash: Self.hash("y"), replacement: replacement)
        }

        try await sessions.delete(idHash: replacement.idHash)
        #expect(try await sessions.session(idHash: replacement.idHash, now: clock.read()) == nil)
        try await sessions.delete(idHash: replacement.idHash)  // not an error
        try await sessions.create(Self.session("again-token", user: user.id, at: clock.read()))
        #expect(try await sessions.deleteAll(userId: user.id) == 1)
        #expect(try await sessions.deleteExpired(before: now.addingTimeInterval(3601)) == 1, "the other user's, expired")
        #expect(try await store.count("panel_sessions") == 0)
    }

    @Test(arguments: RepositoryBackend.all)
    func failedSignInsAreCountedByAddressAndAccount(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let attempts = store.repositories.loginAttempts
        let start = Date(timeIntervalSince1970: 1_750_000_000)
        for second in 0..<7 {
            try await attempts.recordFailure(address: "192.0.2.1", account: "a@example.com", at: start.addingTimeInterval(Double(second)))
        }
        try await attempts.recordFailure(address: "192.0.2.2", account: "a@example.com", at: start.addingTimeInterval(10))
        try await attempts.recordFailure(address: "192.0.2.1", account: "b@example.com", at: start.addingTimeInterval(11))

        let recent = try await attempts.recentFailures(address: "192.0.2.1", account: "a@example.com", since: start, limit: 5)
        // Newest first, at most 5, strictly after `since`.
        #expect(recent.byAddress == [11, 6, 5, 4, 3].map { start.addingTimeInterval($0) })
        #expect(recent.byAccount == [10, 6, 5, 4, 3].map { start.addingTimeInterval($0) })
        let none = try await attempts.recentFailures(address: "192.0.2.9", account: "c@example.com", since: start, limit: 5)
        #expect(none.byAddress.isEmpty && none.byAccount.isEmpty)
        #expect(try await attempts.prune(before: start.addingTimeInterval(6)) == 6)
        #expect(try await store.count("login_attempts") == 3)
        // An attempt recorded before its check, then forgotten (it succeeded).
        let id = try await attempts.recordFailure(address: "192.0.2.1", account: "a@example.com", at: start.addingTimeInterval(12))
        #expect(try await store.count("login_attempts") == 4)
        try await attempts.forget(id: id)
        #expect(try await store.count("login_attempts") == 3)
        #expect(try await attempts.recentFailures(address: "192.0.2.1", account: "x", since: start, limit: 5).byAddress.first
                == start.addingTimeInterval(11))
    }
}
