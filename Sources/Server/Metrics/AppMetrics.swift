import CoreMetrics
import Prometheus

/// One application's metrics: a Prometheus registry and the swift-metrics factory that writes into it.
///
/// Made per application in `makeServices` and passed explicitly to whatever records (the request middleware,
/// `KnowledgeService`, the `EmbeddingQueue`s), never installed with `MetricsSystem.bootstrap`: that can run
/// once per process, and the tests build many applications whose counts must not mix. Recording sites see only
/// swift-metrics' `MetricsFactory`, so they do not depend on the exporter.
public struct AppMetrics: Sendable {
    /// Names of FrontDesk's metrics, Prometheus-style: `frontdesk_` prefix, unit suffix.
    public enum Name {
        /// Counter of finished requests, by `route` (the matched pattern), `method` and `status`.
        public static let requests = "frontdesk_http_requests_total"
        /// Histogram of request latency in seconds, by `route` and `method`.
        public static let requestDuration = "frontdesk_http_request_duration_seconds"
        /// Gauge of requests being handled now.
        public static let requestsInFlight = "frontdesk_http_requests_in_flight"
        /// Gauge of vectors in a business's in-memory index, by `business` (its id).
        public static let indexVectors = "frontdesk_index_vectors"
        /// Histogram of one embedder forward pass in seconds, by `queue`.
        public static let embedderDuration = "frontdesk_embedder_duration_seconds"
        /// Histogram of texts per embedder forward pass, by `queue`.
        public static let embedderBatchSize = "frontdesk_embedder_batch_size"
        /// Histogram of the server's time for one call webhook (request to stored reply) in seconds.
        public static let callTurnDuration = "frontdesk_call_turn_duration_seconds"
        /// Counter of emergencies reported on calls, by `business` (id) and `category`.
        public static let emergencies = "frontdesk_emergencies_total"
        /// Counter of finished calls, by `business` (id) and `outcome`.
        public static let calls = "frontdesk_calls_total"
        /// Counter of job runs, by `kind` and `result` (done, retry, failed).
        public static let jobsRun = "frontdesk_jobs_run_total"
        /// Gauge of jobs queued or running.
        public static let jobsPending = "frontdesk_jobs_pending"
        /// Gauge of jobs that failed for good.
        public static let jobsFailed = "frontdesk_jobs_failed"
        /// The same two gauges by `kind` (call.summary, sms.send, reminder.send, call.create …).
        public static let jobsPendingByKind = "frontdesk_jobs_pending_by_kind"
        public static let jobsFailedByKind = "frontdesk_jobs_failed_by_kind"
        /// Counter of Twilio webhooks refused, by `reason` (bad signature, no token configured).
        public static let twilioRejected = "frontdesk_twilio_rejected_total"
        /// Counter, by `consumer` and `result` (done, skipped, error): events handed to the event consumers.
        public static let eventsHandled = "frontdesk_events_handled_total"
    }

    /// Request latency buckets: 1 ms … 10 s (a health check to a large import).
    public static let requestDurationBuckets: [Duration] = [
        .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]
    /// Embedder latency buckets: a single query (~1–5 ms) up to a 1,000-text import batch (tens of seconds).
    public static let embedderDurationBuckets: [Duration] = requestDurationBuckets + [.seconds(30), .seconds(60)]
    /// Batch-size buckets: powers of two up to the import path's 1,000-text requests.
    public static let embedderBatchSizeBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]

    /// Where every metric of this application is stored; `GET /metrics` renders it.
    public let registry: PrometheusCollectorRegistry
    /// Creates swift-metrics `Counter`/`Timer`/`Recorder`/`Meter`s backed by `registry`, with the buckets above.
    public let factory: PrometheusMetricsFactory

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.requestDurationBuckets
        factory.durationHistogramBuckets = [Name.embedderDuration: Self.embedderDurationBuckets]
        factory.valueHistogramBuckets = [Name.embedderBatchSize: Self.embedderBatchSizeBuckets]
        self.factory = factory
    }

    /// The Prometheus text exposition format (version 0.0.4) of every metric recorded so far.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
