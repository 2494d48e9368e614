import Foundation
import Synchronization

/// How far each knowledge import of the panel has got, for its progress bar
/// (`GET /app/b/{slug}/knowledge/imports/{id}`). The import itself runs in its upload's request — the browser's
/// script polls this while that request is open — so there is no background task to supervise: an import ends
/// with its request, and a server shutting down finishes it first like any request in flight.
///
/// Kept in memory, per node: the poll goes to the node the upload went to (a client's requests do, behind the
/// usual sticky balancing); elsewhere the bar simply waits for the upload's answer. A finished import is kept
/// for `retention` so the last poll sees how it ended; older ones are forgotten when a new one starts.
final class PanelImports: Sendable {
    /// One import's progress, as the status route answers it.
    struct Progress: Codable, Sendable, Equatable {
        enum Phase: String, Codable, Sendable {
            /// Reading the file and checking every row.
            case reading
            /// Embedding the entries (`done` of `total`).
            case embedding
            /// Storing the entries in one transaction and updating the search indexes.
            case saving
            case finished
            case failed
        }

        var phase: Phase
        var done: Int
        var total: Int
        /// Entries imported (when finished).
        var imported: Int?
        /// Why it failed.
        var error: String?
        /// 0…100, for the bar.
        var percent: Int
    }

    private struct Entry {
        var progress: Progress
        var updated: Date
    }

    static let retention: TimeInterval = 15 * 60
    static let maxTracked = 1_000

    private let imports = Mutex<[String: Entry]>([:])
    private let now: @Sendable () -> Date

    init(now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    /// A new id for an import form (128 random bits, URL-safe).
    static func makeId() -> String { UUID().uuidString.lowercased() }

    /// Whether `id` can name an import (what `makeId` makes, or what a script makes alike).
    static func isValidId(_ id: String) -> Bool {
        (8...64).contains(id.utf8.count) && id.utf8.allSatisfy { $0 == 0x2D || (0x30...0x39).contains($0) || (0x61...0x7A).contains($0) }
    }

    func start(businessId: String, id: String) {
        let timestamp = now()
        imports.withLock { map in
            map = map.filter { timestamp.timeIntervalSince($0.value.updated) < Self.retention }
            if map.count >= Self.maxTracked, let oldest = map.min(by: { $0.value.updated < $1.value.updated })?.key {
                map.removeValue(forKey: oldest)
            }
            map[Self.key(businessId, id)] = Entry(
                progress: Progress(phase: .reading, done: 0, total: 0, imported: nil, error: nil, percent: 0), updated: timestamp)
        }
    }

    func embedding(businessId: String, id: String, done: Int, total: Int) {
        // Embedding is most of the work: it fills the bar to 95 %, saving the rest.
        update(businessId, id) { $0 = Progress(phase: .embedding, done: done, total: total, imported: nil, error: nil,
                                               percent: total == 0 ? 0 : done * 95 / total) }
    }

    func saving(businessId: String, id: String, total: Int) {
        update(businessId, id) { $0 = Progress(phase: .saving, done: total, total: total, imported: nil, error: nil, percent: 95) }
    }

    func finished(businessId: String, id: String, imported: Int) {
        update(businessId, id) {
            $0 = Progress(phase: .finished, done: imported, total: imported, imported: imported, error: nil, percent: 100)
        }
    }

    func failed(businessId: String, id: String, error: String) {
        update(businessId, id) { $0.phase = .failed; $0.error = error }
    }

    /// The import's progress; nil for an id this node does not know in this business.
    func progress(businessId: String, id: String) -> Progress? {
        imports.withLock { $0[Self.key(businessId, id)]?.progress }
    }

    private func update(_ businessId: String, _ id: String, _ change: (inout Progress) -> Void) {
        let timestamp = now()
        imports.withLock { map in
            guard var entry = map[Self.key(businessId, id)] else { return }
            change(&entry.progress)
            entry.updated = timestamp
            map[Self.key(businessId, id)] = entry
        }
    }

    private static func key(_ businessId: String, _ id: String) -> String { businessId + "/" + id }
}
