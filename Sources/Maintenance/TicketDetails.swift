import Events
import Foundation

/// What a ticket says about the job, the part a client may edit (`PATCH /v1/tickets/{id}`): everything but its
/// identity, code, state, source, booking and times.
public struct TicketDetails: Codable, Sendable, Equatable {
    public var trade: Trade
    public var priority: TicketPriority
    public var problem: String
    public var propertyAddress: String
    public var unit: String?
    public var postcode: String?
    public var accessWindow: String?
    public var tenantName: String?
    public var tenantPhone: String?

    public init(trade: Trade, priority: TicketPriority, problem: String, propertyAddress: String, unit: String? = nil,
                postcode: String? = nil, accessWindow: String? = nil, tenantName: String? = nil,
                tenantPhone: String? = nil) {
        self.trade = trade
        self.priority = priority
        self.problem = problem
        self.propertyAddress = propertyAddress
        self.unit = unit
        self.postcode = postcode
        self.accessWindow = accessWindow
        self.tenantName = tenantName
        self.tenantPhone = tenantPhone
    }

    public static let maxProblemLength = 500
    public static let maxAddressLength = 200
    public static let maxUnitLength = 40
    public static let maxAccessWindowLength = 200
    public static let maxNameLength = 80

    /// These details tidied (text trimmed, blank optional text as nil, the postcode normalised) and checked.
    /// - Throws: ``TicketValidationError`` naming the first field that breaks a rule (its message starts with the
    ///   Swift field name, e.g. "tenantPhone must be E.164 (e.g. +15551234567)").
    public func validated() throws(TicketValidationError) -> TicketDetails {
        var details = self
        details.problem = problem.trimmingCharacters(in: .whitespacesAndNewlines)
        details.propertyAddress = propertyAddress.trimmingCharacters(in: .whitespacesAndNewlines)
        details.unit = Self.tidy(unit)
        details.accessWindow = Self.tidy(accessWindow)
        details.tenantName = Self.tidy(tenantName)
        details.tenantPhone = Self.tidy(tenantPhone)
        guard (1...Self.maxProblemLength).contains(details.problem.count) else {
            throw TicketValidationError("problem must be 1–\(Self.maxProblemLength) characters")
        }
        guard (1...Self.maxAddressLength).contains(details.propertyAddress.count) else {
            throw TicketValidationError("propertyAddress must be 1–\(Self.maxAddressLength) characters")
        }
        if let unit = details.unit, unit.count > Self.maxUnitLength {
            throw TicketValidationError("unit must be at most \(Self.maxUnitLength) characters")
        }
        if let raw = Self.tidy(postcode) {
            guard let normalized = Postcode.normalized(raw) else { throw TicketValidationError(Postcode.rule("postcode")) }
            details.postcode = normalized
        } else {
            details.postcode = nil
        }
        if let window = details.accessWindow, window.count > Self.maxAccessWindowLength {
            throw TicketValidationError("accessWindow must be at most \(Self.maxAccessWindowLength) characters")
        }
        if let name = details.tenantName, name.count > Self.maxNameLength {
            throw TicketValidationError("tenantName must be at most \(Self.maxNameLength) characters")
        }
        if let phone = details.tenantPhone, !E164.isValid(phone) {
            throw TicketValidationError("tenantPhone must be E.164 (e.g. +15551234567)")
        }
        return details
    }

    private static func tidy(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed
    }
}

extension Ticket {
    /// The editable part of the ticket.
    public var details: TicketDetails {
        get {
            TicketDetails(trade: trade, priority: priority, problem: problem, propertyAddress: propertyAddress, unit: unit,
                          postcode: postcode, accessWindow: accessWindow, tenantName: tenantName, tenantPhone: tenantPhone)
        }
        set {
            trade = newValue.trade
            priority = newValue.priority
            problem = newValue.problem
            propertyAddress = newValue.propertyAddress
            unit = newValue.unit
            postcode = newValue.postcode
            accessWindow = newValue.accessWindow
            tenantName = newValue.tenantName
            tenantPhone = newValue.tenantPhone
        }
    }
}

/// A ticket or vendor field that breaks a rule. The message starts with the Swift field name (`tenantPhone must …`),
/// which the API renames to its snake_case field.
public struct TicketValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Postcodes and ZIP codes as tickets and vendors' service areas store them.
public enum Postcode {
    /// Upper-case with spaces removed: "sw1a 1aa" → "SW1A1AA", " 60614 " → "60614", "60614-1234" stays. Nil when
    /// what is left is not 2–10 letters, digits and hyphens starting with a letter or digit.
    public static func normalized(_ raw: String) -> String? {
        let compact = raw.uppercased().filter { !$0.isWhitespace }
        guard (2...10).contains(compact.count), let first = compact.first, first != "-",
              compact.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        else { return nil }
        return compact
    }

    /// Whether the service area `area` covers the postcode `postcode` (both normalised): the same code, or a prefix of
    /// it — "SW1A" (a UK outward code) covers "SW1A1AA", "606" (a ZIP prefix) covers "60614".
    public static func area(_ area: String, covers postcode: String) -> Bool {
        postcode.hasPrefix(area)
    }

    static func rule(_ field: String) -> String {
        "\(field) must be a postcode or ZIP code: 2–10 letters, digits and hyphens (spaces are removed)"
    }
}
