import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Server

/// Recipients and results through the router: CSV and JSON uploads, the merge report, every row's problem with
/// nothing stored, listing by state, the results as JSON and CSV, and the do-not-call list.
@Suite struct CampaignRecipientsAPITests {
    @Test func csvAndJSONUploadsReportMergesAndRefuseBadRowsWhole() async throws {
        let test = try await TestApp.make()
        let (_, key) = try await CampaignsAPITests.tenant(test, "brightwater")
        try await test.app.test(.router) { client in
            let id = try #require(try await client.call(.post, "/v1/campaigns", key: key, json: CampaignsAPITests.campaign).body.id)
            let uploaded = try await client.call(.post, "/v1/campaigns/\(id)/recipients", key: key,
                                                 raw: CampaignsAPITests.csv, contentType: "text/csv; charset=utf-8")
            #expect(uploaded.status == .created, "\(uploaded.body)")
            #expect(uploaded.body["rows"] as? Int == 3 && uploaded.body["added"] as? Int == 2 && uploaded.body["total"] as? Int == 2)
            #expect(uploaded.body["already_present"] as? Int == 0)
            let merged = try #require((uploaded.body["merged"] as? [[String: Any]])?.first)
            #expect(merged["phone_number"] as? String == "+15550100001" && merged["rows"] as? [Int] == [2, 4])
            #expect(merged["filled"] as? [String] == [] && merged["conflicting"] as? [String] == [])

            let json: [[String: Any]] = [["phone_number": "+15550100002", "first_name": "Bo", "service": "boiler", "date": "Friday"],
                                         ["phone_number": "+15550100003", "first_name": "Cy", "service": "boiler", "date": "Friday",
                                          "timezone": "America/Los_Angeles"]]
            let second = try await client.call(.post, "/v1/campaigns/\(id)/recipients", key: key, json: json)
            #expect(second.status == .created)
            #expect(second.body["added"] as? Int == 1 && second.body["already_present"] as? Int == 1 && second.body["total"] as? Int == 3)

            let bad = """
                phone_number,first_name,service,date,timezone
                +15550100004,Di,boiler,Monday,
                555-0105,Ed,boiler,Monday,
                +15550100006,,boiler,Monday,
                +15550100007,Flo,boiler,Monday,Mars/Base
                """
            let refused = try await client.call(.post, "/v1/campaigns/\(id)/recipients", key: key, raw: bad, contentType: "text/csv")
            #expect(refused.status == .unprocessableContent && refused.body.errorCode == "invalid_recipients")
            #expect(refused.body.errorDetails.map { $0["row"] as? Int } == [3, 4, 5])
            #expect(refused.body.errorDetails.map { $0["field"] as? String } == ["phone_number", "first_name", "timezone"])
            let missingColumn = try await client.call(.post, "/v1/campaigns/\(id)/recipients", key: key,
                                                      raw: "phone_number,first_name\n+15550100008,Gus\n", contentType: "text/csv")
            #expect(missingColumn.body.errorDetails.map { $0["field"] as? String } == ["service", "date"])
            #expect(missingColumn.body.errorDetails.first?["row"] is NSNull || missingColumn.body.errorDetails.first?["row"] == nil)
            let wrongType = try await client.call(.post, "/v1/campaigns/\(id)/recipients", key: key, raw: "x", contentType: "text/plain")
            #expect(wrongType.status == .unsupportedMediaType)
            let notJSON = try await client.call(.post, "/v1/campaigns/\(id)/recipients", key: key, raw: "{", contentType: "application/json")
            #expect(notJSON.status == .unprocessableContent)

            let shown = try await client.call(.get, "/v1/campaigns/\(id)", key: key)
            #expect((shown.body["recipients"] as? [String: Int])?["pending"] == 3, "the refused uploads stored nothing")
            let page = try await client.call(.get, "/v1/campaigns/\(id)/recipients?limit=2", key: key)
            #expect(page.body.items.map { $0["phone_number"] as? String } == ["+15550100001", "+15550100002"])
            let first = page.body.items[0]
            #expect(first["time_zone"] as? String == "America/New_York" && first["zone_source"] as? String == "postcode")
            #expect(first["variables"] as? [String: String] == ["first_name": "Ana", "service": "boiler service", "date": "Tuesday",
                                                                "postcode": "10001"])
            let cursor = try #require(page.body["next_cursor"] as? String)
            let rest = try await client.call(.get, "/v1/campaigns/\(id)/recipients?limit=2&cursor=\(cursor)", key: key)
            #expect(rest.body.items.map { $0["time_zone"] as? String } == ["America/Los_Angeles"] && rest.body["next_cursor"] == nil)
            #expect(try await client.call(.get, "/v1/campaigns/\(id)/recipients?state=completed", key: key).body.items.isEmpty)
            #expect(try await client.call(.get, "/v1/campaigns/\(id)/recipients?state=done", key: key).status == .badRequest)
        }
    }

    @Test func resultsComeAsJSONAndAsCSVThroughTheExportWriter() async throws {
        let test = try await TestApp.make()
        let (business, key) = try await CampaignsAPITests.tenant(test, "brightwater")
        try await test.app.test(.router) { client in
            let id = try #require(try await client.call(.post, "/v1/campaigns", key: key, json: CampaignsAPITests.campaign).body.id)
            _ = try await client.call(.post, "/v1/campaigns/\(id)/recipients", key: key, raw: """
                phone_number,first_name,service,date,notes
                +15550100001,Ana,boiler service,Tuesday,"=HYPERLINK(""x"")"
                +15550100002,Bo,"boiler, annual",Wednesday,
                """, contentType: "text/csv")
            _ = try await client.call(.post, "/v1/campaigns/\(id)/start", key: key)
            // The dialer is not built: its steps are taken through the repository, as it will take them.
            let campaigns = test.services.repositories.campaigns
            let due = try await campaigns.dueRecipients(campaignId: id, businessId: business.id, now: Date(), limit: 1)
            guard case .started(_, let attempt) = try await campaigns.startAttempt(recipientId: due[0].id, businessId: business.id)
            else { Issue.record("the attempt should start"); return }
            _ = try await campaigns.recordCallSid(attemptId: attempt.id, businessId: business.id, callSid: "CA77")
            _ = try await campaigns.markAnswered(attemptId: attempt.id, businessId: business.id, answeredBy: "human")
            _ = try await campaigns.finishAttempt(attemptId: attempt.id, businessId: business.id,
                                                  AttemptEnd(outcome: .completed, results: ["confirmed": "yes"]))

            let json = try await client.execute(uri: "/v1/campaigns/\(id)/results", method: .get,
                                                headers: [HTTPField.Name("X-API-Key")!: key]) { response in
                (response.status, response.headers[.contentType],
                 try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]] ?? [])
            }
            #expect(json.0 == .ok && json.1 == "application/json; charset=utf-8")
            #expect(json.2.count == 2)
            #expect(json.2[0]["state"] as? String == "completed" && json.2[0]["last_call_sid"] as? String == "CA77")
            #expect(json.2[0]["attempts"] as? Int == 1 && json.2[0]["last_outcome"] as? String == "completed")
            let answers = try #require(json.2[0]["answers"] as? [String: Any])
            #expect(answers["confirmed"] as? String == "yes" && answers["notes"] is NSNull)
            #expect((json.2[1]["variables"] as? [String: String])?["service"] == "boiler, annual")

            let csv = try await client.execute(uri: "/v1/campaigns/\(id)/results.csv", method: .get,
                                               headers: [HTTPField.Name("X-API-Key")!: key]) { response in
                (response.status, response.headers[.contentType], String(buffer: response.body))
            }
            #expect(csv.0 == .ok && csv.1 == "text/csv; charset=utf-8")
            let lines = csv.2.components(separatedBy: "\r\n")
            #expect(lines[0] == "recipient_id,phone_number,state,attempts,last_outcome,last_call_sid,next_attempt_at,time_zone,confirmed,notes,var_date,var_first_name,var_notes,var_service")
            // The uploaded formula is guarded with an apostrophe and quoted (it holds quotes), as the call export does.
            #expect(lines[1].hasSuffix(#",'+15550100001,completed,1,completed,CA77,,America/Chicago,yes,,Tuesday,Ana,"'=HYPERLINK(""x"")",boiler service"#),
                    "\(lines[1])")
            #expect(lines[2].contains(",'+15550100002,pending,0,,,,America/Chicago,,,Wednesday,Bo,,\"boiler, annual\""), "\(lines[2])")
            #expect(lines.count == 4 && lines[3].isEmpty, "CRLF after every row")
        }
    }

    @Test func theDoNotCallListIsAddedToListedAndRemovedFrom() async throws {
        let test = try await TestApp.make()
        let (_, key) = try await CampaignsAPITests.tenant(test, "brightwater")
        try await test.app.test(.router) { client in
            let added = try await client.call(.post, "/v1/do-not-call", key: key, json: ["phone": "(555) 010-0001", "reason": "asked by email"])
            #expect(added.status == .created && added.body["phone_number"] as? String == "+15550100001", "national: the business's +1")
            #expect(added.body["reason"] as? String == "asked by email")
            let again = try await client.call(.post, "/v1/do-not-call", key: key, json: ["phone": "+15550100001"])
            #expect(again.status == .ok && again.body["reason"] as? String == "asked by email", "the stored entry")
            _ = try await client.call(.post, "/v1/do-not-call", key: key, json: ["phone": "+15550100002"])
            let listed = try await client.call(.get, "/v1/do-not-call?limit=1", key: key)
            #expect(listed.body.items.map { $0["phone_number"] as? String } == ["+15550100001"])
            #expect(listed.body["next_cursor"] is String)
            let bad = try await client.call(.post, "/v1/do-not-call", key: key, json: ["phone": "nope"])
            #expect(bad.status == .unprocessableContent && bad.body.errorField == "phone")
            let long = try await client.call(.post, "/v1/do-not-call", key: key,
                                             json: ["phone": "+15550100003", "reason": String(repeating: "x", count: 201)])
            #expect(long.status == .unprocessableContent && long.body.errorField == "reason")
            #expect(try await client.call(.post, "/v1/do-not-call", key: key, json: ["number": "+15550100003"]).status == .unprocessableContent)
            #expect(try await client.call(.delete, "/v1/do-not-call/%2B15550100001", key: key).status == .noContent)
            #expect(try await client.call(.delete, "/v1/do-not-call/+15550100001", key: key).status == .notFound)
            #expect(try await client.call(.delete, "/v1/do-not-call/+15550100002", key: key).status == .noContent)
            #expect(try await client.call(.get, "/v1/do-not-call", key: key).body.items.isEmpty)
        }
    }
}
