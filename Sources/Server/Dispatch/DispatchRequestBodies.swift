import Foundation
import Maintenance

/// The body of `POST /v1/tickets` and `PATCH /v1/tickets/{id}`. Enumerations arrive as text so an unknown value is
/// a 422 that lists the allowed ones, not a decoding error.
struct TicketBody: Decodable {
    var trade: PatchField<String>
    var priority: PatchField<String>
    var problem: PatchField<String>
    var propertyAddress: PatchField<String>
    var unit: PatchField<String>
    var postcode: PatchField<String>
    var accessWindow: PatchField<String>
    var tenantName: PatchField<String>
    var tenantPhone: PatchField<String>

    static let fieldNames: Set<String> = ["trade", "priority", "problem", "property_address", "unit", "postcode",
                                          "access_window", "tenant_name", "tenant_phone"]

    enum CodingKeys: String, CodingKey {
        case trade, priority, problem, propertyAddress, unit, postcode, accessWindow, tenantName, tenantPhone
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        trade = try c.decodePatch(String.self, forKey: .trade)
        priority = try c.decodePatch(String.self, forKey: .priority)
        problem = try c.decodePatch(String.self, forKey: .problem)
        propertyAddress = try c.decodePatch(String.self, forKey: .propertyAddress)
        unit = try c.decodePatch(String.self, forKey: .unit)
        postcode = try c.decodePatch(String.self, forKey: .postcode)
        accessWindow = try c.decodePatch(String.self, forKey: .accessWindow)
        tenantName = try c.decodePatch(String.self, forKey: .tenantName)
        tenantPhone = try c.decodePatch(String.self, forKey: .tenantPhone)
    }

    /// The details of a new ticket. `trade`, `problem` and `property_address` are required; without `priority` the
    /// problem's words decide (`TicketPriority.inferred(fromProblem:)`).
    func details(defaultCountryCode: String?) throws -> TicketDetails {
        guard case .value(let tradeText) = trade else { throw RepositoryError.invalid("trade is required") }
        guard case .value(let problem) = problem else { throw RepositoryError.invalid("problem is required") }
        guard case .value(let address) = propertyAddress else { throw RepositoryError.invalid("propertyAddress is required") }
        let tradeValue = try Self.trade(tradeText)
        let priorityValue: TicketPriority
        switch priority {
        case .absent: priorityValue = .inferred(fromProblem: problem)
        case .null: throw RepositoryError.invalid("priority must not be null (leave it out to infer it from the problem)")
        case .value(let text): priorityValue = try Self.priority(text)
        }
        return TicketDetails(trade: tradeValue, priority: priorityValue, problem: problem, propertyAddress: address,
                             unit: unit.doubleOptional ?? nil, postcode: postcode.doubleOptional ?? nil,
                             accessWindow: accessWindow.doubleOptional ?? nil, tenantName: tenantName.doubleOptional ?? nil,
                             tenantPhone: try Self.phone(tenantPhone, defaultCountryCode: defaultCountryCode) ?? nil)
    }

    /// The patch this body asks for; required fields may not be null.
    func patch(defaultCountryCode: String?) throws -> TicketPatch {
        var patch = TicketPatch()
        patch.trade = try Self.required(trade, "trade").map(Self.trade)
        patch.priority = try Self.required(priority, "priority").map(Self.priority)
        patch.problem = try Self.required(problem, "problem")
        patch.propertyAddress = try Self.required(propertyAddress, "propertyAddress")
        patch.unit = unit.doubleOptional
        patch.postcode = postcode.doubleOptional
        patch.accessWindow = accessWindow.doubleOptional
        patch.tenantName = tenantName.doubleOptional
        patch.tenantPhone = try Self.phone(tenantPhone, defaultCountryCode: defaultCountryCode)
        return patch
    }

    static func trade(_ text: String) throws -> Trade {
        guard let trade = Trade(parsing: text) else {
            throw RepositoryError.invalid("trade must be one of \(Trade.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return trade
    }

    static func priority(_ text: String) throws -> TicketPriority {
        guard let priority = TicketPriority(parsing: text) else {
            throw RepositoryError.invalid("priority must be one of \(TicketPriority.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return priority
    }

    private static func required<T>(_ field: PatchField<T>, _ name: String) throws -> T? {
        switch field {
        case .absent: return nil
        case .null: throw RepositoryError.invalid("\(name) must not be null")
        case .value(let value): return value
        }
    }

    /// The tenant's phone as E.164 (a national number takes the business's country code), `.some(nil)` for null or
    /// blank, nil when absent.
    private static func phone(_ field: PatchField<String>, defaultCountryCode: String?) throws -> String?? {
        guard case .value(let raw) = field else { return field.doubleOptional }
        if raw.trimmingCharacters(in: .whitespaces).isEmpty { return .some(nil) }
        guard let normalized = PhoneNumber.normalized(raw, defaultCountryCode: defaultCountryCode) else {
            throw RepositoryError.invalid("tenantPhone must be E.164 (e.g. +15551234567); \"\(raw.prefix(40))\" is not a phone number")
        }
        return .some(normalized)
    }
}

/// The body of `POST /v1/tickets/{id}/cancel` and `/close`.
struct TicketReasonBody: Decodable {
    var reason: String?

    static let fieldNames: Set<String> = ["reason"]
}

/// The body of `POST /v1/vendors` and `PATCH /v1/vendors/{id}`.
struct VendorBody: Decodable {
    var name: PatchField<String>
    var phone: PatchField<String>
    var trades: PatchField<[String]>
    var serviceAreas: PatchField<[String]>
    var workingHours: PatchField<[String: VendorHours.Span]>
    var active: PatchField<Bool>

    static let fieldNames: Set<String> = ["name", "phone", "trades", "service_areas", "working_hours", "active"]

    enum CodingKeys: String, CodingKey { case name, phone, trades, serviceAreas, workingHours, active }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodePatch(String.self, forKey: .name)
        phone = try c.decodePatch(String.self, forKey: .phone)
        trades = try c.decodePatch([String].self, forKey: .trades)
        serviceAreas = try c.decodePatch([String].self, forKey: .serviceAreas)
        workingHours = try c.decodePatch([String: VendorHours.Span].self, forKey: .workingHours)
        active = try c.decodePatch(Bool.self, forKey: .active)
    }

    /// A new vendor's profile: name, phone and trades required; no service areas and no hours (any time) by default.
    func profile(defaultCountryCode: String?) throws -> VendorProfile {
        guard case .value(let name) = name else { throw RepositoryError.invalid("name is required") }
        guard case .value = phone else { throw RepositoryError.invalid("phone is required") }
        guard case .value(let trades) = trades else { throw RepositoryError.invalid("trades is required") }
        return VendorProfile(
            name: name, phone: try Self.phone(phone, defaultCountryCode: defaultCountryCode)!, trades: try Self.trades(trades),
            serviceAreas: serviceAreas.doubleOptional.flatMap { $0 } ?? [], workingHours: try Self.hours(workingHours) ?? nil,
            active: try Self.required(active, "active") ?? true)
    }

    /// The patch this body asks for; `working_hours: null` means any time.
    func patch(defaultCountryCode: String?) throws -> VendorPatch {
        var patch = VendorPatch()
        patch.name = try Self.required(name, "name")
        patch.phone = try Self.phone(phone, defaultCountryCode: defaultCountryCode)
        patch.trades = try Self.required(trades, "trades").map(Self.trades)
        patch.serviceAreas = try Self.required(serviceAreas, "serviceAreas")
        patch.workingHours = try Self.hours(workingHours)
        patch.active = try Self.required(active, "active")
        return patch
    }

    private static func trades(_ names: [String]) throws -> [Trade] {
        try names.map { name in
            guard let trade = Trade(parsing: name) else {
                throw RepositoryError.invalid("trades must each be one of \(Trade.allCases.map(\.rawValue).joined(separator: ", ")); \"\(name.prefix(20))\" is not")
            }
            return trade
        }
    }

    private static func hours(_ field: PatchField<[String: VendorHours.Span]>) throws -> VendorHours?? {
        guard case .value(let days) = field else { return field.doubleOptional.map { _ in nil } }
        var hours: [VendorHours.Day: VendorHours.Span] = [:]
        for (name, span) in days {
            guard let day = VendorHours.Day(rawValue: name.lowercased()) else {
                throw RepositoryError.invalid("workingHours must be keyed by weekday (monday … sunday); \"\(name.prefix(20))\" is not one")
            }
            hours[day] = span
        }
        return .some(VendorHours(hours))
    }

    private static func required<T>(_ field: PatchField<T>, _ name: String) throws -> T? {
        switch field {
        case .absent: return nil
        case .null: throw RepositoryError.invalid("\(name) must not be null")
        case .value(let value): return value
        }
    }

    private static func phone(_ field: PatchField<String>, defaultCountryCode: String?) throws -> String? {
        switch field {
        case .absent: return nil
        case .null: throw RepositoryError.invalid("phone must be E.164 (e.g. +15551234567), not null")
        case .value(let raw):
            guard let normalized = PhoneNumber.normalized(raw, defaultCountryCode: defaultCountryCode) else {
                throw RepositoryError.invalid("phone must be E.164 (e.g. +15551234567); \"\(raw.prefix(40))\" is not a phone number")
            }
            return normalized
        }
    }
}
