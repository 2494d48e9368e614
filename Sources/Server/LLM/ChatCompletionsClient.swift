import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// A client for the OpenAI chat-completions wire format (`POST {base}/chat/completions`), which OpenAI, Ollama,
/// llama.cpp's server and vLLM all speak. One request, one answer: no streaming, no retries (a caller is on the
/// line; a retry would only make the fallback later).
///
/// Deadline: the request gets `URLRequest.timeoutInterval` (an idle limit) and the session a resource limit, both
/// the configured timeout, and the call also races a timer of that length, so a server that trickles bytes cannot
/// hold the caller either. The losing request is never cancelled: cancelling a Swift task (or, through it, a
/// `URLSessionTask`) inside swift-corelibs-foundation's URLSession has deadlocked on this platform, so an
/// abandoned request finishes in the background and its result is dropped.
public struct ChatCompletionsClient: Sendable {
    public struct Message: Codable, Sendable, Equatable {
        public var role: String
        public var content: String

        public init(role: String, content: String) {
            self.role = role
            self.content = content
        }

        public static func system(_ content: String) -> Message { Message(role: "system", content: content) }
        public static func user(_ content: String) -> Message { Message(role: "user", content: content) }
    }

    public let config: LLMConfig
    private let session: URLSession

    /// - Parameter session: nil makes an ephemeral session whose request and resource timeouts are
    ///   `config.timeout`.
    public init(config: LLMConfig, session: URLSession? = nil) {
        self.config = config
        if let session {
            self.session = session
        } else {
            let configuration = URLSessionConfiguration.ephemeral
            configuration.timeoutIntervalForRequest = config.timeout.seconds
            configuration.timeoutIntervalForResource = config.timeout.seconds
            self.session = URLSession(configuration: configuration)
        }
    }

    /// Sends `messages` and returns `choices[0].message.content` as the server wrote it.
    ///
    /// - Parameters:
    ///   - temperature: 0 for the most repeatable answer.
    ///   - maxTokens: the completion's length limit (`max_tokens`).
    /// - Throws: ``ChatCompletionsError``.
    public func complete(_ messages: [Message], temperature: Double = 0, maxTokens: Int = 120) async throws(ChatCompletionsError) -> String {
        var request = URLRequest(url: config.chatCompletionsURL)
        request.httpMethod = "POST"
        request.timeoutInterval = config.timeout.seconds
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let apiKey = config.apiKey {
            request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization")
        }
        do {
            request.httpBody = try JSONEncoder().encode(
                RequestBody(model: config.model, messages: messages, temperature: temperature, maxTokens: maxTokens))
        } catch {
            throw .transport("could not encode the request: \(error)")
        }

        let (data, response) = try await send(request)
        guard (200..<300).contains(response.statusCode) else {
            let message = (try? JSONDecoder().decode(ErrorBody.self, from: data))?.error.message
            throw .http(status: response.statusCode, message: message.map(redacted))
        }
        let body: ResponseBody
        do {
            body = try JSONDecoder().decode(ResponseBody.self, from: data)
        } catch {
            throw .malformedResponse("\(error)")
        }
        guard let content = body.choices.first?.message.content else {
            throw .malformedResponse("no choices[0].message.content")
        }
        return content
    }

    /// The request raced against the deadline; whichever finishes first answers, the other is left to run out.
    private func send(_ request: URLRequest) async throws(ChatCompletionsError) -> (Data, HTTPURLResponse) {
        let once = ResumeOnce()
        let timeout = config.timeout
        let session = self.session
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<(Data, HTTPURLResponse), ChatCompletionsError>, Never>) in
                once.set(continuation)
                let task = session.dataTask(with: request) { data, response, error in
                    if let error {
                        let nsError = error as NSError
                        if nsError.domain == NSURLErrorDomain, nsError.code == NSURLErrorTimedOut {
                            once.resume(.failure(.timedOut))
                        } else {
                            once.resume(.failure(.transport(redacted(error.localizedDescription))))
                        }
                    } else if let response = response as? HTTPURLResponse {
                        once.resume(.success((data ?? Data(), response)))
                    } else {
                        once.resume(.failure(.transport("no HTTP response")))
                    }
                }
                task.resume()
                let timer = Task {
                    try? await Task.sleep(for: timeout)
                    once.resume(.failure(.timedOut))
                }
                once.onFinish { timer.cancel() }
            }
        } onCancel: {
            // Answer the cancelled caller now; the request itself runs out in the background (see the type's doc).
            once.resume(.failure(.cancelled))
        }
        return try result.get()
    }

    /// `text` without the API key: servers echo a rejected key in their error message ("Incorrect API key
    /// provided: …"), and these messages are logged.
    private func redacted(_ text: String) -> String {
        guard let apiKey = config.apiKey, !apiKey.isEmpty else { return text }
        return text.replacingOccurrences(of: apiKey, with: "<redacted>")
    }

    private struct RequestBody: Encodable {
        let model: String
        let messages: [Message]
        let temperature: Double
        let maxTokens: Int

        enum CodingKeys: String, CodingKey {
            case model, messages, temperature
            case maxTokens = "max_tokens"
        }
    }

    private struct ResponseBody: Decodable {
        struct Choice: Decodable {
            struct ChoiceMessage: Decodable { let content: String? }
            let message: ChoiceMessage
        }
        let choices: [Choice]
    }

    private struct ErrorBody: Decodable {
        struct Detail: Decodable { let message: String? }
        let error: Detail
    }
}

/// Why a chat completion gave no text. Never carries the API key.
public enum ChatCompletionsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No complete answer within the configured timeout.
    case timedOut
    /// The connection failed (refused, reset, DNS…).
    case transport(String)
    /// The server answered outside 2xx; `message` is its `{"error": {"message"}}` when it sent one.
    case http(status: Int, message: String?)
    /// 2xx, but not a chat-completions response.
    case malformedResponse(String)
    /// The calling task was cancelled.
    case cancelled

    public var description: String {
        switch self {
        case .timedOut: "timed out"
        case .transport(let message): "transport error: \(message)"
        case .http(let status, let message): "HTTP \(status)" + (message.map { ": \($0)" } ?? "")
        case .malformedResponse(let message): "malformed response: \(message)"
        case .cancelled: "cancelled"
        }
    }
}

/// Resumes a continuation exactly once, whichever of the response, the timer or cancellation comes first; later
/// results are dropped. Cancellation may arrive before the continuation is set, so a result is kept until then.
private final class ResumeOnce: Sendable {
    typealias Outcome = Result<(Data, HTTPURLResponse), ChatCompletionsError>

    private struct State {
        var continuation: CheckedContinuation<Outcome, Never>?
        var pending: Outcome?
        var finished = false
        var onFinish: [@Sendable () -> Void] = []
    }

    private let state = Mutex(State())

    func set(_ continuation: CheckedContinuation<Outcome, Never>) {
        let pending = state.withLock { state -> Outcome? in
            if let pending = state.pending {
                state.pending = nil
                return pending
            }
            state.continuation = continuation
            return nil
        }
        if let pending { continuation.resume(returning: pending) }
    }

    func resume(_ outcome: Outcome) {
        let (continuation, callbacks) = state.withLock { state -> (CheckedContinuation<Outcome, Never>?, [@Sendable () -> Void]) in
            guard !state.finished else { return (nil, []) }
            state.finished = true
            let callbacks = state.onFinish
            state.onFinish = []
            if let continuation = state.continuation {
                state.continuation = nil
                return (continuation, callbacks)
            }
            state.pending = outcome
            return (nil, callbacks)
        }
        continuation?.resume(returning: outcome)
        callbacks.forEach { $0() }
    }

    /// Runs `callback` once the outcome is known (at once when it already is).
    func onFinish(_ callback: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.finished { return true }
            state.onFinish.append(callback)
            return false
        }
        if runNow { callback() }
    }
}
