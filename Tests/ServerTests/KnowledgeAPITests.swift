import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Server

/// `/v1/knowledge…` through the real router, model and SQLite.
struct KnowledgeAPITests {
    @Test func createdEntryIsSearchableInEveryModeAndEditsAreLiveOnTheNextSearch() async throws {
        let test = try await TestApp.make()
        let (_, key) = try await test.makeTenant("brightwater")
        try await test.app.test(.router) { client in
            let created = try await client.call(.post, "/v1/knowledge", key: key, json: [
                "title": "Emergency call-outs", "category": "emergencies", "tags": ["urgent"],
                "content": "We attend burst pipes and boiler breakdowns 24 hours a day. The emergency call-out fee is £95.",
            ])
            #expect(created.status == .created)
            let id = try #require(created.body["id"] as? String)
            try await client.call(.post, "/v1/knowledge", key: key, json: [
                "title": "Opening hours", "category": "hours", "content": "The office is open Monday to Friday, 8am to 6pm.",
            ])

            for mode in ["hybrid", "dense", "keyword"] {
                let search = try await client.call(.post, "/v1/knowledge/search", key: key,
                                                   json: ["query": "do you come out for a burst pipe at night", "mode": mode, "k": 2])
                #expect(search.status == .ok)
                let top = try #require(search.body.results.first, "no results in \(mode) mode")
                #expect(top["entry_id"] as? String == id, "mode \(mode)")
                #expect(top["title"] as? String == "Emergency call-outs")
                #expect(top["category"] as? String == "emergencies")
                #expect((top["snippet"] as? String)?.contains("£95") == true)
            }

            // Replace: the old wording is gone from keyword search, the new one is found at once.
            let replaced = try await client.call(.put, "/v1/knowledge/\(id)", key: key, json: [
                "title": "Emergency call-outs", "category": "emergencies",
                "content": "Out-of-hours callouts cost £120 and cover any leak or flood.",
            ])
            #expect(replaced.status == .ok)
            let old = try await client.call(.post, "/v1/knowledge/search", key: key, json: ["query": "boiler breakdowns", "mode": "keyword"])
            #expect(old.body.results.allSatisfy { $0["entry_id"] as? String != id })
            let new = try await client.call(.post, "/v1/knowledge/search", key: key, json: ["query": "flood callouts", "mode": "keyword"])
            #expect(new.body.results.first?["entry_id"] as? String == id)

            // Patch one field; the rest stays.
            let patched = try await client.call(.patch, "/v1/knowledge/\(id)", key: key, json: ["category": "urgent"])
            #expect(patched.body["category"] as? String == "urgent")
            #expect((patched.body["content"] as? String)?.contains("£120") == true)
            let filtered = try await client.call(.post, "/v1/knowledge/search", key: key,
                                                 json: ["query": "leak", "categories": ["hours"], "mode": "dense"])
            #expect(filtered.body.results.allSatisfy { $0["category"] as? String == "hours" })

            // Delete: gone from get, list and every search mode; index and database agree.
            #expect(try await client.call(.delete, "/v1/knowledge/\(id)", key: key).status == .noContent)
            #expect(try await client.call(.get, "/v1/knowledge/\(id)", key: key).status == .notFound)
            for mode in ["hybrid", "dense", "keyword"] {
                let search = try await client.call(.post, "/v1/knowledge/search", key: key, json: ["query": "flood callouts leak", "mode": mode])
                #expect(search.body.results.allSatisfy { $0["entry_id"] as? String != id })
            }
            let status = try await client.call(.get, "/v1/knowledge/status", key: key)
            #expect(status.body["consistent"] as? Bool == true)
            #expect(status.body["entries"] as? Int == 1)
        }
    }

    @Test func importsTheSampleCorpusAndAnswersACallerQuestion() async throws {
        let test = try await TestApp.make()
        let (_, key) = try await test.makeTenant("plumbing")
        let jsonl = try String(contentsOf: ServerTestPaths.corpora.appendingPathComponent("plumbing/knowledge.jsonl"), encoding: .utf8)
        let rows = jsonl.split(separator: "\n").count
        try await test.app.test(.router) { client in
            let imported = try await client.call(.post, "/v1/knowledge/import", key: key, raw: jsonl, contentType: "application/x-ndjson")
            #expect(imported.status == .created)
            #expect(imported.body["imported"] as? Int == rows)
            let list = try await client.call(.get, "/v1/knowledge?limit=500", key: key)
            #expect((list.body["items"] as? [Any])?.count == rows)
            let search = try await client.call(.post, "/v1/knowledge/search", key: key,
                                               json: ["query": "I can smell gas in my kitchen what should I do", "k": 3])
            let categories = search.body.results.compactMap { $0["category"] as? String }
            #expect(categories.contains("emergencies"), "top 3: \(search.body.results.map { $0["title"] ?? "" })")
            let status = try await client.call(.get, "/v1/knowledge/status", key: key)
            #expect(status.body["consistent"] as? Bool == true)
            #expect(status.body["entries"] as? Int == rows)
        }
    }

    @Test func importWithABadRowImportsNothingAndReportsTheRow() async throws {
        let test = try await TestApp.make()
        let (_, key) = try await test.makeTenant("acme")
        let csv = "question,answer,category\nDo you fix taps?,Yes we fix all taps.,services\n,Missing a question,services\nAre you insured?,Yes: £5m public liability.,about\n"
        try await test.app.test(.router) { client in
            let response = try await client.call(.post, "/v1/knowledge/import", key: key, raw: csv, contentType: "text/csv")
            #expect(response.status == .unprocessableContent)
            #expect(response.body.errorCode == "invalid_rows")
            let details = (response.body["error"] as? [String: Any])?["details"] as? [[String: Any]]
            #expect(details?.first?["row"] as? Int == 3)
            let list = try await client.call(.get, "/v1/knowledge", key: key)
            #expect((list.body["items"] as? [Any])?.isEmpty == true)

            let unknown = try await client.call(.post, "/v1/knowledge/import", key: key, raw: "<xml/>", contentType: "application/xml")
            #expect(unknown.status == .unsupportedMediaType)
            let markdown = try await client.call(.post, "/v1/knowledge/import?format=markdown", key: key,
                                                 raw: "# Parking\nFree parking behind the shop.\n\n# Payment\nCards and bank transfer.\n", contentType: "text/plain")
            #expect(markdown.status == .created)
            #expect(markdown.body["imported"] as? Int == 2)
        }
    }

    @Test func badInputGetsAClearJSONErrorAndWritesNothing() async throws {
        let test = try await TestApp.make()
        let (_, key) = try await test.makeTenant("acme")
        try await test.app.test(.router) { client in
            let malformed = try await client.call(.post, "/v1/knowledge", key: key, raw: "{\"title\": ", contentType: "application/json")
            #expect(malformed.status == .badRequest)
            #expect(malformed.body.errorCode == "invalid_json")
            let missing = try await client.call(.post, "/v1/knowledge", key: key, json: ["title": "No content"])
            #expect(missing.status == .badRequest)
            #expect(missing.body.errorCode == "missing_field")
            let wrongType = try await client.call(.post, "/v1/knowledge", key: key, json: ["title": 7, "content": "x"])
            #expect(wrongType.body.errorCode == "invalid_field")
            let empty = try await client.call(.post, "/v1/knowledge", key: key, json: ["title": "  ", "content": "x"])
            #expect(empty.status == .unprocessableContent)
            let huge = try await client.call(.post, "/v1/knowledge", key: key,
                                             json: ["title": "Huge", "content": String(repeating: "a", count: 1_000_001)])
            #expect(huge.status == .unprocessableContent)
            let tooLarge = try await client.call(.post, "/v1/knowledge", key: key,
                                                 raw: String(repeating: " ", count: 2_000_001), contentType: "application/json")
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.body.errorCode == "body_too_large")
            let badK = try await client.call(.post, "/v1/knowledge/search", key: key, json: ["query": "taps", "k": 0])
            #expect(badK.status == .badRequest)
            let badMode = try await client.call(.post, "/v1/knowledge/search", key: key, json: ["query": "taps", "mode": "fuzzy"])
            #expect(badMode.status == .badRequest)
            let unknownID = try await client.call(.put, "/v1/knowledge/no-such-id", key: key, json: ["title": "t", "content": "c"])
            #expect(unknownID.status == .notFound)
            #expect(unknownID.body.errorCode == "not_found")
            let hugeImport = try await client.call(.post, "/v1/knowledge/import", key: key,
                                                   raw: String(repeating: "x", count: 20_000_001), contentType: "text/plain")
            #expect(hugeImport.status == .contentTooLarge)
            #expect(hugeImport.body.errorCode == "body_too_large")
            let badLimit = try await client.call(.get, "/v1/knowledge?limit=0", key: key)
            #expect(badLimit.status == .badRequest)
            let list = try await client.call(.get, "/v1/knowledge", key: key)
            #expect((list.body["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func keysAreCheckedAndBusinessesAreIsolated() async throws {
        let test = try await TestApp.make()
        let (_, keyA) = try await test.makeTenant("alpha")
        let (businessB, keyB) = try await test.makeTenant("bravo")
        try await test.app.test(.router) { client in
            #expect(try await client.call(.get, "/v1/knowledge", key: nil).status == .unauthorized)
            #expect(try await client.call(.get, "/v1/knowledge", key: "fd_live_wrongwrongwrongwrongwrongwrong12").status == .unauthorized)
            let created = try await client.call(.post, "/v1/knowledge", key: keyA,
                                                json: ["title": "Alpha secret", "content": "Alpha's door code is 4321."])
            let id = try #require(created.body["id"] as? String)
            #expect(try await client.call(.get, "/v1/knowledge/\(id)", key: keyB).status == .notFound)
            #expect(try await client.call(.delete, "/v1/knowledge/\(id)", key: keyB).status == .notFound)
            let search = try await client.call(.post, "/v1/knowledge/search", key: keyB, json: ["query": "door code"])
            #expect(search.body.results.isEmpty)
            #expect(try await client.call(.get, "/v1/knowledge/\(id)", key: keyA).status == .ok)

            _ = try await test.services.businesses.update(id: businessB.id, BusinessPatch(status: .suspended))
            let suspended = try await client.call(.get, "/v1/knowledge", key: keyB)
            #expect(suspended.status == .forbidden)
            #expect(suspended.body.errorCode == "business_suspended")
        }
    }
}
