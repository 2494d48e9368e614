import Foundation

/// E.164 phone numbers: "+", a non-zero country digit, then 6–14 more digits (`^\+[1-9][0-9]{6,14}$`). Here, in the
/// lowest pure module, so that the server (`PhoneNumber.isE164`) and the pure modules (landlord contacts, vendors,
/// tickets) check numbers by one rule.
public enum E164 {
    public static func isValid(_ number: String) -> Bool {
        let utf8 = Array(number.utf8)
        guard (8...16).contains(utf8.count), utf8[0] == UInt8(ascii: "+"),
              utf8[1] >= UInt8(ascii: "1"), utf8[1] <= UInt8(ascii: "9")
        else { return false }
        return utf8.dropFirst(2).allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
