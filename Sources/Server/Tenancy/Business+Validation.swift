import Foundation

extension Business {
    /// Whether `slug` matches `^[a-z0-9-]{2,63}$`.
    public static func isValidSlug(_ slug: String) -> Bool {
        let utf8 = slug.utf8
        guard (2...63).contains(utf8.count) else { return false }
        return utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-")
        }
    }

    /// Whether `identifier` names a time zone this system knows (IANA names such as "Europe/Berlin").
    public static func isValidTimeZone(_ identifier: String) -> Bool {
        !identifier.isEmpty && TimeZone(identifier: identifier) != nil
    }

    /// Throws `RepositoryError.invalid` naming the first rule the business breaks.
    func validate() throws {
        guard Self.isValidSlug(slug) else {
            throw RepositoryError.invalid("slug must match ^[a-z0-9-]{2,63}$")
        }
        guard !name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw RepositoryError.invalid("name must not be empty")
        }
        guard Self.isValidTimeZone(timeZone) else {
            throw RepositoryError.invalid("timeZone \"\(timeZone)\" is not a known IANA time zone")
        }
        try settings.validate()
    }

    /// The numbers, each checked for E.164, with duplicates removed (first occurrence kept).
    static func validatedNumbers(_ numbers: [String]) throws -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for number in numbers {
            guard PhoneNumber.isE164(number) else {
                throw RepositoryError.invalid("number \"\(number)\" must be E.164 (e.g. +15551234567)")
            }
            if seen.insert(number).inserted { result.append(number) }
        }
        return result
    }
}
