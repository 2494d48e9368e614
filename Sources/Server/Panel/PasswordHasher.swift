import Foundation
import HTTPTypes
import HummingbirdBcrypt
import NIOPosix
import Synchronization

/// Hashes and checks the panel's passwords with bcrypt (hummingbird-auth's `Bcrypt`), on NIO's blocking thread pool:
/// a hash at cost 12 takes about a quarter of a second of CPU, which must not hold a thread of the cooperative pool
/// that serves every other request.
public struct PasswordHasher: Sendable {
    /// log₂ of bcrypt's rounds for new hashes (a stored hash carries its own cost, so raising it later only affects
    /// new passwords).
    public let cost: UInt8

    /// Password rules: at least 10 characters, at most 72 bytes of UTF-8 — bcrypt reads no further, so a longer
    /// password would be silently cut rather than checked in full.
    public static let minimumCharacters = 10
    public static let maximumBytes = 72

    /// Characters of a generated password: 20 base62 characters ≈ 119 bits.
    static let generatedLength = 20

    /// A hash of a random password at `cost`, made on first need (shared by copies of this value).
    private let dummy = DummyHash()

    public init(cost: UInt8) {
        precondition((4...31).contains(cost), "bcrypt cost must be 4–31")
        self.cost = cost
    }

    /// Why a password is refused, in words for the person choosing it; nil when it is acceptable.
    public static func problem(with password: String) -> String? {
        if password.count < minimumCharacters { return "the password must be at least \(minimumCharacters) characters" }
        if password.utf8.count > maximumBytes { return "the password must be at most \(maximumBytes) bytes (bcrypt reads no further)" }
        return nil
    }

    /// A new random password for a user created without one: shown once, never stored.
    public static func generate() -> String {
        String(SecretKeyGenerator.make(prefix: "").prefix(generatedLength))
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` is the one `hash` was made from.
    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// Checks `password` against `user`'s hash; for no user (an unknown email) checks it against a hash of the same
    /// cost anyway and answers false, so the time taken does not tell whether the email has an account.
    func verify(_ password: String, for user: PanelUser?) async throws -> Bool {
        guard let user else {
            _ = try await verify(password, hash: try await dummyHash())
            return false
        }
        return try await verify(password, hash: user.passwordHash)
    }

    private func dummyHash() async throws -> String {
        if let made = dummy.value.withLock({ $0 }) { return made }
        let made = try await hash(Self.generate())
        return dummy.value.withLock { stored in
            if let stored { return stored }
            stored = made
            return made
        }
    }

    private final class DummyHash: Sendable {
        let value = Mutex<String?>(nil)
    }
}
