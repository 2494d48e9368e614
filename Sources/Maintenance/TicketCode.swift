import Foundation

/// The 4-character job codes vendors and tenants text back ("YES K7Q2").
///
/// A code is 4 characters of ``DispatchReply/codeAlphabet`` (`23456789ABCDEFGHJKMNPQRSTUVWXYZ`: no 0/O, 1/I or L,
/// which are misread), 31⁴ = 923,521 of them, never one of ``DispatchReply/wordsNeverCodes`` (`SURE`, `THEN`,
/// `YEAH`, `PASS`, … — words a reply may hold that the parser never reads as a code, so a job with such a code could
/// never be answered), and unique among a business's open tickets (the store passes the open codes it holds).
public enum TicketCode {
    /// The code alphabet, in a fixed order (so a seeded generator gives the same codes everywhere).
    public static let alphabet: [Character] = DispatchReply.codeAlphabet.sorted()

    /// Whether `code` (upper-case) may be issued: well-formed and not a word replies use.
    public static func isIssuable(_ code: String) -> Bool {
        DispatchReply.isCode(code) && !DispatchReply.wordsNeverCodes.contains(code)
    }

    /// A random issuable code that is not in `taken` (the business's open codes).
    ///
    /// Draws until one fits; with 923,521 codes and a business's open tickets in the hundreds at most, that is
    /// almost always the first draw. Gives up (nil) only if `maxDraws` draws all missed, which means the business
    /// holds a good part of the whole code space open.
    public static func make(avoiding taken: Set<String>, maxDraws: Int = 1_000,
                            using generator: inout some RandomNumberGenerator) -> String? {
        for _ in 0..<maxDraws {
            let code = String((0..<DispatchReply.codeLength).map { _ in alphabet.randomElement(using: &generator)! })
            if isIssuable(code), !taken.contains(code) { return code }
        }
        return nil
    }

    /// ``make(avoiding:maxDraws:using:)`` with the system's random numbers.
    public static func make(avoiding taken: Set<String>) -> String? {
        var generator = SystemRandomNumberGenerator()
        return make(avoiding: taken, using: &generator)
    }
}
