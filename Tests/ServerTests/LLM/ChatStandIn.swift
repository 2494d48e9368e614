import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
@testable import Server
import Synchronization

/// A stand-in for an OpenAI-compatible server (OpenAI, Ollama, llama.cpp, vLLM), started by a test on
/// 127.0.0.1 with a free port: it answers `POST /v1/chat/completions` in the real wire format, the way the test
/// chose, and records what it received.
final class ChatStandIn: Sendable {
    enum Behaviour: Sendable {
        /// 200 with `choices[0].message.content`.
        case answer(String)
        /// 200 with `content: null`.
        case nullContent
        /// An OpenAI-style error: `{"error": {"message", "type", ...}}`.
        case error(status: Int, message: String)
        /// Waits, then answers (a model that is too slow).
        case sleep(Duration, then: String)
        /// 200 with this body as is.
        case raw(String)
    }

    struct Received: Sendable {
        let path: String
        let authorization: String?
        let contentType: String?
        let body: Data

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var messages: [[String: Any]] { json["messages"] as? [[String: Any]] ?? [] }
    }

    let behaviour: Behaviour
    private let log = Mutex<[Received]>([])

    init(_ behaviour: Behaviour) { self.behaviour = behaviour }

    var received: [Received] { log.withLock { $0 } }

    /// Runs the server while `test` runs; `test` gets the API base URL (`http://127.0.0.1:PORT/v1`).
    func run<T: Sendable>(_ test: @Sendable (URL) async throws -> T) async throws -> T {
        let router = Router()
        router.post("v1/chat/completions") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            self.log.withLock {
                $0.append(Received(path: request.uri.path, authorization: request.headers[.authorization],
                                   contentType: request.headers[.contentType], body: Data(buffer: body)))
            }
            return try await self.respond()
        }
        return try await LoopbackServer.serve(router, name: "chat-stand-in") { base in try await test(base.appendingPathComponent("v1")) }
    }

    private func respond() async throws -> Response {
        switch behaviour {
        case .answer(let content):
            return Self.json(200, Self.completion(content: content))
        case .nullContent:
            return Self.json(200, Self.completion(content: nil))
        case .error(let status, let message):
            return Self.json(status, ["error": ["message": message, "type": "server_error", "param": NSNull(), "code": NSNull()]])
        case .sleep(let duration, let content):
            try? await Task.sleep(for: duration)
            return Self.json(200, Self.completion(content: content))
        case .raw(let text):
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }

    private static func completion(content: String?) -> [String: Any] {
        [
            "id": "chatcmpl-standin", "object": "chat.completion", "created": 1_750_000_000, "model": "stand-in",
            "choices": [[
                "index": 0, "finish_reason": "stop",
                "message": ["role": "assistant", "content": content.map { $0 as Any } ?? NSNull()],
            ]],
            "usage": ["prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15],
        ]
    }

    private static func json(_ status: Int, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return Response(status: .init(code: status), headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

}

/// Keeps every log record, so tests can check what was (and was not) logged.
final class CollectingLogHandler: LogHandler, @unchecked Sendable {
    struct Record: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: String
    }

    final class Store: Sendable {
        let records = Mutex<[Record]>([])
        var all: [Record] { records.withLock { $0 } }
        var text: String { all.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n") }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    init(store: Store) { self.store = store }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        store.records.withLock {
            $0.append(Record(level: event.level, message: "\(event.message)", metadata: "\(merged)"))
        }
    }

    static func logger() -> (Logger, Store) {
        let store = Store()
        return (Logger(label: "test") { _ in CollectingLogHandler(store: store) }, store)
    }
}
