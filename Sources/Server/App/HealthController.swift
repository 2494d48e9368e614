import Hummingbird
import VectorIndex

/// `GET /healthz`: 200 once migrations have run and the model is loaded (the application is not built
/// otherwise), 503 if the database stops answering.
struct HealthController {
    let embedder: MiniLMEmbedder
    let database: AppDatabase

    struct Health: Encodable {
        let status: String
        let model: String
        let dimension: Int
        let migrations: Bool
    }

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.get("healthz") { _, _ in
            let migrated = database.migrationsApplied
            return try JSONResponse.make(
                Health(status: migrated ? "ok" : "unavailable", model: "all-MiniLM-L6-v2",
                       dimension: embedder.dimension, migrations: migrated),
                status: migrated ? .ok : .serviceUnavailable)
        }
    }
}
