import Foundation
import Maintenance

/// Which vendors a listing returns.
public struct VendorFilter: Sendable, Equatable {
    /// Only vendors who take this trade.
    public var trade: Trade?
    /// Only active (true) or inactive (false) vendors.
    public var active: Bool?

    public init(trade: Trade? = nil, active: Bool? = nil) {
        self.trade = trade
        self.active = active
    }
}

/// What a client may change on a vendor: nil leaves a field alone; `workingHours: .some(nil)` means any time.
public struct VendorPatch: Sendable, Equatable {
    public var name: String?
    public var phone: String?
    public var trades: [Trade]?
    public var serviceAreas: [String]?
    public var workingHours: VendorHours??
    public var active: Bool?

    public init(name: String? = nil, phone: String? = nil, trades: [Trade]? = nil, serviceAreas: [String]? = nil,
                workingHours: VendorHours?? = nil, active: Bool? = nil) {
        self.name = name
        self.phone = phone
        self.trades = trades
        self.serviceAreas = serviceAreas
        self.workingHours = workingHours
        self.active = active
    }

    /// `vendor` with this patch applied and validated at `timestamp`; nil when nothing changes.
    func applied(to vendor: Vendor, at timestamp: Date) throws -> Vendor? {
        var profile = vendor.profile
        if let name { profile.name = name }
        if let phone { profile.phone = phone }
        if let trades { profile.trades = trades }
        if let serviceAreas { profile.serviceAreas = serviceAreas }
        if let workingHours { profile.workingHours = workingHours }
        if let active { profile.active = active }
        profile = try validatingTicket { try profile.validated() }
        guard profile != vendor.profile else { return nil }
        var updated = vendor
        updated.profile = profile
        updated.updatedAt = timestamp
        return updated
    }
}

/// What `VendorRepository.remove` did.
public enum VendorRemoval: Sendable, Equatable {
    /// The vendor is gone (no ticket referred to them).
    case deleted
    /// Tickets refer to the vendor, so they are kept, inactive: the history of who did which job stays whole.
    case deactivated(Vendor)
}

/// Storage of the vendors the booking loop offers jobs to. Every write appends `vendor.added`, `vendor.changed` or
/// `vendor.removed` to `vendor:<id>` in its transaction.
///
/// Errors: `RepositoryError.notFound` for an unknown (or another business's) vendor, `.invalid` for bad fields,
/// `.conflict` when the business already has a vendor with that phone.
public protocol VendorRepository: Sendable {
    func create(businessId: String, _ profile: VendorProfile) async throws -> Vendor
    func get(id: String, businessId: String) async throws -> Vendor?
    /// The business's vendor with this phone (E.164), if any: how replies find their vendor.
    func vendor(phone: String, businessId: String) async throws -> Vendor?
    /// Vendors in creation order (then id), paginated.
    func list(businessId: String, filter: VendorFilter, limit: Int, cursor: String?) async throws -> Page<Vendor>
    /// Applies `patch`; appends `vendor.changed` only when something changed.
    func update(id: String, businessId: String, _ patch: VendorPatch) async throws -> Vendor
    /// Deletes the vendor, or deactivates them when a ticket refers to them.
    func remove(id: String, businessId: String) async throws -> VendorRemoval
}
