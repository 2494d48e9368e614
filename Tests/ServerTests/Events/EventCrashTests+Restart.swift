import Events
import Foundation
import GRDB
import Testing
@testable import Server

/// Restarting on the crashed file: consumers set back, then caught up.
extension EventCrashTests {
    /// Sets each consumer's checkpoint in the file (server stopped) back to half of where it is. Returns the new
    /// checkpoints and, per consumer, how many events the next server will hand again although their effect is in
    /// the file already (those after the new checkpoint: before the old one, or handled just before a kill).
    static func setCheckpointsBack(_ database: AppDatabase, _ log: LogState) async throws
        -> (setBack: [String: Int64], again: [String: Int]) {
        let setBack = Dictionary(uniqueKeysWithValues: consumers.keys.map { ($0, (log.checkpoints[$0] ?? 0) / 2) })
        for (consumer, checkpoint) in setBack {
            try await database.dbPool.write { db in
                try db.execute(sql: "UPDATE event_checkpoints SET last_event_id = ? WHERE consumer = ?",
                               arguments: [checkpoint, consumer])
            }
        }
        let again: [String: Int] = [
            "post-call": log.events(.callEnded).filter {
                $0.id > setBack["post-call"]! && log.summaryKeys.contains("summary:\($0.stream.id)")
            }.count,
            "owner-alerts": try log.events(.ownerAlertRaised).filter {
                guard $0.id > setBack["owner-alerts"]!, let id = try $0.decode(OwnerAlertRaised.self).alertId else { return false }
                return log.ownerTextKeys.contains("owner-alert:\(id)")
            }.count,
        ]
        return (setBack, again)
    }

    /// Starts the server on `path` and waits (at most 60 s, polling the file) until every consumer's checkpoint is at
    /// the end of the log — which moves while the owner texts the consumer queues append their own events. Then
    /// checks on the server's `/metrics` that it handed each consumer every event of its types after `setBack`
    /// exactly once, and skipped none.
    static func restartAndCatchUp(path: String, businessId: String, setBack: [String: Int64]) async throws
        -> (server: LiveServer, log: LogState, took: Duration) {
        let began = ContinuousClock.now
        let server = try LiveServer(databasePath: path, environment: environment)
        let observer = try AppDatabase(path: path)
        var caughtUp = false
        while !caughtUp, ContinuousClock.now - began < .seconds(60) {
            let (checkpoints, last) = try await progress(observer)
            caughtUp = consumers.keys.allSatisfy { checkpoints[$0] == last }
            if !caughtUp { try await Task.sleep(for: .milliseconds(200)) }
        }
        let took = ContinuousClock.now - began
        guard caughtUp else {
            server.stop()
            throw LiveServerError("the consumers did not reach the end of the log within 60 s of the restart")
        }
        let log = try await LogState.read(observer, businessId: businessId)
        for (consumer, types) in consumers {
            let expected = log.events.filter { $0.id > setBack[consumer]! && types.contains($0.type) }.count
            let done = try await counter(server.port, AppMetrics.Name.eventsHandled, ["consumer": consumer, "result": "done"])
            let skipped = try await counter(server.port, AppMetrics.Name.eventsHandled, ["consumer": consumer, "result": "skipped"])
            #expect(Int(done) == expected, "\(consumer) handled \(done) events after the restart, expected \(expected)")
            #expect(skipped == 0, "\(consumer) skipped \(skipped) events")
        }
        return (server, log, took)
    }
}
