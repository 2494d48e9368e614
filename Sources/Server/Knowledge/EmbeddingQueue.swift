import CoreMetrics
import Foundation
import Metrics
import VectorIndex

/// Runs a `TextEmbedder` on a dedicated thread and coalesces concurrent requests into micro-batches.
///
/// Embedding is CPU-bound (milliseconds per call), so it must not run on Swift concurrency's cooperative
/// threads or NIO's event loops, where it would stall every other request. Requests queue here; whenever the
/// worker is free it takes everything waiting (up to `maxBatch` texts) and embeds it in one padded batch.
/// Under load that turns 32 concurrent single-query searches into one batch-32 forward pass, at no extra
/// latency when idle (a lone request runs at once).
public final class EmbeddingQueue: @unchecked Sendable {
    private struct Request {
        let texts: [String]
        let continuation: CheckedContinuation<[[Float]], any Error>
    }

    public let embedder: any TextEmbedder
    public let maxBatch: Int
    /// Seconds per forward pass and texts per forward pass, labelled with the queue's name.
    private let duration: Metrics.Timer
    private let batchSize: Recorder
    private let condition = NSCondition()
    private var pending: [Request] = []  // guarded by condition
    private var stopped = false  // guarded by condition

    public var dimension: Int { embedder.dimension }

    /// - Parameters:
    ///   - maxBatch: most texts coalesced into one forward pass (a single larger request still runs whole).
    ///   - name: thread name, for debuggers and `top -H`; also the `queue` label of its metrics.
    ///   - metrics: where `frontdesk_embedder_duration_seconds` and `frontdesk_embedder_batch_size` go
    ///     (the application's `AppMetrics.factory`); nowhere by default.
    public init(embedder: any TextEmbedder, maxBatch: Int = 32, name: String,
                metrics: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.embedder = embedder
        self.maxBatch = max(1, maxBatch)
        duration = Metrics.Timer(label: AppMetrics.Name.embedderDuration, dimensions: [("queue", name)], factory: metrics)
        batchSize = Recorder(label: AppMetrics.Name.embedderBatchSize, dimensions: [("queue", name)], factory: metrics)
        let thread = Thread { [self] in self.work() }
        thread.name = name
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// Embeds `texts` on the worker thread; suspends the caller (not a thread) until done.
    public func embed(_ texts: [String]) async throws -> [[Float]] {
        if texts.isEmpty { return [] }
        return try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            defer { condition.unlock() }
            if stopped {
                continuation.resume(throwing: CancellationError())
                return
            }
            pending.append(Request(texts: texts, continuation: continuation))
            condition.signal()
        }
    }

    /// Stops the worker once the queue is drained; later calls fail with `CancellationError`.
    public func shutdown() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while pending.isEmpty && !stopped { condition.wait() }
            if pending.isEmpty && stopped {
                condition.unlock()
                return
            }
            // Take whole requests while they fit in one batch; the first one always goes.
            var batch: [Request] = [pending.removeFirst()]
            var count = batch[0].texts.count
            while let next = pending.first, count + next.texts.count <= maxBatch {
                batch.append(pending.removeFirst())
                count += next.texts.count
            }
            condition.unlock()
            run(batch)
        }
    }

    private func run(_ batch: [Request]) {
        let texts = batch.flatMap(\.texts)
        batchSize.record(texts.count)
        let start = ContinuousClock.now
        do {
            let vectors = try embedder.embed(texts)
            duration.record(duration: ContinuousClock.now - start)
            var offset = 0
            for request in batch {
                request.continuation.resume(returning: Array(vectors[offset..<offset + request.texts.count]))
                offset += request.texts.count
            }
        } catch {
            for request in batch { request.continuation.resume(throwing: error) }
        }
    }
}
