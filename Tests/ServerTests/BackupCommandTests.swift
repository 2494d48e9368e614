import Foundation
import Testing
@testable import Server

/// `frontdesk backup`, run as the real binary against the database of a running `frontdesk serve`; the copy is
/// then served by a second server and read back over HTTP (a restore is exactly that).
@Suite(.serialized, .timeLimit(.minutes(5)))  // a hang guard, not a timing assertion
struct BackupCommandTests {
    static func backup(_ arguments: [String]) throws -> (status: Int32, output: String) {
        guard FileManager.default.isExecutableFile(atPath: LiveServer.binary.path) else {
            throw LiveServerError("\(LiveServer.binary.path) is missing: build it first (`swift build`; `make test` does)")
        }
        let process = Process()
        process.executableURL = LiveServer.binary
        process.arguments = ["backup"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func backupOfARunningServerIsServedByASecondServer() async throws {
        let directory = try TemporaryDirectory()
        let databasePath = directory.path("frontdesk.sqlite")
        let key = try await LiveServer.makeTenant(databasePath: databasePath, slug: "backup", name: "Backup Plumbing")
        let server = try LiveServer(databasePath: databasePath)

        var titles: [String: String] = [:]  // id → title, acknowledged before the backup
        for i in 0..<6 {
            let response = try await server.json("POST", "/v1/knowledge", key: key, [
                "title": "Boiler note \(i)", "content": "Note \(i) on boilers and radiators. Reference zqbackup\(i)x.",
            ])
            #expect(response.status == 201)
            titles[try #require(response.json["id"] as? String)] = "Boiler note \(i)"
        }
        // Writes keep arriving while the backup runs.
        let writer = Task {
            for i in 0..<20 where !Task.isCancelled {
                _ = try? await server.json("POST", "/v1/knowledge", key: key, [
                    "title": "Late note \(i)", "content": "Written during the backup.",
                ])
            }
        }

        let copy = directory.path("copy.sqlite")
        let (status, output) = try Self.backup(["--db", databasePath, "--to", copy])
        writer.cancel()
        _ = await writer.value
        #expect(status == 0, "\(output)")
        #expect(output.contains("backup written: \(copy)"), "\(output)")
        #expect(output.contains("integrity_check ok"), "\(output)")
        #expect(output.contains("businesses 1"), "\(output)")
        #expect(output.contains("restore: frontdesk serve --db \(copy)"), "\(output)")

        // A second backup to the same name is refused and leaves the first intact.
        let size = try FileManager.default.attributesOfItem(atPath: copy)[.size] as? NSNumber
        let again = try Self.backup(["--db", databasePath, "--to", copy])
        #expect(again.status != 0)
        #expect(again.output.contains("already exists"), "\(again.output)")
        #expect(try FileManager.default.attributesOfItem(atPath: copy)[.size] as? NSNumber == size)

        // Restore: a second server on the copy answers with the data, the first keeps running on the original.
        let restored = try LiveServer(databasePath: copy)
        defer { restored.stop(); server.stop() }
        for (id, title) in titles {
            let entry = try await restored.request("GET", "/v1/knowledge/\(id)", key: key)
            #expect(entry.status == 200)
            #expect(entry.json["title"] as? String == title)
        }
        let search = try await restored.json("POST", "/v1/knowledge/search", key: key, ["query": "zqbackup4x", "k": 3])
        #expect(search.status == 200)
        let hits = search.json["results"] as? [[String: Any]] ?? []
        #expect(hits.first?["title"] as? String == "Boiler note 4", "\(search.json)")
        let index = try await restored.request("GET", "/v1/knowledge/status", key: key)
        #expect(index.json["consistent"] as? Bool == true, "\(index.json)")
        #expect(try await server.request("GET", "/healthz", key: nil).status == 200)
    }

    @Test func aMissingDatabaseIsAnErrorAndWritesNothing() throws {
        let directory = try TemporaryDirectory()
        let result = try Self.backup(["--db", directory.path("none.sqlite"), "--to", directory.path("copy.sqlite")])
        #expect(result.status != 0)
        #expect(result.output.contains("no database at"), "\(result.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).isEmpty)
    }
}
