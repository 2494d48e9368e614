import Events
import Foundation

/// A vendor was added (`vendor.added`), changed (`vendor.changed`: profile, deactivation, opt-out) or deleted
/// (`vendor.removed`), on the vendor's stream `vendor:<id>`: the vendor as it is after the change (as it was, for a
/// removal).
public struct VendorRecorded: EventPayload {
    public static let type = EventType.vendorAdded
    public static let types: Set<EventType> = [.vendorAdded, .vendorChanged, .vendorRemoved]
    public var vendorId: String
    public var name: String
    public var phone: String
    public var trades: [Trade]
    public var serviceAreas: [String]
    /// Absent: any time.
    public var workingHours: VendorHours?
    public var active: Bool
    public var optedOut: Bool

    public init(_ vendor: Vendor) {
        vendorId = vendor.id
        name = vendor.name
        phone = vendor.phone
        trades = vendor.trades
        serviceAreas = vendor.serviceAreas
        workingHours = vendor.workingHours
        active = vendor.active
        optedOut = vendor.optedOut
    }
}
