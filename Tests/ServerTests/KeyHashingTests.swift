import Testing
@testable import Server

@Suite struct KeyHashingTests {
    @Test func sha256HexMatchesKnownDigest() {
        #expect(KeyHashing.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(KeyHashing.sha256Hex("").count == 64)
    }

    @Test func constantTimeEquals() {
        #expect(KeyHashing.constantTimeEquals("abcd", "abcd"))
        #expect(!KeyHashing.constantTimeEquals("abcd", "abce"))
        #expect(!KeyHashing.constantTimeEquals("abcd", "abc"))
        #expect(KeyHashing.constantTimeEquals([UInt8](), [UInt8]()))
        #expect(!KeyHashing.constantTimeEquals([1, 2, 3] as [UInt8], [1, 2, 4] as [UInt8]))
    }

    @Test func generatedKeysHaveTheDocumentedShape() {
        let keys = (0..<50).map { _ in SecretKeyGenerator.make(prefix: SecretKeyGenerator.apiKeyPrefix) }
        #expect(Set(keys).count == keys.count)
        for key in keys {
            #expect(key.count == 40)
            #expect(SecretKeyGenerator.looksLikeAPIKey(key))
        }
        #expect(!SecretKeyGenerator.looksLikeAPIKey("fd_live_short"))
        #expect(!SecretKeyGenerator.looksLikeAPIKey("fd_live_" + String(repeating: "-", count: 32)))
        #expect(!SecretKeyGenerator.looksLikeAPIKey("fd_test_" + String(repeating: "a", count: 32)))
    }
}
