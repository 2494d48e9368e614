import Foundation
import Logging
// Until every PostgreSQL repository is ported (issue 11 in progress), serving on PostgreSQL is refused.
extension PostgresStorage {
    static func open(url: PostgresURL, poolSize: Int, logger: Logger, now: @escaping @Sendable () -> Date) async throws -> PostgresStorage {
        throw PostgresURLError("this build cannot serve from PostgreSQL yet: its repositories are being ported")
    }
}
