import Foundation

/// The GSM 03.38 7-bit SMS alphabet: what fits in one 160-character text.
///
/// A text made only of these characters is sent in septets: 160 per single SMS, 153 per part of a longer one. One
/// character outside it (an en dash, a curly apostrophe, an emoji) switches the whole text to UCS-2: 70 per single
/// SMS, 67 per part — "2–6pm" with an en dash more than doubles the cost of an offer. ``sanitized(_:)`` replaces
/// the usual typographic look-alikes with their ASCII forms.
public enum GSM7 {
    /// The basic character set (one septet each).
    static let basic: Set<Character> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
            + "abcdefghijklmnopqrstuvwxyzäöñüà")
    /// The extension table (an escape and the character: two septets each).
    static let extended: Set<Character> = ["^", "{", "}", "\\", "[", "~", "]", "|", "€", "\u{000C}"]

    /// Whether every character of `text` can be sent in GSM-7.
    public static func isEncodable(_ text: String) -> Bool {
        text.allSatisfy { basic.contains($0) || extended.contains($0) }
    }

    /// Septets `text` takes in GSM-7 (extension characters count 2), or nil when it is not GSM-7.
    public static func septets(_ text: String) -> Int? {
        var count = 0
        for character in text {
            if basic.contains(character) { count += 1 } else if extended.contains(character) { count += 2 } else { return nil }
        }
        return count
    }

    /// How many SMS parts `text` is sent as: GSM-7 160 single / 153 per part, else UCS-2 70 / 67 (UTF-16 units).
    public static func segments(_ text: String) -> Int {
        if let septets = septets(text) { return septets <= 160 ? 1 : (septets + 152) / 153 }
        let units = text.utf16.count
        return units <= 70 ? 1 : (units + 66) / 67
    }

    /// `text` with typographic characters replaced by GSM-7 ones: curly quotes → straight, en/em dashes → "-",
    /// "…" → "...", non-breaking and other spaces → " ", tabs → " ". Anything else is kept (an emoji in a tenant's
    /// words still forces UCS-2; words are not dropped).
    public static func sanitized(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "\u{2018}", "\u{2019}", "\u{201A}", "\u{2032}", "`", "´": out.append("'")
            case "\u{201C}", "\u{201D}", "\u{201E}", "\u{2033}": out.append("\"")
            case "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}", "\u{2015}", "\u{2212}": out.append("-")
            case "\u{2026}": out.append("...")
            case "\u{2022}", "\u{00B7}": out.append("-")
            case "\t", "\u{00A0}", "\u{2002}", "\u{2003}", "\u{2009}", "\u{202F}": out.append(" ")
            default: out.append(character)
            }
        }
        return out
    }
}
