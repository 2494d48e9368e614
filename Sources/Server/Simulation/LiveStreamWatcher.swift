import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// A client of a Server-Sent Events stream (`GET /v1/campaigns/{id}/live`) that notes when each event frame
/// arrived, by its `id:` — the live stream's delay is measured from these times. The snapshot frame and heartbeat
/// comments are noted apart.
final class LiveStreamWatcher: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private struct State {
        var pending = Data()
        var frameId: Int64?
        var frameEvent: String?
        var arrivals: [Int64: ContinuousClock.Instant] = [:]
        var lastId: Int64 = 0
        var snapshots = 0
        var snapshotId: Int64?
        var status: Int?
        var failure: String?
    }

    private let state = Mutex(State())
    private var session: URLSession?

    func start(_ url: URL, apiKey: String) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 3600
        configuration.timeoutIntervalForResource = 86_400
        let session = URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
        self.session = session
        var request = URLRequest(url: url)
        request.setValue(apiKey, forHTTPHeaderField: "X-API-Key")
        request.setValue("text/event-stream", forHTTPHeaderField: "Accept")
        session.dataTask(with: request).resume()
    }

    func stop() { session?.invalidateAndCancel() }

    /// When each event (not the snapshot) arrived, by event id.
    var arrivals: [Int64: ContinuousClock.Instant] { state.withLock { $0.arrivals } }
    var snapshots: Int { state.withLock { $0.snapshots } }
    /// The log position the snapshot was taken at: later events are streamed, earlier ones are in it.
    var snapshotId: Int64? { state.withLock { $0.snapshotId } }
    /// The HTTP status, and why the stream ended early if it did.
    var outcome: (status: Int?, failure: String?) { state.withLock { ($0.status, $0.failure) } }

    /// Waits (polling) until an event with id `id` or later has arrived, up to `timeout`; returns whether it did.
    func waitFor(id: Int64, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if state.withLock({ $0.lastId >= id }) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        state.withLock { $0.status = (response as? HTTPURLResponse)?.statusCode }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let arrived = ContinuousClock.now
        state.withLock { state in
            state.pending.append(data)
            // Lines end with "\n" (the server never sends a lone "\r").
            while let newline = state.pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: state.pending[state.pending.startIndex..<newline], as: UTF8.self)
                state.pending.removeSubrange(state.pending.startIndex...newline)
                if line.isEmpty {
                    // A frame ends.
                    if let id = state.frameId {
                        if state.frameEvent == LiveController.snapshotEvent {
                            state.snapshots += 1
                            state.snapshotId = id
                        } else if state.arrivals[id] == nil {
                            state.arrivals[id] = arrived
                        }
                        state.lastId = max(state.lastId, id)
                    }
                    state.frameId = nil
                    state.frameEvent = nil
                } else if line.hasPrefix("id:") {
                    state.frameId = Int64(line.dropFirst(3).trimmingCharacters(in: .whitespaces))
                } else if line.hasPrefix("event:") {
                    state.frameEvent = line.dropFirst(6).trimmingCharacters(in: .whitespaces)
                }
            }
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        state.withLock { $0.failure = error.map { "\($0)" } ?? "the server ended the stream" }
    }
}
