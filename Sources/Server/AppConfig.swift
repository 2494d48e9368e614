import Foundation

/// Everything `frontdesk serve` and the tests configure, with defaults. Filled in one place:
/// flags (the `serve` command) > environment (`init(environment:)`) > the defaults below.
public struct AppConfig: Sendable {
    /// Address to listen on. Env `FRONTDESK_HOST`.
    public var host = "127.0.0.1"
    /// TCP port; 0 picks a free one. Env `FRONTDESK_PORT`.
    public var port = 8080
    /// Directory holding model.safetensors, vocab.txt and config.json. Env `FRONTDESK_MODEL_DIR`.
    public var modelDirectory = ".models/all-MiniLM-L6-v2"

    public init() {}

    /// Defaults overridden by the `FRONTDESK_*` variables that are set and not empty.
    public init(environment: [String: String]) throws {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let host = value("FRONTDESK_HOST") { self.host = host }
        if let port = value("FRONTDESK_PORT") {
            guard let number = Int(port), (0...65535).contains(number) else {
                throw ConfigError(message: "FRONTDESK_PORT must be a port number 0–65535, got \"\(port)\"")
            }
            self.port = number
        }
        if let directory = value("FRONTDESK_MODEL_DIR") { modelDirectory = directory }
    }
}

/// A configuration value that cannot be used; the message names the setting.
public struct ConfigError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
