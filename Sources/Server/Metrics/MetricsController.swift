import Hummingbird

/// `GET /metrics`: every metric in the Prometheus text format, for a Prometheus server to scrape.
///
/// Unauthenticated, like `/healthz`: it holds no secrets, API keys, phone numbers or message text — only route
/// patterns, status codes, business ids and timings. Still, it reveals traffic and how many businesses exist, so
/// expose it to the monitoring network only (bind FrontDesk to a private address or block `/metrics` at the proxy).
struct MetricsController {
    let metrics: AppMetrics

    /// Prometheus' text exposition format, version 0.0.4.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("metrics", use: scrape)
    }

    @Sendable func scrape(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(status: .ok, headers: [.contentType: Self.contentType],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
    }
}
