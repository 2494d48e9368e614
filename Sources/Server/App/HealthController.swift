import Hummingbird
import VectorIndex

/// `GET /healthz`: 200 when the model is loaded (the application is not built otherwise), the database answers with
/// every migration applied, and this node's knowledge indexes are not behind the database; 503 otherwise, saying
/// which. A load balancer takes a 503 node out of rotation.
struct HealthController {
    let embedder: MiniLMEmbedder
    let storage: any StorageBackend
    /// Several nodes (PostgreSQL): the knowledge sync, which knows whether this node is behind.
    let knowledgeSync: KnowledgeSync?

    struct Health: Encodable {
        let status: String
        let model: String
        let dimension: Int
        let database: String
        let migrations: Bool
        /// Set when the database is unreachable or not migrated.
        let problem: String?
        /// Businesses whose knowledge this node has not caught up with for a while (several nodes only).
        let knowledgeBehind: [String]

        enum CodingKeys: String, CodingKey {
            case status, model, dimension, database, migrations, problem
            case knowledgeBehind = "knowledge_behind"
        }
    }

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.get("healthz") { _, _ in
            let database = await storage.health()
            let behind = knowledgeSync?.staleBusinesses() ?? []
            let healthy = database.isHealthy && behind.isEmpty
            return try JSONResponse.make(
                Health(status: healthy ? "ok" : "unavailable", model: "all-MiniLM-L6-v2",
                       dimension: embedder.dimension, database: storage.kind, migrations: database.migrated,
                       problem: database.problem ?? (behind.isEmpty ? nil : "knowledge index behind the database"),
                       knowledgeBehind: behind),
                status: healthy ? .ok : .serviceUnavailable)
        }
    }
}
