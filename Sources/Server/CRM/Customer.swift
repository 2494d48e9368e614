import Foundation

/// A business's customer, one per phone number. Row of `customers`.
public struct Customer: Codable, Sendable, Equatable, Identifiable {
    /// Lower-case UUID.
    public var id: String
    public var businessId: String
    public var name: String?
    /// E.164; unique within the business.
    public var phone: String
    public var email: String?
    public var address: String?
    public var notes: String?
    /// The customer texted STOP (or Twilio reported them unsubscribed): no customer-facing texts.
    public var smsOptOut: Bool
    public var smsOptOutAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String = UUID().uuidString.lowercased(), businessId: String, name: String? = nil, phone: String,
        email: String? = nil, address: String? = nil, notes: String? = nil, smsOptOut: Bool = false,
        smsOptOutAt: Date? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.businessId = businessId
        self.name = name
        self.phone = phone
        self.email = email
        self.address = address
        self.notes = notes
        self.smsOptOut = smsOptOut
        self.smsOptOutAt = smsOptOutAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Longest name, email, address; longest notes.
    static let maxFieldLength = 500
    static let maxNotesLength = 10_000

    /// Throws `RepositoryError.invalid` naming the first field that breaks a rule (phone must already be E.164).
    func validate() throws {
        guard PhoneNumber.isE164(phone) else {
            throw RepositoryError.invalid("phone must be E.164 (e.g. +15551234567)")
        }
        for (field, value) in [("name", name), ("email", email), ("address", address)] {
            if let value, value.count > Self.maxFieldLength {
                throw RepositoryError.invalid("\(field) must be at most \(Self.maxFieldLength) characters")
            }
        }
        if let email, !Self.looksLikeEmail(email) {
            throw RepositoryError.invalid("email must look like name@example.com")
        }
        if let notes, notes.count > Self.maxNotesLength {
            throw RepositoryError.invalid("notes must be at most \(Self.maxNotesLength) characters")
        }
    }

    /// One "@" with text on both sides and a dot in the domain; no spaces. (Deliverability is not ours to check.)
    static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
              !parts[1].hasSuffix("."), !text.contains(where: \.isWhitespace)
        else { return false }
        return true
    }
}

/// The fields a client sets on a customer. For a patch, nil leaves a field alone and `.some(nil)` clears it.
public struct CustomerFields: Sendable, Equatable {
    public var name: String??
    /// Already normalised to E.164 by the caller.
    public var phone: String?
    public var email: String??
    public var address: String??
    public var notes: String??
    public var smsOptOut: Bool?

    public init(name: String?? = nil, phone: String? = nil, email: String?? = nil, address: String?? = nil,
                notes: String?? = nil, smsOptOut: Bool? = nil) {
        self.name = name
        self.phone = phone
        self.email = email
        self.address = address
        self.notes = notes
        self.smsOptOut = smsOptOut
    }

    /// `customer` with these fields applied.
    func applied(to customer: Customer, at timestamp: Date) -> Customer {
        var updated = customer
        if let name { updated.name = name }
        if let phone { updated.phone = phone }
        if let email { updated.email = email }
        if let address { updated.address = address }
        if let notes { updated.notes = notes }
        if let smsOptOut, smsOptOut != customer.smsOptOut {
            updated.smsOptOut = smsOptOut
            updated.smsOptOutAt = smsOptOut ? timestamp : nil
        }
        updated.updatedAt = timestamp
        return updated
    }
}
