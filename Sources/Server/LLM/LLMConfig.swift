import Foundation

/// Where the OpenAI-compatible chat-completions server is (OpenAI, Ollama, llama.cpp, vLLM) and how long a phrasing
/// may take. The API key is never printed: `description` redacts it.
public struct LLMConfig: Sendable, Equatable, CustomStringConvertible {
    /// The API root, to which `/chat/completions` is appended, e.g. `http://127.0.0.1:11434/v1`.
    /// Env `FRONTDESK_LLM_BASE_URL`.
    public var baseURL: URL
    /// The model name sent in each request. Env `FRONTDESK_LLM_MODEL`; required with a base URL.
    public var model: String
    /// Sent as `Authorization: Bearer …` when set. Env `FRONTDESK_LLM_API_KEY`.
    public var apiKey: String?
    /// The whole request's deadline; past it the caller hears the extractive answer. Env
    /// `FRONTDESK_LLM_TIMEOUT_MS`, default 2000 ms (a caller waits on the line meanwhile).
    public var timeout: Duration

    public static let defaultTimeout = Duration.milliseconds(2000)

    public init(baseURL: URL, model: String, apiKey: String? = nil, timeout: Duration = LLMConfig.defaultTimeout) {
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
        self.timeout = timeout
    }

    /// Reads the `FRONTDESK_LLM_*` variables through `value` (which returns nil for unset or empty ones).
    /// Returns nil when no LLM is configured; throws when the settings are incomplete or invalid, including
    /// a model, key or timeout given without a base URL (which would otherwise be ignored in silence).
    init?(environment value: (String) -> String?) throws {
        guard let base = value("FRONTDESK_LLM_BASE_URL") else {
            for name in ["FRONTDESK_LLM_MODEL", "FRONTDESK_LLM_API_KEY", "FRONTDESK_LLM_TIMEOUT_MS"] where value(name) != nil {
                throw ConfigError(message: "\(name) is set but FRONTDESK_LLM_BASE_URL is not")
            }
            return nil
        }
        guard let url = URL(string: base), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty
        else {
            throw ConfigError(message: "FRONTDESK_LLM_BASE_URL must be an http(s) URL such as http://127.0.0.1:11434/v1, got \"\(base)\"")
        }
        guard let model = value("FRONTDESK_LLM_MODEL") else {
            throw ConfigError(message: "FRONTDESK_LLM_MODEL is required when FRONTDESK_LLM_BASE_URL is set")
        }
        var timeout = Self.defaultTimeout
        if let text = value("FRONTDESK_LLM_TIMEOUT_MS") {
            guard let milliseconds = Int(text), (1...600_000).contains(milliseconds) else {
                throw ConfigError(message: "FRONTDESK_LLM_TIMEOUT_MS must be 1–600000 milliseconds, got \"\(text)\"")
            }
            timeout = .milliseconds(milliseconds)
        }
        self.init(baseURL: url, model: model, apiKey: value("FRONTDESK_LLM_API_KEY"), timeout: timeout)
    }

    /// `{base}/chat/completions`, with one slash between.
    public var chatCompletionsURL: URL {
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return URL(string: base + "/chat/completions") ?? baseURL.appendingPathComponent("chat/completions")
    }

    public var description: String {
        "LLMConfig(baseURL: \(baseURL.absoluteString), model: \(model), apiKey: \(apiKey == nil ? "none" : "<redacted>"), timeout: \(timeout))"
    }
}
