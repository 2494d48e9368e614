import Crypto

/// Hashing and comparison of bearer secrets (tenant API keys, the admin key).
///
/// Only the SHA-256 of a key is stored. A plain (unsalted, fast) hash is enough here because every key FrontDesk
/// issues carries ~190 bits of randomness, so there is nothing to brute-force, and a deterministic hash lets a
/// presented key be looked up by an index instead of being compared against every stored key.
public enum KeyHashing {
    /// Lower-case hex SHA-256 of the key's UTF-8 bytes (64 characters).
    public static func sha256Hex(_ key: String) -> String {
        let digest = SHA256.hash(data: Array(key.utf8))
        var hex = ""
        hex.reserveCapacity(SHA256.byteCount * 2)
        for byte in digest {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0f)])
        }
        return hex
    }

    /// Compares two byte sequences in time that depends only on their lengths, never on where they first differ,
    /// so a caller timing the answer learns nothing about a stored secret. Lengths are not secret (a hash's
    /// length is public), so unequal lengths return `false` at once.
    public static func constantTimeEquals<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) {
            difference |= x ^ y
        }
        return difference == 0
    }

    /// `constantTimeEquals` over the UTF-8 bytes of two strings (for hex digests).
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        constantTimeEquals(Array(a.utf8), Array(b.utf8))
    }

    private static let hexDigits: [Character] = Array("0123456789abcdef")
}
