import Foundation

/// Sign-in throttling: after `maxFailures` failed sign-ins within `window` from one client address, or for one
/// account (the email typed, whether or not it exists), further sign-ins from that address or for that account are
/// refused with 429 until the oldest of those failures leaves the window. A refused attempt checks no password and
/// leaves no record, so waiting always ends it. Failures live in the database, so every node counts the same ones.
///
/// Each attempt is recorded as a failure *before* its password is checked and removed again if it succeeds (or is
/// refused): concurrent attempts see each other, so firing many at once still gets at most `maxFailures` passwords
/// checked per window, where checking first and recording afterwards would let every attempt in flight through.
struct LoginThrottle: Sendable {
    static let maxFailures = 5
    static let window: TimeInterval = 5 * 60

    let attempts: any LoginAttemptRepository

    /// What `begin` decided.
    enum Decision: Sendable, Equatable {
        /// Check the password; report a success with `succeeded(_:)` (a failure needs nothing more).
        case allowed(attempt: Int64)
        /// Refused: seconds until an attempt can be allowed (at least 1).
        case refused(retryAfter: Int)
    }

    /// Records an attempt from `address` for `account` as a failure and decides whether it may go on.
    func begin(address: String, account: String, now: Date) async throws -> Decision {
        let attempt = try await attempts.recordFailure(address: address, account: account, at: now)
        let recent = try await attempts.recentFailures(address: address, account: account,
                                                       since: now.addingTimeInterval(-Self.window), limit: Self.maxFailures + 1)
        let waits = [recent.byAddress, recent.byAccount].compactMap { failures -> TimeInterval? in
            // Newest first, this attempt (at `now`) among the newest: the others are the rest. With `maxFailures`
            // others in the window, the oldest of them leaving it lets the next attempt in.
            let others = failures.dropFirst()
            guard others.count >= Self.maxFailures else { return nil }
            return others[others.startIndex + Self.maxFailures - 1].addingTimeInterval(Self.window).timeIntervalSince(now)
        }
        guard let longest = waits.max() else { return .allowed(attempt: attempt) }
        try await attempts.forget(id: attempt)
        return .refused(retryAfter: max(1, Int(longest.rounded(.up))))
    }

    /// The attempt's password was right: it was no failure.
    func succeeded(_ attempt: Int64) async throws {
        try await attempts.forget(id: attempt)
    }

    /// The key a typed email is counted under.
    static func account(_ email: String) -> String {
        String(email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased().prefix(254))
    }
}
