import Foundation
import Testing
@testable import Server

@Suite struct AppConfigTests {
    @Test func twilioDefaults() throws {
        let config = try AppConfig(environment: [:])
        #expect(config.twilioAuthToken == nil)
        #expect(config.twilioVerify == true)
        #expect(config.llm == nil)
        #expect(AppConfig().twilioVerify == true)
    }

    @Test func twilioSettingsFromEnvironment() throws {
        let config = try AppConfig(environment: ["FRONTDESK_TWILIO_AUTH_TOKEN": "tok", "FRONTDESK_TWILIO_VERIFY": "off"])
        #expect(config.twilioAuthToken == "tok")
        #expect(config.twilioVerify == false)
        #expect(try AppConfig(environment: ["FRONTDESK_TWILIO_VERIFY": "on"]).twilioVerify == true)
        // Empty means unset, like every FRONTDESK_* variable.
        #expect(try AppConfig(environment: ["FRONTDESK_TWILIO_VERIFY": "", "FRONTDESK_TWILIO_AUTH_TOKEN": ""]).twilioVerify == true)
        #expect(try AppConfig(environment: ["FRONTDESK_TWILIO_AUTH_TOKEN": ""]).twilioAuthToken == nil)
    }

    @Test(arguments: ["false", "0", "no", "OFF", "On", "true", "1", " off"])
    func twilioVerifyAcceptsOnlyOnOrOff(_ value: String) {
        #expect(throws: ConfigError.self) { try AppConfig(environment: ["FRONTDESK_TWILIO_VERIFY": value]) }
    }

    @Test func twilioMessagingFromEnvironment() throws {
        let defaults = AppConfig()
        #expect(defaults.twilioAccountSid == nil)
        #expect(defaults.twilioAPIBaseURL == "https://api.twilio.com")
        let config = try AppConfig(environment: [
            "FRONTDESK_TWILIO_ACCOUNT_SID": "AC0123456789abcdef0123456789ABCDEF",
            "FRONTDESK_TWILIO_API_BASE_URL": "http://127.0.0.1:9999",
        ])
        #expect(config.twilioAccountSid == "AC0123456789abcdef0123456789ABCDEF")
        #expect(config.twilioAPIBaseURL == "http://127.0.0.1:9999")
        #expect(try AppConfig(environment: ["FRONTDESK_TWILIO_ACCOUNT_SID": ""]).twilioAccountSid == nil)
    }

    @Test(arguments: [
        ("FRONTDESK_TWILIO_ACCOUNT_SID", "AC123"), ("FRONTDESK_TWILIO_ACCOUNT_SID", "SK0123456789abcdef0123456789abcdef"),
        ("FRONTDESK_TWILIO_ACCOUNT_SID", "AC0123456789abcdef0123456789abcdeg"),
        ("FRONTDESK_TWILIO_API_BASE_URL", "api.twilio.com"), ("FRONTDESK_TWILIO_API_BASE_URL", "ftp://api.twilio.com"),
    ])
    func badTwilioMessagingSettingsAreRefused(name: String, value: String) {
        #expect(throws: ConfigError.self) { try AppConfig(environment: [name: value]) }
    }

    @Test func outboundPacingFromEnvironment() throws {
        #expect(try AppConfig(environment: [:]).outboundLimits == OutboundLimits(callsPerSecond: 1, maxConcurrentCalls: 10))
        let config = try AppConfig(environment: [
            "FRONTDESK_OUTBOUND_CALLS_PER_SECOND": "2.5", "FRONTDESK_OUTBOUND_MAX_CONCURRENT_CALLS": "40",
        ])
        #expect(config.outboundLimits == OutboundLimits(callsPerSecond: 2.5, maxConcurrentCalls: 40))
    }

    @Test(arguments: [
        ("FRONTDESK_OUTBOUND_CALLS_PER_SECOND", "0"), ("FRONTDESK_OUTBOUND_CALLS_PER_SECOND", "fast"),
        ("FRONTDESK_OUTBOUND_CALLS_PER_SECOND", "101"), ("FRONTDESK_OUTBOUND_CALLS_PER_SECOND", "nan"),
        ("FRONTDESK_OUTBOUND_MAX_CONCURRENT_CALLS", "0"), ("FRONTDESK_OUTBOUND_MAX_CONCURRENT_CALLS", "2.5"),
    ])
    func badOutboundPacingIsRefused(name: String, value: String) {
        #expect(throws: ConfigError.self) { try AppConfig(environment: [name: value]) }
    }

    @Test func llmFromEnvironment() throws {
        let config = try AppConfig(environment: [
            "FRONTDESK_LLM_BASE_URL": "http://127.0.0.1:11434/v1", "FRONTDESK_LLM_MODEL": "llama3.2:1b",
        ])
        let llm = try #require(config.llm)
        #expect(llm.baseURL.absoluteString == "http://127.0.0.1:11434/v1")
        #expect(llm.model == "llama3.2:1b")
        #expect(llm.apiKey == nil)
        #expect(llm.timeout == .milliseconds(2000))
        #expect(llm.chatCompletionsURL.absoluteString == "http://127.0.0.1:11434/v1/chat/completions")

        let full = try #require(try AppConfig(environment: [
            "FRONTDESK_LLM_BASE_URL": "https://api.openai.com/v1/", "FRONTDESK_LLM_MODEL": "gpt-4o-mini",
            "FRONTDESK_LLM_API_KEY": "sk-secret-123", "FRONTDESK_LLM_TIMEOUT_MS": "3500",
        ]).llm)
        #expect(full.apiKey == "sk-secret-123")
        #expect(full.timeout == .milliseconds(3500))
        #expect(full.chatCompletionsURL.absoluteString == "https://api.openai.com/v1/chat/completions")
        // The key never shows in a printed configuration.
        #expect(!"\(full)".contains("sk-secret-123"))
        #expect("\(full)".contains("redacted"))
    }

    @Test func llmSettingsMustBeComplete() {
        let invalid: [[String: String]] = [
            ["FRONTDESK_LLM_BASE_URL": "http://127.0.0.1:11434/v1"],                               // no model
            ["FRONTDESK_LLM_MODEL": "llama3"],                                                      // no base URL
            ["FRONTDESK_LLM_API_KEY": "sk-x"],
            ["FRONTDESK_LLM_TIMEOUT_MS": "1000"],
            ["FRONTDESK_LLM_BASE_URL": "127.0.0.1:11434", "FRONTDESK_LLM_MODEL": "m"],             // no scheme
            ["FRONTDESK_LLM_BASE_URL": "ftp://host/v1", "FRONTDESK_LLM_MODEL": "m"],
            ["FRONTDESK_LLM_BASE_URL": "http://h/v1", "FRONTDESK_LLM_MODEL": "m", "FRONTDESK_LLM_TIMEOUT_MS": "0"],
            ["FRONTDESK_LLM_BASE_URL": "http://h/v1", "FRONTDESK_LLM_MODEL": "m", "FRONTDESK_LLM_TIMEOUT_MS": "2s"],
            ["FRONTDESK_LLM_BASE_URL": "http://h/v1", "FRONTDESK_LLM_MODEL": "m", "FRONTDESK_LLM_TIMEOUT_MS": "-5"],
        ]
        for environment in invalid {
            #expect(throws: ConfigError.self, "\(environment)") { try AppConfig(environment: environment) }
        }
        // A ConfigError never repeats the API key.
        do {
            _ = try AppConfig(environment: ["FRONTDESK_LLM_API_KEY": "sk-secret-123"])
        } catch {
            #expect(!"\(error)".contains("sk-secret-123"))
        }
    }
}
