import Foundation

/// Failed sign-ins, for throttling them (``LoginThrottle``) by client address and by account.
public protocol LoginAttemptRepository: Sendable {
    /// Records one failed sign-in from `address` for `account` (the email as typed, lower-cased; it need not exist).
    /// - Returns: the record's id, for `forget(id:)`.
    @discardableResult
    func recordFailure(address: String, account: String, at date: Date) async throws -> Int64

    /// Removes one record: an attempt recorded before its password was checked that turned out right, or refused.
    func forget(id: Int64) async throws

    /// The newest failures after `since` (one exactly at `since` has left the window), newest first, at most
    /// `limit` of each: from `address`, and for `account`.
    func recentFailures(address: String, account: String, since: Date, limit: Int) async throws
        -> (byAddress: [Date], byAccount: [Date])

    /// Forgets the failures before `date` (housekeeping); returns how many.
    @discardableResult
    func prune(before date: Date) async throws -> Int
}
