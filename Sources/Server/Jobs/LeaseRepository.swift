import Foundation

/// Named leases: work that must run on exactly one node at a time (periodic work, the event consumers) runs only
/// on the node holding its lease, and keeps renewing it while it runs. A node that dies stops renewing, and once
/// the lease expires the next node to ask takes it over.
///
/// Times are passed in (`now`), never read from a clock here, so tests drive them. With several nodes, each
/// passes its own clock: keep the nodes' clocks in step (NTP) to well within `ttl`.
public protocol LeaseRepository: Sendable {
    /// Takes or renews the lease `name` for `holder` until `now + ttl`.
    /// - Returns: true when `holder` now holds it: it was free, it had expired, or `holder` already held it (then
    ///   it is renewed); false while another holder's lease runs.
    /// - Throws: `RepositoryError.invalid` for an empty `name` or `holder`, or a `ttl` that is not positive.
    func acquire(name: String, holder: String, ttl: Duration, now: Date) async throws -> Bool

    /// Gives the lease up at once (a node shutting down), so the next node need not wait for it to expire. Does
    /// nothing unless `holder` holds it.
    func release(name: String, holder: String) async throws
}

extension LeaseRepository {
    /// The checks every backend makes before `acquire`; returns `ttl` in seconds.
    static func validatedSeconds(name: String, holder: String, ttl: Duration) throws -> TimeInterval {
        guard !name.isEmpty else { throw RepositoryError.invalid("a lease needs a name") }
        guard !holder.isEmpty else { throw RepositoryError.invalid("a lease needs a holder") }
        let seconds = Double(ttl.components.seconds) + Double(ttl.components.attoseconds) / 1e18
        guard seconds > 0 else { throw RepositoryError.invalid("a lease's ttl must be positive") }
        return seconds
    }
}
