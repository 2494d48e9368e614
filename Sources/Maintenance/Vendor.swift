import Events
import Foundation

/// A tradesperson or firm the booking loop offers jobs to. Row of `vendors`.
public struct Vendor: Codable, Sendable, Equatable, Identifiable {
    /// Lower-case UUID.
    public var id: String
    public var businessId: String
    /// How texts name them ("Acme Plumbing").
    public var name: String
    /// E.164; offers are texted here and replies are matched by it. Unique among the business's vendors.
    public var phone: String
    /// What they take on (at least one), in ``Trade`` declaration order.
    public var trades: [Trade]
    /// Postcodes, ZIP codes or their prefixes they cover, normalised (``Postcode/normalized(_:)``); an area covers
    /// every postcode it starts (``Postcode/area(_:covers:)``). Empty: no ticket is in their area.
    public var serviceAreas: [String]
    /// When they work, in the business's time zone; nil: any time.
    public var workingHours: VendorHours?
    /// Whether jobs go to them. A vendor that tickets refer to is deactivated rather than deleted.
    public var active: Bool
    /// They texted STOP: no text may go to them until they text START. Set by the SMS layer, never by the API.
    public var optedOut: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String = UUID().uuidString.lowercased(), businessId: String, name: String, phone: String,
                trades: [Trade], serviceAreas: [String], workingHours: VendorHours? = nil, active: Bool = true,
                optedOut: Bool = false, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.businessId = businessId
        self.name = name
        self.phone = phone
        self.trades = trades
        self.serviceAreas = serviceAreas
        self.workingHours = workingHours
        self.active = active
        self.optedOut = optedOut
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether the booking loop may offer `ticket` to this vendor: active, not opted out, takes the ticket's trade,
    /// and one of their areas covers its postcode (a ticket without a postcode is in nobody's area). Working hours
    /// decide *when* to offer, not whether.
    public func isCandidate(for ticket: Ticket) -> Bool {
        guard active, !optedOut, trades.contains(ticket.trade), let postcode = ticket.postcode else { return false }
        return serviceAreas.contains { Postcode.area($0, covers: postcode) }
    }

    /// The editable part of the vendor.
    public var profile: VendorProfile {
        get {
            VendorProfile(name: name, phone: phone, trades: trades, serviceAreas: serviceAreas, workingHours: workingHours,
                          active: active)
        }
        set {
            name = newValue.name
            phone = newValue.phone
            trades = newValue.trades
            serviceAreas = newValue.serviceAreas
            workingHours = newValue.workingHours
            active = newValue.active
        }
    }
}

/// What a client sets on a vendor (`POST`/`PATCH /v1/vendors`): everything but identity, opt-out and times.
public struct VendorProfile: Codable, Sendable, Equatable {
    public var name: String
    public var phone: String
    public var trades: [Trade]
    public var serviceAreas: [String]
    public var workingHours: VendorHours?
    public var active: Bool

    public init(name: String, phone: String, trades: [Trade], serviceAreas: [String], workingHours: VendorHours? = nil,
                active: Bool = true) {
        self.name = name
        self.phone = phone
        self.trades = trades
        self.serviceAreas = serviceAreas
        self.workingHours = workingHours
        self.active = active
    }

    public static let maxNameLength = 80
    public static let maxServiceAreas = 200

    /// This profile tidied (name trimmed; trades once each in declaration order; areas normalised, once each, in the
    /// order given) and checked.
    /// - Throws: ``TicketValidationError`` naming the first field that breaks a rule.
    public func validated() throws(TicketValidationError) -> VendorProfile {
        var profile = self
        profile.name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...Self.maxNameLength).contains(profile.name.count) else {
            throw TicketValidationError("name must be 1–\(Self.maxNameLength) characters")
        }
        guard E164.isValid(phone) else { throw TicketValidationError("phone must be E.164 (e.g. +15551234567)") }
        profile.trades = Trade.allCases.filter(trades.contains)
        guard !profile.trades.isEmpty else {
            throw TicketValidationError("trades must name at least one trade (\(Trade.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        var areas: [String] = []
        for raw in serviceAreas {
            guard let area = Postcode.normalized(raw) else {
                throw TicketValidationError(Postcode.rule("serviceAreas") + "; \"\(raw.prefix(20))\" is not")
            }
            if !areas.contains(area) { areas.append(area) }
        }
        guard areas.count <= Self.maxServiceAreas else {
            throw TicketValidationError("serviceAreas must hold at most \(Self.maxServiceAreas) areas")
        }
        profile.serviceAreas = areas
        try workingHours?.validate()
        return profile
    }
}
