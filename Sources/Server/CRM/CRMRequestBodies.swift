import Foundation

/// A JSON field of a patch: absent (leave alone), null (clear) or a value.
enum PatchField<Value: Decodable & Sendable>: Sendable {
    case absent
    case null
    case value(Value)

    /// `.none` when absent, `.some(nil)` when null: the shape of the repository patches.
    var doubleOptional: Value?? {
        switch self {
        case .absent: .none
        case .null: .some(nil)
        case .value(let value): .some(value)
        }
    }
}

extension KeyedDecodingContainer {
    func decodePatch<Value: Decodable & Sendable>(_ type: Value.Type, forKey key: Key) throws -> PatchField<Value> {
        guard contains(key) else { return .absent }
        if try decodeNil(forKey: key) { return .null }
        return .value(try decode(type, forKey: key))
    }
}

/// The body of `POST /v1/customers` and `PATCH /v1/customers/{id}`.
struct CustomerBody: Decodable {
    var name: PatchField<String>
    var phone: PatchField<String>
    var email: PatchField<String>
    var address: PatchField<String>
    var notes: PatchField<String>
    var smsOptOut: PatchField<Bool>

    static let fieldNames: Set<String> = ["name", "phone", "email", "address", "notes", "sms_opt_out"]

    enum CodingKeys: String, CodingKey { case name, phone, email, address, notes, smsOptOut }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodePatch(String.self, forKey: .name)
        phone = try c.decodePatch(String.self, forKey: .phone)
        email = try c.decodePatch(String.self, forKey: .email)
        address = try c.decodePatch(String.self, forKey: .address)
        notes = try c.decodePatch(String.self, forKey: .notes)
        smsOptOut = try c.decodePatch(Bool.self, forKey: .smsOptOut)
    }

    /// The repository's fields; blank text counts as null, the phone is normalised to E.164.
    func fields(defaultCountryCode: String?) throws -> CustomerFields {
        func text(_ field: PatchField<String>) -> String?? {
            field.doubleOptional.map { value in
                value.flatMap { text in
                    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                    return trimmed.isEmpty ? nil : trimmed
                }
            }
        }
        var fields = CustomerFields(name: text(name), email: text(email), address: text(address), notes: text(notes))
        switch phone {
        case .absent: break
        case .null: throw RepositoryError.invalid("phone must be E.164 (e.g. +15551234567), not null")
        case .value(let raw):
            guard let normalized = PhoneNumber.normalized(raw, defaultCountryCode: defaultCountryCode) else {
                throw RepositoryError.invalid("phone must be E.164 (e.g. +15551234567); \"\(raw.prefix(40))\" is not a phone number")
            }
            fields.phone = normalized
        }
        switch smsOptOut {
        case .absent: break
        case .null: throw RepositoryError.invalid("smsOptOut must be true or false, not null")
        case .value(let value): fields.smsOptOut = value
        }
        return fields
    }
}

/// The body of `POST /v1/appointments` and `PATCH /v1/appointments/{id}`; times are parsed by the controller in
/// the business's time zone.
struct AppointmentBody: Decodable {
    var customerId: PatchField<String>
    var start: PatchField<String>
    var end: PatchField<String>
    var service: PatchField<String>
    var status: PatchField<AppointmentStatus>
    var isEmergency: PatchField<Bool>
    var notes: PatchField<String>
    var sourceCallSid: PatchField<String>

    static let createFieldNames: Set<String> = ["customer_id", "start", "end", "service", "status", "is_emergency", "notes", "source_call_sid"]
    static let patchFieldNames: Set<String> = ["start", "end", "service", "status", "is_emergency", "notes"]

    enum CodingKeys: String, CodingKey { case customerId, start, end, service, status, isEmergency, notes, sourceCallSid }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        customerId = try c.decodePatch(String.self, forKey: .customerId)
        start = try c.decodePatch(String.self, forKey: .start)
        end = try c.decodePatch(String.self, forKey: .end)
        service = try c.decodePatch(String.self, forKey: .service)
        status = try c.decodePatch(AppointmentStatus.self, forKey: .status)
        isEmergency = try c.decodePatch(Bool.self, forKey: .isEmergency)
        notes = try c.decodePatch(String.self, forKey: .notes)
        sourceCallSid = try c.decodePatch(String.self, forKey: .sourceCallSid)
    }

    /// The instant in `field`, nil when absent; throws `.invalid` naming `name` when null or unreadable.
    static func time(_ field: PatchField<String>, name: String, in timeZone: TimeZone) throws -> Date? {
        switch field {
        case .absent: return nil
        case .null: throw RepositoryError.invalid("\(name) must be a date-time, not null")
        case .value(let text):
            guard let date = LocalDateTime.parse(text, in: timeZone) else {
                throw RepositoryError.invalid("\(name) must be an ISO 8601 date-time (\"2025-06-03T09:00\" in the business's time zone, or with an offset) that exists in \(timeZone.identifier)")
            }
            return date
        }
    }
}
