import CoreMetrics
import HTTPTypes
import Hummingbird
import NIOCore

/// The HTTP side of a live event stream, shared by `GET /v1/events/stream` and the watch routes
/// (`GET /v1/calls/{sid}/live`): the `text/event-stream` head, the open-streams gauge, the end when the client
/// closes the connection (even while nothing is being written) and a clean end of the response otherwise (an end
/// event, or the server's graceful shutdown: an EventSource reconnects with `Last-Event-ID`).
enum EventStreamResponse {
    /// - Parameter stream: writes the frames (``EventStreamSession``'s `run`, maybe after a snapshot) and returns
    ///   when the stream is over; cancelled when the client goes away.
    static func make(_ request: Request, context: AppRequestContext, metrics: any MetricsFactory,
                     stream: @escaping @Sendable (_ write: (String) async throws -> Void) async throws -> Void) -> Response {
        let open = Meter(label: AppMetrics.Name.eventStreamsOpen, factory: metrics)
        let logger = context.logger
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache",
                      // nginx buffers responses unless told otherwise; a buffered event stream is not live.
                      HTTPField.Name("X-Accel-Buffering")!: "no"],
            body: ResponseBody { writer in
                open.increment()
                defer { open.decrement() }
                do {
                    // Cancelled as soon as the client closes the connection, even while nothing is being written.
                    _ = try await request.body.consumeWithCancellationOnInboundClose { _ in
                        try await stream { text in try await writer.write(ByteBuffer(string: text)) }
                    }
                } catch is CancellationError {
                    logger.debug("event stream closed by the client")
                    return
                }
                try await writer.finish(nil)
            })
    }
}
