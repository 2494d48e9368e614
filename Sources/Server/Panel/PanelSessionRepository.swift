import Foundation

/// Storage of signed-in browsers. Dates are passed in: ``PanelSessions`` owns the clock and the expiry rules.
public protocol PanelSessionRepository: Sendable {
    func create(_ session: PanelSession) async throws

    /// The session whose token hashes to `idHash`, with its user, if it has not expired at `now`.
    func session(idHash: String, now: Date) async throws -> (session: PanelSession, user: PanelUser)?

    /// Records activity: a new `lastSeenAt` and expiry.
    func touch(idHash: String, lastSeenAt: Date, expiresAt: Date) async throws

    /// Ends one session (sign out). Ending one that does not exist is not an error.
    func delete(idHash: String) async throws

    /// Ends every session of the user; returns how many there were.
    @discardableResult
    func deleteAll(userId: String) async throws -> Int

    /// Deletes the sessions that expired before `date` (housekeeping); returns how many.
    @discardableResult
    func deleteExpired(before date: Date) async throws -> Int
}
