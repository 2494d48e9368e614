import Foundation

/// A unit of background work. Row of `jobs`.
public struct Job: Codable, Sendable, Equatable, Identifiable {
    public enum Status: String, Codable, Sendable { case queued, running, done, failed }

    public var id: Int64
    /// Which handler runs it (`JobHandler.kind`).
    public var kind: String
    public var businessId: String?
    /// The handler's input, JSON.
    public var payload: String
    /// At most one job per key, ever (e.g. "summary:<CallSid>"): enqueueing it again does nothing.
    public var dedupeKey: String?
    public var status: Status
    /// Runs started so far (including the one in progress).
    public var attempts: Int
    public var maxAttempts: Int
    /// Not run before this time.
    public var runAt: Date
    /// While running: the lease; past it, the job is considered abandoned and is run again.
    public var lockedUntil: Date?
    public var lastError: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var finishedAt: Date?

    /// Decodes the payload.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: Data(payload.utf8))
    }
}

/// Work to enqueue.
public struct NewJob: Sendable, Equatable {
    public var kind: String
    public var businessId: String?
    public var payload: String
    public var dedupeKey: String?
    public var runAt: Date?
    public var maxAttempts: Int

    public init<Payload: Encodable>(kind: String, businessId: String?, payload: Payload, dedupeKey: String? = nil,
                                    runAt: Date? = nil, maxAttempts: Int = 5) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        self.kind = kind
        self.businessId = businessId
        self.payload = String(decoding: try encoder.encode(payload), as: UTF8.self)
        self.dedupeKey = dedupeKey
        self.runAt = runAt
        self.maxAttempts = maxAttempts
    }
}
