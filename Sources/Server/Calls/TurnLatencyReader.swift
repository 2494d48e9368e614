import Foundation
import Logging

/// A call repository that can read its receptionist turns' server-side timings back (`call_turns.latency_ms`).
/// Both backends' call repositories conform; benchmarks reach it through ``TurnLatencyReader``.
protocol TurnLatencySource: Sendable {
    /// The receptionist turns created between `start` and `end` (inclusive), oldest first, with their latency.
    func receptionistTurnLatencies(from start: Date, to end: Date) async throws -> [TurnLatency]
}

extension GRDBCallRepository: TurnLatencySource {}
extension PostgresCallRepository: TurnLatencySource {}

/// Reads the server's own turn timings from the database a configuration names (SQLite file or PostgreSQL URL),
/// through that backend's call repository: `frontdesk bench calls` uses it on servers running in other processes.
public struct TurnLatencyReader: Sendable {
    private let storage: any StorageBackend
    private let source: any TurnLatencySource

    /// Opens `config`'s database (migrating it if it is new, as `serve` would) with a small pool.
    public static func open(_ config: AppConfig, logger: Logger) async throws -> TurnLatencyReader {
        var config = config
        config.databasePoolSize = 2
        let storage = try await openStorage(config, logger: logger, now: Date.init)
        guard let source = storage.repositories.calls as? any TurnLatencySource else {
            try? await storage.close()
            throw StartupError(description: "the \(storage.kind) call repository cannot read turn latencies back")
        }
        return TurnLatencyReader(storage: storage, source: source)
    }

    /// "sqlite" or "postgresql".
    public var kind: String { storage.kind }

    /// The receptionist turns created between `start` and `end` (inclusive), oldest first.
    public func receptionistTurnLatencies(from start: Date, to end: Date) async throws -> [TurnLatency] {
        try await source.receptionistTurnLatencies(from: start, to: end)
    }

    public func close() async throws {
        try await storage.close()
    }
}
