import Hummingbird
import VectorIndex

/// `GET /healthz`: 200 once the model is loaded (the application is not built otherwise).
struct HealthController {
    let embedder: MiniLMEmbedder

    struct Health: ResponseEncodable {
        let status: String
        let model: String
        let dimension: Int
    }

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.get("healthz") { _, _ in
            Health(status: "ok", model: "all-MiniLM-L6-v2", dimension: embedder.dimension)
        }
    }
}
