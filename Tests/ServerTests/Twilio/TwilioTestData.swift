import Foundation
import Testing

/// Twilio's reference files, copied into this test target's bundle (`Tests/ServerTests/Fixtures`, sources in its
/// README.md) so the tests run from a bare clone.
enum TwilioTestData {
    static func url(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"),
                     "\(name).json is missing from the ServerTests bundle (Tests/ServerTests/Fixtures)")
    }
}
