import Foundation
import Logging
import Testing
@testable import Server

/// The chat-completions client and the answer phraser against a local stand-in that speaks OpenAI's wire format.
@Suite struct ChatCompletionsClientTests {
    static let question = "What time do you close on Saturday?"
    static let passages: [(title: String, text: String)] = [
        (title: "Opening hours", text: "We are open Monday to Friday 8am to 6pm and Saturday 9am to 1pm."),
        (title: "Emergencies", text: "Emergency call-outs are available 24/7 for burst pipes."),
    ]
    static let extractive = "We are open Monday to Friday 8am to 6pm and Saturday 9am to 1pm."

    /// Tests of behaviour use a generous timeout, so a loaded machine (the suite runs in parallel on 2 cores) cannot
    /// turn a good answer into a timeout; the timeout itself is tested with the default (2 s) against a slow server.
    static let patient = Duration.seconds(20)

    static func phraser(_ base: URL, apiKey: String? = nil, timeout: Duration = patient,
                        logger: Logger = Self.quietLogger) -> AnswerPhraser {
        let config = LLMConfig(baseURL: base, model: "stand-in-model", apiKey: apiKey, timeout: timeout)
        return AnswerPhraser(client: ChatCompletionsClient(config: config), logger: logger)
    }

    /// Fallbacks are expected here; their warnings would only clutter the test output.
    static let quietLogger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .error
        return logger
    }()

    static func phrase(_ phraser: AnswerPhraser) async -> (text: String, usedLLM: Bool) {
        await phraser.phrase(question: question, passages: passages, extractive: extractive)
    }

    /// The error one `complete` call throws, or nil when it succeeds.
    static func failure(of client: ChatCompletionsClient) async -> ChatCompletionsError? {
        do throws(ChatCompletionsError) {
            _ = try await client.complete([.user("hi")])
            return nil
        } catch {
            return error
        }
    }

    @Test func requestCarriesModelMessagesAndBearerKey() async throws {
        let standIn = ChatStandIn(.answer("We close at 1pm on Saturdays."))
        let (logger, logs) = CollectingLogHandler.logger()
        let result = try await standIn.run { base in
            await Self.phrase(Self.phraser(base, apiKey: "sk-test-secret", logger: logger))
        }
        #expect(result.text == "We close at 1pm on Saturdays.")
        #expect(result.usedLLM)

        let received = try #require(standIn.received.first)
        #expect(standIn.received.count == 1)
        #expect(received.path == "/v1/chat/completions")
        #expect(received.authorization == "Bearer sk-test-secret")
        #expect(received.contentType?.hasPrefix("application/json") == true)
        let json = received.json
        #expect(json["model"] as? String == "stand-in-model")
        #expect((json["temperature"] as? NSNumber)?.doubleValue == 0)
        #expect((json["max_tokens"] as? NSNumber)?.intValue == 120)
        let messages = received.messages
        #expect(messages.map { $0["role"] as? String } == ["system", "user"])
        let system = try #require(messages.first?["content"] as? String)
        #expect(system.contains("UNKNOWN"))
        #expect(system.contains("only the passages"))
        let user = try #require(messages.last?["content"] as? String)
        #expect(user.contains(Self.question))
        for passage in Self.passages {
            #expect(user.contains(passage.title))
            #expect(user.contains(passage.text))
        }
        #expect(!logs.text.contains("sk-test-secret"))
    }

    @Test func noKeyMeansNoAuthorizationHeader() async throws {
        let standIn = ChatStandIn(.answer("We close at 1pm."))
        let result = try await standIn.run { base in await Self.phrase(Self.phraser(base)) }
        #expect(result.usedLLM)
        #expect(standIn.received.count == 1)
        #expect(standIn.received.first?.authorization == nil)
    }

    @Test func markdownAndQuotesAreCleaned() async throws {
        let standIn = ChatStandIn(.answer("\"**Yes** — we close at\n  1pm on _Saturdays_.\""))
        let result = try await standIn.run { base in await Self.phrase(Self.phraser(base)) }
        #expect(result == ("Yes — we close at 1pm on Saturdays.", true))
    }

    @Test(arguments: ["UNKNOWN", "Unknown.", "  \"UNKNOWN\"\n", "", "   ", "**UNKNOWN**"])
    func unknownOrEmptyFallsBack(_ content: String) async throws {
        let standIn = ChatStandIn(.answer(content))
        let result = try await standIn.run { base in await Self.phrase(Self.phraser(base)) }
        #expect(result == (Self.extractive, false))
    }

    @Test func nullContentFallsBack() async throws {
        let standIn = ChatStandIn(.nullContent)
        let result = try await standIn.run { base in await Self.phrase(Self.phraser(base)) }
        #expect(result == (Self.extractive, false))
    }

    @Test func tooLongAnswerFallsBack() async throws {
        let long = Array(repeating: "word", count: AnswerPhraser.maximumWords + 1).joined(separator: " ") + "."
        let standIn = ChatStandIn(.answer(long))
        let result = try await standIn.run { base in await Self.phrase(Self.phraser(base)) }
        #expect(result == (Self.extractive, false))
    }

    @Test func serverErrorFallsBackAndCarriesTheMessage() async throws {
        let standIn = ChatStandIn(.error(status: 500, message: "The server had an error while processing your request."))
        let (logger, logs) = CollectingLogHandler.logger()
        let (result, thrown) = try await standIn.run { base in
            let phrased = await Self.phrase(Self.phraser(base, apiKey: "sk-test-secret", logger: logger))
            let client = ChatCompletionsClient(config: LLMConfig(baseURL: base, model: "m", timeout: Self.patient))
            let thrown = await Self.failure(of: client)
            return (phrased, thrown)
        }
        #expect(result == (Self.extractive, false))
        #expect(thrown == .http(status: 500, message: "The server had an error while processing your request."))
        #expect(logs.all.contains { $0.level == .warning && $0.metadata.contains("HTTP 500") })
        #expect(!logs.text.contains("sk-test-secret"))
    }

    @Test func rejectedKeyIsNotLoggedEvenWhenTheServerEchoesIt() async throws {
        let standIn = ChatStandIn(.error(status: 401, message: "Incorrect API key provided: sk-test-secret."))
        let (logger, logs) = CollectingLogHandler.logger()
        let result = try await standIn.run { base in
            await Self.phrase(Self.phraser(base, apiKey: "sk-test-secret", logger: logger))
        }
        #expect(result == (Self.extractive, false))
        #expect(logs.text.contains("HTTP 401: Incorrect API key provided: <redacted>."))
        #expect(!logs.text.contains("sk-test-secret"))
    }

    @Test func errorWithoutOpenAIBodyStillTyped() async throws {
        let standIn = ChatStandIn(.error(status: 401, message: "Incorrect API key provided"))
        let thrown = try await standIn.run { base -> ChatCompletionsError? in
            let client = ChatCompletionsClient(config: LLMConfig(baseURL: base.appendingPathComponent("nope"), model: "m", timeout: Self.patient))
            return await Self.failure(of: client)
        }
        // The stand-in has no route there: Hummingbird's 404, whose body is not an OpenAI error.
        guard case .http(404, _) = thrown else {
            Issue.record("expected HTTP 404, got \(String(describing: thrown))")
            return
        }
    }

    @Test func slowServerTimesOutToExtractive() async throws {
        // The reply comes after 20 s, far past the 2 s timeout, so "cut off by the timeout" stays distinguishable from
        // "waited for the reply" even when the whole suite shares two cores.
        let standIn = ChatStandIn(.sleep(.seconds(20), then: "Too late."))
        let (result, elapsed, thrown) = try await standIn.run { base in
            let clock = ContinuousClock()
            let start = clock.now
            let phrased = await Self.phrase(Self.phraser(base, timeout: LLMConfig.defaultTimeout))
            let elapsed = clock.now - start
            let client = ChatCompletionsClient(config: LLMConfig(baseURL: base, model: "m", timeout: .milliseconds(500)))
            let thrown = await Self.failure(of: client)
            return (phrased, elapsed, thrown)
        }
        #expect(result == (Self.extractive, false))
        // A behaviour check, not a benchmark: the caller was answered well before the 20 s sleep ended.
        #expect(elapsed < Duration.seconds(15), "took \(elapsed)")
        #expect(elapsed >= Duration.milliseconds(1500), "took \(elapsed)")
        #expect(thrown == .timedOut)
    }

    @Test(arguments: [
        "{not json", "", "{\"choices\": []}", "{\"choices\": [{\"message\": {}}]}", "[1, 2, 3]",
        "{\"object\": \"chat.completion\", \"choices\": \"nope\"}",
    ])
    func malformedResponseFallsBack(_ body: String) async throws {
        let standIn = ChatStandIn(.raw(body))
        let (result, thrown) = try await standIn.run { base in
            let phrased = await Self.phrase(Self.phraser(base))
            let client = ChatCompletionsClient(config: LLMConfig(baseURL: base, model: "m", timeout: Self.patient))
            let thrown = await Self.failure(of: client)
            return (phrased, thrown)
        }
        #expect(result == (Self.extractive, false))
        guard case .malformedResponse = thrown else {
            Issue.record("expected malformedResponse, got \(String(describing: thrown))")
            return
        }
    }

    @Test func unreachableServerFallsBack() async throws {
        // Port 9 (discard) on loopback has no listener here: the connection is refused at once.
        let (logger, logs) = CollectingLogHandler.logger()
        let phraser = Self.phraser(URL(string: "http://127.0.0.1:9/v1")!, apiKey: "sk-test-secret", logger: logger)
        let result = await Self.phrase(phraser)
        #expect(result == (Self.extractive, false))
        #expect(logs.all.contains { $0.level == .warning })
        #expect(!logs.text.contains("sk-test-secret"))
    }
}

@Suite struct AnswerPhraserTests {
    @Test(arguments: [
        ("Sure! See [our hours](https://example.com/hours) for details.", "Sure! See our hours for details."),
        ("We're open until 1pm. More at https://example.com/x?y=1 .", "We're open until 1pm. More at."),
        ("# Hours\n- Mon–Fri: 8am–6pm\n- Sat: 9am–1pm", "Hours Mon–Fri: 8am–6pm Sat: 9am–1pm"),
        ("1. Call us\n2) Book online", "Call us Book online"),
        ("“We close at 1pm.”", "We close at 1pm."),
        ("Use `code` and ~~strike~~ and __bold__.", "Use code and strike and bold."),
        ("  many\t\tspaces \n\n here  ", "many spaces here"),
        ("Visit www.example.com today.", "Visit today."),
    ])
    func cleanMakesTextSpeakable(_ raw: String, _ expected: String) {
        #expect(AnswerPhraser.clean(raw) == expected)
    }

    @Test func unknownDetection() {
        #expect(AnswerPhraser.isUnknown("UNKNOWN"))
        #expect(AnswerPhraser.isUnknown("unknown."))
        #expect(!AnswerPhraser.isUnknown("The answer is unknown to me."))
    }

    @Test func promptNumbersPassages() {
        let prompt = AnswerPhraser.userPrompt(question: "Q?", passages: [(title: "A", text: "a."), (title: "B", text: "b.")])
        #expect(prompt.contains("[1] A\na."))
        #expect(prompt.contains("[2] B\nb."))
        #expect(prompt.hasSuffix("Caller's question: Q?"))
    }
}
