/// Makes bearer keys: a fixed, greppable prefix (`fd_live_`, `fd_admin_`) followed by random base62 characters.
public enum SecretKeyGenerator {
    /// Prefix of tenant API keys.
    public static let apiKeyPrefix = "fd_live_"
    /// Prefix of generated admin keys.
    public static let adminKeyPrefix = "fd_admin_"
    /// Random characters after the prefix: 32 × log2(62) ≈ 190 bits.
    public static let randomLength = 32

    private static let alphabet: [Character] =
        Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// A new key: `prefix` + `randomLength` base62 characters drawn from the system CSPRNG.
    /// `Int.random(in:using:)` rejects out-of-range draws, so every character is uniform (no modulo bias).
    public static func make(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        var key = prefix
        key.reserveCapacity(prefix.count + randomLength)
        for _ in 0..<randomLength {
            key.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)])
        }
        return key
    }

    /// Whether `key` has the shape of a tenant API key (cheap pre-check before hashing and a lookup).
    public static func looksLikeAPIKey(_ key: String) -> Bool {
        guard key.hasPrefix(apiKeyPrefix), key.utf8.count == apiKeyPrefix.utf8.count + randomLength else {
            return false
        }
        return key.utf8.dropFirst(apiKeyPrefix.utf8.count).allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
        }
    }
}
