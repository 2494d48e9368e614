import Foundation
import Testing
@testable import Server

/// Kills a real `frontdesk serve` process with SIGKILL in the middle of a large import and concurrent writes,
/// restarts it on the same database and checks that the vector index equals the database: every acknowledged
/// entry is there and searchable, no deleted entry comes back, the import is all or nothing.
@Suite(.serialized, .timeLimit(.minutes(10)))  // a hang guard, not a timing assertion
struct CrashDurabilityTests {
    /// Entries the writer saw acknowledged (and the one it may have had in flight when the server died).
    actor Ledger {
        var created: [String: String] = [:]  // id → unique marker word in its content
        var deleted: Set<String> = []
        var inFlight = 0
        /// A delete sent when the server died: it may or may not have committed.
        var uncertain: Set<String> = []
        func add(_ id: String, _ marker: String) { created[id] = marker }
        func remove(_ id: String) { created[id] = nil; deleted.insert(id) }
        func deleteUnacknowledged(_ id: String) { created[id] = nil; uncertain.insert(id) }
        func begin() { inFlight += 1 }
        func end() { inFlight -= 1 }
    }

    @Test func killDashNineDuringALargeImportLeavesIndexEqualToDatabase() async throws {
        let directory = try TemporaryDirectory()
        let databasePath = directory.path("frontdesk.sqlite")
        let key = try await LiveServer.makeTenant(databasePath: databasePath, slug: "crash", name: "Crash Test Plumbing")

        let ledger = Ledger()
        let server = try LiveServer(databasePath: databasePath)
        for i in 0..<12 {
            let marker = "zqmark\(i)x"
            let response = try await server.json("POST", "/v1/knowledge", key: key, [
                "title": "Service note \(i)", "content": "Note \(i) about boilers and radiators. Reference \(marker).",
            ])
            #expect(response.status == 201)
            await ledger.add(try #require(response.json["id"] as? String), marker)
        }
        for id in await Array(ledger.created.keys.sorted().prefix(4)) {
            #expect(try await server.request("DELETE", "/v1/knowledge/\(id)", key: key).status == 204)
            await ledger.remove(id)
        }

        // Imports of 120 rows back to back, single writes and deletes beside them, then SIGKILL at a moment that
        // falls in a different phase (embedding, the import transaction, an edit) from run to run.
        let rows = 120
        let importer = Task { () -> [Int: Bool] in
            var acknowledged: [Int: Bool] = [:]
            for batch in 0..<50 {
                let jsonl = (0..<rows).map { i in
                    #"{"title": "Imported answer \#(batch)-\#(i)", "content": "Imported content \#(i) of batch \#(batch) about taps, tanks and tariffs.", "category": "bulk"}"#
                }.joined(separator: "\n")
                let status = try? await server.request("POST", "/v1/knowledge/import", key: key,
                                                       body: Data(jsonl.utf8), contentType: "application/x-ndjson").status
                acknowledged[batch] = status == 201
                if status != 201 { break }
            }
            return acknowledged
        }
        let writer = Task {
            var i = 100
            // Stops at its first failed request (the kill). Not cancelled: cancelling a task inside
            // URLSession.data(for:) while the connection fails deadlocks swift-corelibs-foundation.
            while true {
                let marker = "zqmark\(i)x"
                await ledger.begin()
                guard let response = try? await server.json("POST", "/v1/knowledge", key: key, [
                    "title": "Live note \(i)", "content": "Written while importing. Reference \(marker).",
                ]), response.status == 201, let id = response.json["id"] as? String else { break }
                await ledger.add(id, marker)
                await ledger.end()
                if i % 3 == 0 {
                    guard (try? await server.request("DELETE", "/v1/knowledge/\(id)", key: key))?.status == 204 else {
                        await ledger.deleteUnacknowledged(id)
                        break
                    }
                    await ledger.remove(id)
                }
                i += 1
            }
        }
        try await Task.sleep(for: .milliseconds(Int.random(in: 1500...3500)))
        server.kill9()
        _ = await writer.value
        let importsAcknowledged = await importer.value

        let restarted = try LiveServer(databasePath: databasePath)
        defer { restarted.stop() }
        let status = try await restarted.request("GET", "/v1/knowledge/status", key: key)
        #expect(status.status == 200)
        #expect(status.json["consistent"] as? Bool == true, "index and database differ after restart: \(status.json)")

        // Acknowledged entries are back and found by keyword (FTS5) and dense (vector index) search.
        let created = await ledger.created
        for (id, marker) in created {
            #expect(try await restarted.request("GET", "/v1/knowledge/\(id)", key: key).status == 200)
            let keyword = try await restarted.json("POST", "/v1/knowledge/search", key: key, ["query": marker, "mode": "keyword"])
            #expect((keyword.json["results"] as? [[String: Any]])?.first?["entry_id"] as? String == id)
        }
        for (id, marker) in created.sorted(by: { $0.key < $1.key }).prefix(3) {
            let dense = try await restarted.json("POST", "/v1/knowledge/search", key: key,
                                                 ["query": "Reference \(marker)", "mode": "dense", "k": 50])
            let ids = (dense.json["results"] as? [[String: Any]] ?? []).compactMap { $0["entry_id"] as? String }
            #expect(ids.contains(id))
        }
        // Deleted entries stay deleted, in the database and in every search mode.
        for id in await ledger.deleted {
            #expect(try await restarted.request("GET", "/v1/knowledge/\(id)", key: key).status == 404)
        }
        let deletedIDs = await ledger.deleted
        for mode in ["keyword", "dense", "hybrid"] {
            let search = try await restarted.json("POST", "/v1/knowledge/search", key: key, ["query": "Reference zqmark", "mode": mode, "k": 50])
            let ids = (search.json["results"] as? [[String: Any]] ?? []).compactMap { $0["entry_id"] as? String }
            #expect(Set(ids).isDisjoint(with: deletedIDs), "a deleted entry came back in \(mode) search")
        }

        // Each import is all or nothing, acknowledged ones are complete; at most the one write in flight at the
        // kill may have committed unseen.
        let uncertain = await ledger.uncertain
        var importedPerBatch: [Int: Int] = [:], others = 0
        var cursor: String?
        repeat {
            let page = try await restarted.request("GET", "/v1/knowledge?limit=500" + (cursor.map { "&cursor=\($0)" } ?? ""), key: key)
            for item in page.json["items"] as? [[String: Any]] ?? [] where !uncertain.contains(item["id"] as? String ?? "") {
                let title = item["title"] as? String ?? ""
                if title.hasPrefix("Imported answer "), let batch = Int(title.dropFirst(16).split(separator: "-")[0]) {
                    importedPerBatch[batch, default: 0] += 1
                } else {
                    others += 1
                }
            }
            cursor = page.json["next_cursor"] as? String
        } while cursor != nil
        for (batch, count) in importedPerBatch { #expect(count == rows, "import \(batch) survived partially: \(count) of \(rows)") }
        for (batch, acknowledged) in importsAcknowledged where acknowledged { #expect(importedPerBatch[batch] == rows) }
        print("crash test: imports acknowledged \(importsAcknowledged.values.filter { $0 }.count), present \(importedPerBatch.count); entries \(others), acknowledged \(created.count), deleted \(await ledger.deleted.count)")
        let inFlight = await ledger.inFlight
        #expect(others >= created.count && others <= created.count + inFlight,
                "entries \(others), acknowledged \(created.count), in flight \(inFlight)")
    }
}
