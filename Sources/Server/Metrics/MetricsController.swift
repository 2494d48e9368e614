import Hummingbird

/// `GET /metrics`: every metric in the Prometheus text format, for a Prometheus server to scrape.
///
/// Unauthenticated, like `/healthz`: it holds no secrets, API keys, phone numbers or message text — only route
/// patterns, status codes, business and vendor ids, trades, property addresses (the dispatch measures, see
/// ``DispatchMetrics``) and timings. Still, it reveals traffic and how many businesses exist, so
/// expose it to the monitoring network only (bind FrontDesk to a private address or block `/metrics` at the proxy).
struct MetricsController {
    let metrics: AppMetrics
    /// The maintenance dispatch measures, brought up to date before a scrape is answered.
    let dispatch: DispatchMetrics?

    /// Prometheus' text exposition format, version 0.0.4.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("metrics", use: scrape)
    }

    @Sendable func scrape(_ request: Request, context: AppRequestContext) async throws -> Response {
        do {
            try await dispatch?.refresh()
        } catch {
            // The other metrics still matter most when the database is in trouble.
            context.logger.warning("dispatch measures not refreshed", metadata: ["error": "\(error)"])
        }
        return Response(status: .ok, headers: [.contentType: Self.contentType],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
    }
}
