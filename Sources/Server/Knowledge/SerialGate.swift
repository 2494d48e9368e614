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

/// One `SerialGate` per key, made on first use and dropped when its last operation ends: the webhooks of one call
/// run one at a time (in arrival order) while different calls run in parallel.
actor KeyedSerialGates {
    private var gates: [String: (gate: SerialGate, users: Int)] = [:]

    func run<T: Sendable>(_ key: String, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        var entry = gates[key] ?? (SerialGate(), 0)
        entry.users += 1
        gates[key] = entry
        defer { release(key) }
        return try await entry.gate.run(operation)
    }

    private func release(_ key: String) {
        guard var entry = gates[key] else { return }
        entry.users -= 1
        gates[key] = entry.users == 0 ? nil : entry
    }

    /// Keys with an operation running or waiting (for tests).
    var activeKeys: Int { gates.count }
}
