import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Serves `router` on 127.0.0.1 with a free port while `body` runs; `body` gets `http://127.0.0.1:PORT`. Stopped
/// by graceful shutdown, not cancellation, so a request still in flight finishes quietly. For what stands on the
/// loopback beside the server: the bench's simulated Twilio and the bench's own server (`frontdesk bench
/// campaign`), and the tests' stand-ins for Twilio and an LLM.
public enum LoopbackServer {
    public struct DidNotStart: Error {}

    public static func serve<Context: InitializableFromSource<ApplicationRequestContextSource>, T: Sendable>(
        _ router: Router<Context>, name: String, _ body: @Sendable (URL) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: name)
        logger.logLevel = .warning
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: name),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger)
        let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port != 0 else {
                await services.triggerGracefulShutdown()
                throw DidNotStart()
            }
            do {
                let result = try await body(URL(string: "http://127.0.0.1:\(port)")!)
                await services.triggerGracefulShutdown()
                return result
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
        }
    }
}
