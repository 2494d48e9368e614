import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A Server-Sent Events reader over URLSession (a data task whose delegate sees the body as it arrives), for the
/// live tests of `GET /v1/events/stream`. Frames are parsed as the SSE spec says: `field: value` lines, comments
/// starting with `:`, a blank line ending each one.
final class SSEClient: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    struct Frame: Equatable, CustomStringConvertible {
        var id: String?
        var event: String?
        var data: String?
        /// The text of a comment frame (`: heartbeat` → "heartbeat").
        var comment: String?

        var isHeartbeat: Bool { comment == "heartbeat" }
        var json: [String: Any] {
            (data.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [String: Any]) ?? [:]
        }
        var description: String {
            comment.map { ": \($0)" } ?? "id=\(id ?? "-") event=\(event ?? "-") data=\(data ?? "-")"
        }
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    private let lock = NSLock()
    private var pending = ""
    private var frames: [Frame] = []
    private var response: HTTPURLResponse?
    private var completion: (any Error)??
    private var session: URLSession!
    private var task: URLSessionDataTask!

    /// Opens `url` with the API key and extra headers (e.g. `Last-Event-ID`).
    init(url: URL, key: String, headers: [String: String] = [:]) {
        super.init()
        var request = URLRequest(url: url)
        request.setValue(key, forHTTPHeaderField: "X-API-Key")
        request.setValue("text/event-stream", forHTTPHeaderField: "Accept")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.timeoutInterval = 60
        session = URLSession(configuration: .ephemeral, delegate: self, delegateQueue: nil)
        task = session.dataTask(with: request)
        task.resume()
    }

    /// Closes the connection, as a browser tab going away does.
    func close() {
        task.cancel()
        session.invalidateAndCancel()
    }

    /// The response head, once it has arrived (waits up to `timeout` seconds).
    func head(timeout: TimeInterval = 10) async throws -> HTTPURLResponse {
        try await wait(timeout, "no response head") { $0.response }
    }

    /// The next frame, waiting up to `timeout` seconds; nil when none came in time.
    func next(timeout: TimeInterval = 10) async throws -> Frame? {
        try? await wait(timeout, "") { client -> Frame? in
            client.frames.isEmpty ? nil : client.frames.removeFirst()
        }
    }

    /// The next frame that is not a heartbeat.
    func nextEvent(timeout: TimeInterval = 10) async throws -> Frame {
        let deadline = Date().addingTimeInterval(timeout)
        while let frame = try await next(timeout: max(0, deadline.timeIntervalSinceNow)) {
            if !frame.isHeartbeat { return frame }
        }
        throw Failure(description: "no event within \(timeout) s")
    }

    /// Every frame that arrives within `seconds` (heartbeats included).
    func frames(during seconds: TimeInterval) async throws -> [Frame] {
        try await Task.sleep(for: .seconds(seconds))
        return lock.withLock {
            defer { frames.removeAll() }
            return frames
        }
    }

    /// Waits for the server to end the response; returns the error the task ended with (nil: a clean end).
    func ended(timeout: TimeInterval = 10) async throws -> (any Error)? {
        try await wait(timeout, "the stream did not end") { $0.completion }
    }

    private func wait<T>(_ timeout: TimeInterval, _ message: String, _ read: (SSEClient) -> T?) async throws -> T {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let value = lock.withLock({ read(self) }) { return value }
            guard Date() < deadline else { throw Failure(description: message) }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    // MARK: URLSessionDataDelegate

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        lock.withLock { self.response = response as? HTTPURLResponse }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.withLock {
            pending += String(decoding: data, as: UTF8.self)
            while let end = pending.range(of: "\n\n") {
                let block = pending[..<end.lowerBound]
                pending = String(pending[end.upperBound...])
                frames.append(Self.parse(block))
            }
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        lock.withLock { completion = .some(error) }
    }

    static func parse(_ block: Substring) -> Frame {
        var frame = Frame()
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(":") {
                frame.comment = line.dropFirst().trimmingCharacters(in: .whitespaces)
                continue
            }
            let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let field = String(parts[0])
            var value = parts.count > 1 ? String(parts[1]) : ""
            if value.hasPrefix(" ") { value.removeFirst() }
            switch field {
            case "id": frame.id = value
            case "event": frame.event = value
            case "data": frame.data = frame.data.map { $0 + "\n" + value } ?? value
            default: break
            }
        }
        return frame
    }
}
