import Foundation
import HummingbirdTesting
import Receptionist
import Testing
@testable import Server

/// With an LLM configured, a caller's answer is phrased by it from the retrieved passages only; when it fails the
/// caller still gets the extractive answer. The LLM is a local stand-in speaking OpenAI's wire format.
@Suite struct CallAnswerPhrasingTests {
    static func app(llm: URL, in directory: TemporaryDirectory? = nil) async throws -> TestApp {
        try await TestApp.make(in: directory) { config in
            config.twilioAuthToken = TwilioWebhookTests.authToken
            config.publicBaseURL = TwilioTestClient.publicBaseURL
            config.llm = LLMConfig(baseURL: llm, model: "stand-in-model", apiKey: "sk-test-secret", timeout: .seconds(20))
        }
    }

    @Test func theLLMPhrasesTheAnswerFromTheCitedPassage() async throws {
        let standIn = ChatStandIn(.answer("We're open Saturdays from eight until noon."))
        try await standIn.run { url in
            let app = try await Self.app(llm: url)
            let (_, key) = try await TwilioWebhookTests.makeBusiness(app)
            try await app.app.test(.router) { client in
                var call = SimulatedCall(twilio: TwilioTestClient(authToken: TwilioWebhookTests.authToken), to: TwilioWebhookTests.number)
                _ = try await call.start(client)
                let reply = try await call.say(client, "what time are you open on saturday")
                #expect(reply.contains("We're open Saturdays from eight until noon."), "\(reply)")
                let (_, detail) = try await client.call(.get, "/v1/calls/\(call.sid)", key: key)
                let answered = (detail["turns"] as? [[String: Any]] ?? []).first { ($0["citations"] as? [Any])?.isEmpty == false }
                #expect((answered?["text"] as? String)?.contains("eight until noon") == true, "the transcript has what was said")
            }
        }
        let request = try #require(standIn.received.first)
        #expect(request.json["model"] as? String == "stand-in-model")
        #expect(request.authorization == "Bearer sk-test-secret")
        let prompt = request.messages.compactMap { $0["content"] as? String }.joined(separator: "\n")
        #expect(prompt.contains("what time are you open on saturday"))
        #expect(prompt.contains("On Saturdays we are open from 8 a.m. to noon"), "the passage is given to the model")
        #expect(!prompt.contains("1,450 dollars"), "only the cited passage, not the whole knowledge base")
    }

    @Test func aFailingLLMLeavesTheExtractiveAnswer() async throws {
        let standIn = ChatStandIn(.error(status: 500, message: "model overloaded"))
        try await standIn.run { url in
            let app = try await Self.app(llm: url)
            try await TwilioWebhookTests.makeBusiness(app)
            try await app.app.test(.router) { client in
                var call = SimulatedCall(twilio: TwilioTestClient(authToken: TwilioWebhookTests.authToken), to: TwilioWebhookTests.number)
                _ = try await call.start(client)
                let reply = try await call.say(client, "what time are you open on saturday")
                #expect(reply.contains("On Saturdays we are open from 8 a.m. to noon"), "\(reply)")
            }
        }
        #expect(standIn.received.count == 1)
    }
}
