import Foundation

enum TwilioTestData {
    /// `shared/data/twilio` beside the checkout (`$FRONTDESK_SHARED_DIR`, else `<root>/../shared`).
    static var directory: URL {
        let shared: URL
        if let dir = ProcessInfo.processInfo.environment["FRONTDESK_SHARED_DIR"], !dir.isEmpty {
            shared = dir.hasPrefix("/") ? URL(fileURLWithPath: dir) : ServerTestPaths.repoRoot.appendingPathComponent(dir)
        } else {
            shared = ServerTestPaths.repoRoot.deletingLastPathComponent().appendingPathComponent("shared")
        }
        return shared.appendingPathComponent("data/twilio", isDirectory: true)
    }
}
