/// For the concurrency contract tests: each of several concurrent writes' result, success or error.
extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
