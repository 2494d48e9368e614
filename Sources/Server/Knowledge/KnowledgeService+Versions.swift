import Foundation

/// Which `kb_version` each business's indexes reflect, and catching up with changes other nodes made. Every
/// knowledge write raises the business's `kb_version` by one, in its own transaction.
extension KnowledgeService {
    /// After this node's own write (inside the business's gate): if the database's version is exactly one past the
    /// indexes', the write was the only change since, and the indexes now reflect the new version. Otherwise another
    /// node wrote too, and the version stays behind so the next catch-up reads the business again.
    func recordOwnWrite(_ knowledge: BusinessKnowledge) async throws {
        guard let versions, let current = knowledge.version.withLock({ $0 }) else { return }
        let stored = try await versions.knowledgeVersions(ids: [knowledge.businessId])[knowledge.businessId]
        if let stored, stored == current + 1 { knowledge.version.withLock { $0 = stored } }
    }

    /// The `kb_version` the business's indexes reflect now, if they are loaded and tracked.
    public func appliedVersion(businessId: String) -> Int64? {
        loadedKnowledge(businessId)?.version.withLock { $0 }
    }

    /// Businesses whose indexes are in memory, with the version each reflects (nil: not tracked).
    public func loadedVersions() -> [String: Int64?] {
        businessesSnapshot().mapValues { $0.version.withLock { $0 } }
    }

    /// Brings the business's indexes up to at least `version` (another node's write), reading the business again
    /// from the database. A business not loaded yet is left alone: it is read whole on first use.
    /// - Returns: whether the indexes were read again.
    @discardableResult
    public func catchUp(businessId: String, to version: Int64) async throws -> Bool {
        guard let knowledge = loadedKnowledge(businessId) else { return false }
        try await knowledge.loaded()
        return try await knowledge.gate.run { [repository, versions, logger] in
            if let applied = knowledge.version.withLock({ $0 }), applied >= version { return false }
            try await knowledge.synchronise(with: repository, versions: versions)
            logger.debug("knowledge caught up", metadata: [
                "business": "\(businessId)", "kb_version": "\(knowledge.version.withLock { $0 }.map(String.init) ?? "-")"])
            return true
        }
    }
}
