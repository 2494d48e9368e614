import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Server

/// `/v1/admin/businesses…` through the real router, model and SQLite.
struct AdminAPITests {
    @Test func businessLifecycleFromCreateToDelete() async throws {
        let test = try await TestApp.make()
        try await test.app.test(.router) { client in
            let created = try await client.admin(.post, "/v1/admin/businesses", json: [
                "slug": "brightwater", "name": "Brightwater Plumbing", "time_zone": "Europe/London",
                "numbers": ["+441632960001", "+441632960002"],
                "settings": ["greeting": "Brightwater, how can we help?", "answer_confidence_threshold": 0.5,
                             "business_hours": ["monday": ["open": "08:00", "close": "18:00"]]],
            ])
            #expect(created.status == .created)
            let id = try #require(created.body["id"] as? String)
            let key = try #require(created.body["api_key"] as? String)
            #expect(key.hasPrefix("fd_live_"))
            #expect(created.body["slug"] as? String == "brightwater")
            #expect(created.body["time_zone"] as? String == "Europe/London")
            #expect(created.body["status"] as? String == "ACTIVE")
            #expect(created.body["numbers"] as? [String] == ["+441632960001", "+441632960002"])
            #expect(created.body["created_at"] is String && created.body["updated_at"] is String)
            let settings = try #require(created.body["settings"] as? [String: Any])
            #expect(settings["greeting"] as? String == "Brightwater, how can we help?")
            #expect(settings["answer_confidence_threshold"] as? Double == 0.5)
            #expect(settings["voice"] as? String == ReceptionistSettings.defaultVoice)
            #expect(settings["transfer_number"] is NSNull)

            // The key from create works on the tenant API at once.
            let entry = try await client.call(.post, "/v1/knowledge", key: key,
                                              json: ["title": "Call-outs", "content": "We attend burst pipes 24 hours a day."])
            #expect(entry.status == .created)

            // Read back: the key is shown only at create.
            let fetched = try await client.admin(.get, "/v1/admin/businesses/\(id)")
            #expect(fetched.status == .ok)
            #expect(fetched.body["api_key"] == nil)
            #expect(fetched.body["name"] as? String == "Brightwater Plumbing")

            // Patch some fields; numbers are replaced as a set, the rest stays.
            let patched = try await client.admin(.patch, "/v1/admin/businesses/\(id)", json: [
                "name": "Brightwater Plumbing & Heating", "numbers": ["+441632960003"], "time_zone": "Europe/Dublin",
            ])
            #expect(patched.status == .ok)
            #expect(patched.body["name"] as? String == "Brightwater Plumbing & Heating")
            #expect(patched.body["numbers"] as? [String] == ["+441632960003"])
            #expect(patched.body["time_zone"] as? String == "Europe/Dublin")
            #expect(patched.body["slug"] as? String == "brightwater")
            #expect((patched.body["settings"] as? [String: Any])?["greeting"] as? String == "Brightwater, how can we help?")
            #expect(try await test.services.businesses.find(byNumber: "+441632960001") == nil)

            // Key listing: prefixes and dates only, never a hash.
            let keys = try await client.admin(.get, "/v1/admin/businesses/\(id)/keys")
            #expect(keys.status == .ok)
            let items = try #require(keys.body["items"] as? [[String: Any]])
            #expect(items.count == 1)
            #expect(items.first?["prefix"] as? String == String(key.prefix(APIKey.displayPrefixLength)))
            #expect(items.first?["revoked_at"] is NSNull)
            #expect(items.allSatisfy { $0["key_hash"] == nil && $0["hash"] == nil })

            // Delete: 204, the business is gone, its key no longer authenticates, its knowledge is gone from
            // SQLite and its in-memory index was dropped (a kept index would still hold the old vectors).
            #expect(try await client.admin(.delete, "/v1/admin/businesses/\(id)").status == .noContent)
            #expect(try await client.admin(.get, "/v1/admin/businesses/\(id)").status == .notFound)
            #expect(try await client.admin(.delete, "/v1/admin/businesses/\(id)").status == .notFound)
            #expect(try await client.call(.get, "/v1/knowledge", key: key).status == .unauthorized)
            #expect(try await test.services.knowledgeRepository.allChunks(businessId: id).isEmpty)
            let status = try await test.services.knowledge.status(businessId: id)
            #expect(status.vectors == 0 && status.consistent)
        }
    }

    @Test func adminRoutesNeedTheAdminKey() async throws {
        let test = try await TestApp.make()
        let (business, businessKey) = try await test.makeTenant("acme")
        try await test.app.test(.router) { client in
            let missing = try await client.admin(.get, "/v1/admin/businesses", adminKey: nil)
            #expect(missing.status == .unauthorized)
            #expect(missing.body.errorCode == "unauthorized")
            #expect(try await client.admin(.get, "/v1/admin/businesses", adminKey: "not-the-admin-key-at-all").status == .unauthorized)
            #expect(try await client.admin(.post, "/v1/admin/businesses", json: ["slug": "x1", "name": "X", "time_zone": "UTC"],
                                           adminKey: "wrong").status == .unauthorized)
            // A business's API key is not an admin key, whichever header carries it.
            #expect(try await client.admin(.get, "/v1/admin/businesses/\(business.id)", adminKey: businessKey).status == .unauthorized)
            #expect(try await client.call(.get, "/v1/admin/businesses/\(business.id)", key: businessKey).status == .unauthorized)
            #expect(try await client.call(.get, "/v1/admin/businesses", key: nil,
                                          headers: [.authorization: "Basic \(TestApp.adminKey)"]).status == .unauthorized)
            // Both documented headers work.
            #expect(try await client.admin(.get, "/v1/admin/businesses").status == .ok)
            #expect(try await client.call(.get, "/v1/admin/businesses", key: nil,
                                          headers: [HTTPField.Name("X-Admin-Key")!: TestApp.adminKey]).status == .ok)
            // The admin key is not a tenant key either.
            #expect(try await client.call(.get, "/v1/config", key: TestApp.adminKey).status == .unauthorized)
        }
        #expect(try await test.services.businesses.list(limit: 10, cursor: nil).items.map(\.slug) == ["acme"])
    }

    @Test func listsTwelveBusinessesFiveAtATime() async throws {
        let test = try await TestApp.make()
        try await test.app.test(.router) { client in
            var slugs: [String] = []
            for index in 1...12 {
                let slug = String(format: "tenant-%02d", index)
                let created = try await client.admin(.post, "/v1/admin/businesses",
                                                     json: ["slug": slug, "name": "Tenant \(index)", "time_zone": "UTC"])
                #expect(created.status == .created)
                slugs.append(slug)
            }
            var seen: [String] = []
            var pageSizes: [Int] = []
            var cursor: String?
            repeat {
                let uri = "/v1/admin/businesses?limit=5" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await client.admin(.get, uri)
                #expect(page.status == .ok)
                let items = try #require(page.body["items"] as? [[String: Any]])
                pageSizes.append(items.count)
                seen += items.compactMap { $0["slug"] as? String }
                #expect(items.allSatisfy { $0["api_key"] == nil && $0["numbers"] is [Any] })
                cursor = page.body["next_cursor"] as? String
            } while cursor != nil && pageSizes.count < 10
            #expect(pageSizes == [5, 5, 2])
            // Every business exactly once (creation order; two creates in one millisecond order by id).
            #expect(seen.count == 12 && Set(seen) == Set(slugs))

            #expect(try await client.admin(.get, "/v1/admin/businesses?limit=0").status == .badRequest)
            #expect(try await client.admin(.get, "/v1/admin/businesses?limit=many").status == .badRequest)
            let badCursor = try await client.admin(.get, "/v1/admin/businesses?cursor=%25%25")
            #expect(badCursor.status == .badRequest)
            #expect(badCursor.body.errorCode == "invalid_parameter")
        }
    }

    @Test func conflictsAre409AndLeaveNothingHalfWritten() async throws {
        let test = try await TestApp.make()
        try await test.app.test(.router) { client in
            let first = try await client.admin(.post, "/v1/admin/businesses", json: [
                "slug": "acme", "name": "Acme", "time_zone": "UTC", "numbers": ["+15550000001"]])
            #expect(first.status == .created)
            let firstId = try #require(first.body["id"] as? String)

            let sameSlug = try await client.admin(.post, "/v1/admin/businesses", json: [
                "slug": "acme", "name": "Acme Two", "time_zone": "UTC", "numbers": ["+15550000099"]])
            #expect(sameSlug.status == .conflict)
            #expect(sameSlug.body.errorCode == "conflict")
            let sameNumber = try await client.admin(.post, "/v1/admin/businesses", json: [
                "slug": "bolt", "name": "Bolt", "time_zone": "UTC", "numbers": ["+15550000002", "+15550000001"]])
            #expect(sameNumber.status == .conflict)
            // Neither refused create wrote a business, a number or a key.
            #expect(try await test.services.businesses.get(slug: "bolt") == nil)
            #expect(try await test.services.businesses.find(byNumber: "+15550000002") == nil)
            #expect(try await test.services.businesses.find(byNumber: "+15550000099") == nil)
            #expect(try await test.services.businesses.list(limit: 10, cursor: nil).items.map(\.slug) == ["acme"])
            let count = try await test.services.database.dbPool.read { db in try APIKey.fetchCount(db) }
            #expect(count == 1)

            // A patch that would take another business's number is refused and changes nothing.
            let bolt = try await client.admin(.post, "/v1/admin/businesses", json: [
                "slug": "bolt", "name": "Bolt", "time_zone": "UTC", "numbers": ["+15550000002"]])
            #expect(bolt.status == .created)
            let boltId = try #require(bolt.body["id"] as? String)
            let steal = try await client.admin(.patch, "/v1/admin/businesses/\(boltId)",
                                               json: ["name": "Bolt Renamed", "numbers": ["+15550000001"]])
            #expect(steal.status == .conflict)
            let after = try await client.admin(.get, "/v1/admin/businesses/\(boltId)")
            #expect(after.body["name"] as? String == "Bolt")
            #expect(after.body["numbers"] as? [String] == ["+15550000002"])
            #expect(try await test.services.businesses.find(byNumber: "+15550000001")?.id == firstId)
        }
    }

    @Test func invalidInputNamesTheFieldAndUnknownIdsAre404() async throws {
        let test = try await TestApp.make()
        let (business, _) = try await test.makeTenant("acme")
        try await test.app.test(.router) { client in
            let base: [String: Any] = ["slug": "new-one", "name": "New", "time_zone": "UTC"]
            func create(_ changes: [String: Any]) async throws -> (status: HTTPResponse.Status, body: [String: Any]) {
                try await client.admin(.post, "/v1/admin/businesses", json: base.merging(changes) { $1 })
            }
            let cases: [(changes: [String: Any], status: HTTPResponse.Status, field: String)] = [
                (["slug": "Not A Slug"], .unprocessableContent, "slug"),
                (["name": "   "], .unprocessableContent, "name"),
                (["time_zone": "Mars/Olympus_Mons"], .unprocessableContent, "time_zone"),
                (["numbers": ["+15550000001", "555-0100"]], .unprocessableContent, "numbers"),
                (["settings": ["answer_confidence_threshold": 1.5]], .unprocessableContent, "settings.answer_confidence_threshold"),
                (["settings": ["transfer_number": "0800 123"]], .unprocessableContent, "settings.transfer_number"),
                (["settings": ["business_hours": ["friday": ["open": "25:00", "close": "26:00"]]]],
                 .unprocessableContent, "settings.business_hours.friday"),
                (["settings": ["answer_threshold": 0.9]], .unprocessableContent, "settings.answer_threshold"),
                (["owner": "me"], .unprocessableContent, "owner"),
                (["status": "PAUSED"], .badRequest, "status"),
                (["numbers": "+15550000001"], .badRequest, "numbers"),
            ]
            for (changes, status, field) in cases {
                let response = try await create(changes)
                #expect(response.status == status, "\(changes)")
                let message = (response.body["error"] as? [String: Any])?["message"] as? String ?? ""
                #expect(message.contains(field), "\(changes): \(message)")
            }
            let missing = try await client.admin(.post, "/v1/admin/businesses", json: ["slug": "new-one", "name": "New"])
            #expect(missing.status == .badRequest)
            #expect(missing.body.errorCode == "missing_field")
            #expect((missing.body["error"] as? [String: Any])?["message"] as? String == "missing field \"time_zone\"")
            let malformed = try await client.admin(.post, "/v1/admin/businesses", raw: "{\"slug\": ")
            #expect(malformed.status == .badRequest)
            #expect(malformed.body.errorCode == "invalid_json")
            #expect(try await test.services.businesses.get(slug: "new-one") == nil)

            // Created suspended on request.
            let suspended = try await create(["status": "SUSPENDED"])
            #expect(suspended.status == .created)
            #expect(suspended.body["status"] as? String == "SUSPENDED")

            // PATCH validates the same way and cannot rename the slug.
            let patchCases: [([String: Any], String)] = [
                (["time_zone": "Nowhere/Special"], "time_zone"),
                (["settings": ["voice": ""]], "settings.voice"),
                (["slug": "renamed"], "slug"),
                (["status": "DELETED"], "status"),
            ]
            for (body, field) in patchCases {
                let response = try await client.admin(.patch, "/v1/admin/businesses/\(business.id)", json: body)
                #expect(response.status == .unprocessableContent || response.status == .badRequest, "\(body)")
                let message = (response.body["error"] as? [String: Any])?["message"] as? String ?? ""
                #expect(message.contains(field), "\(body): \(message)")
            }
            #expect(try await test.services.businesses.get(id: business.id) == business)

            let unknown = "00000000-0000-0000-0000-000000000000"
            for (method, path) in [(HTTPRequest.Method.get, ""), (.delete, ""), (.post, "/keys"), (.get, "/keys")] {
                let response = try await client.admin(method, "/v1/admin/businesses/\(unknown)\(path)")
                #expect(response.status == .notFound, "\(method) \(path)")
                #expect(response.body.errorCode == "not_found")
            }
            #expect(try await client.admin(.patch, "/v1/admin/businesses/\(unknown)", json: ["name": "X"]).status == .notFound)
        }
    }

    @Test func rotatingAKeyRevokesTheOldOneAtOnce() async throws {
        let test = try await TestApp.make()
        let (business, oldKey) = try await test.makeTenant("acme")
        try await test.app.test(.router) { client in
            #expect(try await client.call(.get, "/v1/knowledge", key: oldKey).status == .ok)
            let rotated = try await client.admin(.post, "/v1/admin/businesses/\(business.id)/keys")
            #expect(rotated.status == .created)
            let newKey = try #require(rotated.body["api_key"] as? String)
            #expect(rotated.body["prefix"] as? String == String(newKey.prefix(APIKey.displayPrefixLength)))
            #expect(rotated.body["created_at"] is String)
            #expect(newKey != oldKey)

            #expect(try await client.call(.get, "/v1/knowledge", key: oldKey).status == .unauthorized)
            #expect(try await client.call(.get, "/v1/knowledge", key: newKey).status == .ok)

            let keys = try await client.admin(.get, "/v1/admin/businesses/\(business.id)/keys")
            let items = try #require(keys.body["items"] as? [[String: Any]])
            #expect(items.count == 2)
            #expect(items.filter { $0["revoked_at"] is NSNull }.map { $0["prefix"] as? String } == [rotated.body["prefix"] as? String])
            #expect(items.filter { $0["revoked_at"] is String }.count == 1)
        }
    }

    @Test func suspendingABusinessLocksItsKeyOutUntilReactivated() async throws {
        let test = try await TestApp.make()
        let (business, key) = try await test.makeTenant("acme")
        try await test.app.test(.router) { client in
            let suspended = try await client.admin(.patch, "/v1/admin/businesses/\(business.id)", json: ["status": "SUSPENDED"])
            #expect(suspended.status == .ok)
            #expect(suspended.body["status"] as? String == "SUSPENDED")
            let refused = try await client.call(.get, "/v1/knowledge", key: key)
            #expect(refused.status == .forbidden)
            #expect(refused.body.errorCode == "business_suspended")
            #expect(try await client.call(.get, "/v1/config", key: key).status == .forbidden)

            let active = try await client.admin(.patch, "/v1/admin/businesses/\(business.id)", json: ["status": "ACTIVE"])
            #expect(active.body["status"] as? String == "ACTIVE")
            #expect(try await client.call(.get, "/v1/knowledge", key: key).status == .ok)
        }
    }
}

extension TestClientProtocol {
    /// A call to an admin route with `Authorization: Bearer <adminKey>` (none when nil).
    @discardableResult
    func admin(
        _ method: HTTPRequest.Method, _ uri: String, json: Any? = nil, raw: String? = nil,
        adminKey: String? = TestApp.adminKey
    ) async throws -> (status: HTTPResponse.Status, body: [String: Any]) {
        var headers: HTTPFields = [:]
        if let adminKey { headers[.authorization] = "Bearer \(adminKey)" }
        return try await call(method, uri, key: nil, json: json, raw: raw, headers: headers)
    }
}
