/// Runs async operations one at a time, in call order — an async mutex.
///
/// A business's knowledge writes go through one gate so that the order in which they commit to SQLite is the
/// order in which they reach the in-memory index (an actor alone would not do: it is re-entrant at every
/// `await`, and each write awaits the database).
actor SerialGate {
    private var tail: Task<Void, Never>?

    func run<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let previous = tail
        let task = Task {
            await previous?.value
            return try await operation()
        }
        tail = Task { _ = try? await task.value }
        return try await task.value
    }
}
