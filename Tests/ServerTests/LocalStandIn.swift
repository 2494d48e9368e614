import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Runs `router` as a stand-in for an external service (an LLM, Twilio's REST API) on 127.0.0.1 with a free port
/// while `test` runs; `test` gets `http://127.0.0.1:PORT`. Stopped by graceful shutdown, not cancellation, so a
/// request still sleeping in the stand-in finishes quietly.
enum LocalStandIn {
    struct DidNotStart: Error {}

    static func serve<T: Sendable>(_ router: Router<BasicRequestContext>, name: String,
                                   _ test: @Sendable (URL) async throws -> T) async throws -> T {
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
                let result = try await test(URL(string: "http://127.0.0.1:\(port)")!)
                await services.triggerGracefulShutdown()
                return result
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
        }
    }
}
