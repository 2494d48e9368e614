import Foundation

/// Sign-in throttling: after `maxFailures` failed sign-ins within `window` from one client address, or for one
/// account (the email typed, whether or not it exists), further sign-ins from that address or for that account are
/// refused with 429 until the oldest of those failures leaves the window. A refused attempt checks no password and
/// records nothing, so waiting always ends it. Failures live in the database, so every node counts the same ones.
struct LoginThrottle: Sendable {
    static let maxFailures = 5
    static let window: TimeInterval = 5 * 60

    let attempts: any LoginAttemptRepository

    /// Seconds until a sign-in from `address` for `account` is allowed again (at least 1), or nil when it is
    /// allowed now.
    func retryAfter(address: String, account: String, now: Date) async throws -> Int? {
        let recent = try await attempts.recentFailures(address: address, account: account,
                                                       since: now.addingTimeInterval(-Self.window), limit: Self.maxFailures)
        let waits = [recent.byAddress, recent.byAccount].compactMap { failures -> TimeInterval? in
            // Newest first: the last of `maxFailures` is the one whose expiry lets the next attempt in.
            guard failures.count >= Self.maxFailures else { return nil }
            return failures[Self.maxFailures - 1].addingTimeInterval(Self.window).timeIntervalSince(now)
        }
        guard let longest = waits.max() else { return nil }
        return max(1, Int(longest.rounded(.up)))
    }

    func recordFailure(address: String, account: String, now: Date) async throws {
        try await attempts.recordFailure(address: address, account: account, at: now)
    }

    /// The key a typed email is counted under.
    static func account(_ email: String) -> String {
        String(email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased().prefix(254))
    }
}
