import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Server

/// `POST/GET /v1/admin/businesses/{id}/users`: the operator makes a business's first owner, through the real router.
@Suite struct AdminUsersAPITests {
    @Test func theOperatorCreatesTheFirstOwnerWhoThenSignsIn() async throws {
        let test = try await TestApp.make()
        let (business, apiKey) = try await test.makeTenant("first-owner-shop")
        try await test.app.test(.router) { client in
            let created = try await client.admin(.post, "/v1/admin/businesses/\(business.id)/users",
                                                 json: ["email": "Founder@Example.com", "role": "owner"])
            #expect(created.status == .created)
            #expect(created.body["email"] as? String == "Founder@Example.com")
            #expect(created.body["role"] as? String == "owner")
            #expect(created.body["business_id"] as? String == business.id)
            #expect(created.body["existing_user"] as? Bool == false)
            let password = try #require(created.body["password"] as? String)
            #expect(password.count == 20)
            // Only a bcrypt hash is stored.
            let stored = try #require(try await test.services.repositories.panelUsers.user(email: "founder@example.com"))
            #expect(stored.passwordHash.hasPrefix("$2") && stored.passwordHash.count == 60 && !stored.passwordHash.contains(password))

            let browser = PanelBrowser()
            let signedIn = try await browser.signIn(client, email: "founder@example.com", password: password)
            #expect(signedIn.status == .seeOther)
            #expect(try await browser.send(client, .get, "/app/b/first-owner-shop/").body.contains(#"data-role="owner""#))

            // With a chosen password; the same person added to a second business keeps theirs.
            let chosen = try await client.admin(.post, "/v1/admin/businesses/\(business.id)/users",
                                                json: ["email": "helper@example.com", "role": "staff", "password": "a chosen password"])
            #expect(chosen.status == .created)
            #expect(chosen.body["password"] == nil, "a given password is never echoed")
            let (second, _) = try await test.makeTenant("second-shop")
            let again = try await client.admin(.post, "/v1/admin/businesses/\(second.id)/users",
                                               json: ["email": "HELPER@example.com", "role": "viewer"])
            #expect(again.status == .created)
            #expect(again.body["existing_user"] as? Bool == true)
            #expect(again.body["password"] == nil)
            #expect(again.body["user_id"] as? String == chosen.body["user_id"] as? String)

            let list = try await client.admin(.get, "/v1/admin/businesses/\(business.id)/users")
            #expect(list.status == .ok)
            let items = try #require(list.body["items"] as? [[String: Any]])
            #expect(items.map { $0["email"] as? String } == ["Founder@Example.com", "helper@example.com"])
            #expect(items.map { $0["role"] as? String } == ["owner", "staff"])
            #expect(items.allSatisfy { $0["password_hash"] == nil && $0["added_at"] is String })

            // The tenant's API key is not the admin key.
            let asTenant = try await client.call(.post, "/v1/admin/businesses/\(business.id)/users", key: apiKey,
                                                 json: ["email": "x@example.com", "role": "owner"])
            #expect(asTenant.status == .unauthorized)
        }
    }

    @Test func badRequestsAreClearErrors() async throws {
        let test = try await TestApp.make()
        let (business, _) = try await test.makeTenant("bad-users-shop")
        try await test.app.test(.router) { client in
            let path = "/v1/admin/businesses/\(business.id)/users"
            let cases: [([String: Any], HTTPResponse.Status, String)] = [
                (["email": "not-an-email", "role": "owner"], .unprocessableContent, "invalid_field"),
                (["email": "a b@example.com", "role": "owner"], .unprocessableContent, "invalid_field"),
                (["email": "ünï@example.com", "role": "owner"], .unprocessableContent, "invalid_field"),
                (["email": "x@example.com", "role": "owner", "password": "short"], .unprocessableContent, "invalid_field"),
                (["email": "x@example.com", "role": "owner", "password": String(repeating: "é", count: 40)],
                 .unprocessableContent, "invalid_field"),
                (["email": "x@example.com", "role": "admin"], .badRequest, "invalid_field"),
                (["email": "x@example.com"], .badRequest, "missing_field"),
                (["email": "x@example.com", "role": "owner", "is_admin": true], .unprocessableContent, "unknown_field"),
            ]
            for (body, status, code) in cases {
                let response = try await client.admin(.post, path, json: body)
                #expect(response.status == status, "\(body)")
                #expect(response.body.errorCode == code, "\(body): \(response.body)")
            }
            let unknown = try await client.admin(.post, "/v1/admin/businesses/no-such-id/users",
                                                 json: ["email": "x@example.com", "role": "owner"])
            #expect(unknown.status == .notFound)
            _ = try await client.admin(.post, path, json: ["email": "dup@example.com", "role": "owner"])
            let duplicate = try await client.admin(.post, path, json: ["email": "DUP@example.com", "role": "staff"])
            #expect(duplicate.status == .conflict)
            #expect(duplicate.body.errorCode == "already_member")
            let withPassword = try await client.admin(.post, path, json: ["email": "dup@example.com", "role": "staff",
                                                                          "password": "another password"])
            #expect(withPassword.status == .conflict)
            #expect(withPassword.body.errorCode == "user_exists")
            #expect(try await test.services.repositories.panelUsers.members(businessId: business.id).count == 1)
        }
    }
}
