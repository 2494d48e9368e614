import CoreMetrics
import Hummingbird
import Metrics

/// Counts requests and times them per matched route, and tracks how many are in flight.
///
/// The `route` label is the pattern the router matched, as Hummingbird renders it (`/v1/knowledge/{id}`, the
/// same string its own metrics and tracing middleware use), never the raw path: raw paths carry ids, and a
/// label per id would grow the registry without bound. Unmatched paths share the route
/// `NotFound`. Added outermost, so it sees the status the client gets after `JSONErrorMiddleware` has mapped
/// errors. Latency runs until the handler returns its response; FrontDesk's bodies are small and buffered.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let factory: any MetricsFactory
    let inFlight: Meter

    init(factory: any MetricsFactory) {
        self.factory = factory
        inFlight = Meter(label: AppMetrics.Name.requestsInFlight, factory: factory)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        inFlight.increment()
        defer { inFlight.decrement() }
        do {
            let response = try await next(request, context)
            record(request, route: context.endpointPath, status: response.status, since: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            record(request, route: context.endpointPath, status: status, since: start)
            throw error
        }
    }

    private func record(_ request: Request, route: String?, status: HTTPResponse.Status, since start: ContinuousClock.Instant) {
        let route = route ?? "NotFound"
        let method = request.method.rawValue
        // The registry keeps one collector per label set, so these are look-ups after the first request.
        Counter(label: AppMetrics.Name.requests,
                dimensions: [("route", route), ("method", method), ("status", String(status.code))], factory: factory)
            .increment()
        Metrics.Timer(label: AppMetrics.Name.requestDuration, dimensions: [("route", route), ("method", method)], factory: factory)
            .record(duration: ContinuousClock.now - start)
    }
}
