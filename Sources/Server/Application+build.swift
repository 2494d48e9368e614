import Foundation
import Hummingbird
import Logging
import VectorIndex

/// Why the server would not start: the message says what to do about it.
public struct StartupError: Error, CustomStringConvertible {
    public let description: String
}

/// Builds the whole application — router, embedder, controllers — for `frontdesk serve` and the tests alike.
public func buildApplication(_ config: AppConfig, logger: Logger = Logger(label: "frontdesk")) async throws -> some ApplicationProtocol {
    let modelURL = URL(fileURLWithPath: config.modelDirectory, isDirectory: true)
    let embedder: MiniLMEmbedder
    do {
        embedder = try MiniLMEmbedder(modelDirectory: modelURL)
    } catch {
        throw StartupError(description: """
            frontdesk will not start without its embedding model: \(error)
            Fetch it with `make bootstrap` (or `bash scripts/bootstrap.sh`), or set FRONTDESK_MODEL_DIR / --model-dir \
            to the directory holding model.safetensors, vocab.txt and config.json.
            """)
    }
    logger.info("model loaded", metadata: ["directory": "\(modelURL.path)", "dimension": "\(embedder.dimension)"])

    let router = Router(context: BasicRequestContext.self)
    router.middlewares.add(JSONErrorMiddleware())
    HealthController(embedder: embedder).addRoutes(to: router.group())

    return Application(
        router: router,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "frontdesk"),
        logger: logger
    )
}
