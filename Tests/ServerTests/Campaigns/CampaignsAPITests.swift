import Campaigns
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Server

/// `/v1/campaigns` through the router: drafts and their defaults, every bad field named (never a 500), the life of
/// a campaign through its routes and their 409s, and what a patch may change in each state.
@Suite struct CampaignsAPITests {
    static let callerNumber = "+15550009999"

    static var campaign: [String: Any] { [
        "name": "Spring boiler checks",
        "caller_number": callerNumber,
        "script": [
            "purpose": "I'm calling to confirm your {{service}} on {{date}}.",
            "opening_line": "Hi {{first_name}}.",
            "questions": [["field": "confirmed", "text": "Can you still make {{date}}?", "kind": "yes_no"],
                          ["field": "notes", "text": "Anything the engineer should know?", "kind": "free_text"]],
            "closing_line": "Thanks, goodbye.",
        ] as [String: Any],
    ] }

    static func with(_ changes: [String: Any], removing: [String] = []) -> [String: Any] {
        var body = campaign.merging(changes) { _, new in new }
        for key in removing { body[key] = nil }
        return body
    }

    static func script(_ changes: [String: Any]) -> [String: Any] {
        (campaign["script"] as! [String: Any]).merging(changes) { _, new in new }
    }

    static let csv = """
        phone_number,First Name,service,date,postcode
        +15550100001,Ana,boiler service,Tuesday,10001
        +15550100002,Bo,boiler service,Wednesday,
        +1 555 010 0001,,boiler service,Tuesday,
        """

    /// A business in Chicago with the caller number, and its key.
    static func tenant(_ test: TestApp, _ slug: String, number: String = callerNumber) async throws -> (Business, String) {
        let business = try await test.services.businesses.create(NewBusiness(
            slug: slug, name: "Business \(slug)", timeZone: "America/Chicago", numbers: [number]))
        return (business, try await test.services.apiKeys.rotate(businessId: business.id))
    }

    @Test func aDraftHasTheDefaultsAndSaysWhatIsSpokenBeforeTheOpening() async throws {
        let test = try await TestApp.make()
        let (_, key) = try await Self.tenant(test, "brightwater")
        try await test.app.test(.router) { client in
            let created = try await client.call(.post, "/v1/campaigns", key: key, json: Self.campaign)
            #expect(created.status == .created)
            let body = created.body
            #expect(body["state"] as? String == "draft" && body["version"] as? Int == 1)
            #expect(body["calling_window"] as? [String: String] == ["start": "08:00", "end": "21:00"])
            #expect(body["retry_policy"] as? [String: Int] == ["max_attempts": 3, "retry_gap_minutes": 120])
            #expect(body["pacing"] as? [String: Int] == ["max_concurrent_calls": 2])
            #expect(body["voicemail"] as? String == "hang_up" && body["start_at"] is NSNull)
            let script = try #require(body["script"] as? [String: Any])
            #expect(script["opening_disclosure"] as? String == "Hello, this is an automated assistant calling for {{business_name}}.")
            #expect(script["variables"] as? [String] == ["first_name", "service", "date"])
            #expect(script["voicemail_message"] is NSNull)
            #expect((body["recipients"] as? [String: Int])?["total"] == 0)

            let id = try #require(body.id)
            let shown = try await client.call(.get, "/v1/campaigns/\(id)", key: key)
            #expect(shown.status == .ok && shown.body["name"] as? String == "Spring boiler checks")
            let listed = try await client.call(.get, "/v1/campaigns?state=draft", key: key)
            #expect(listed.body.items.map { $0["id"] as? String } == [id])
            #expect(try await client.call(.get, "/v1/campaigns?state=running", key: key).body.items.isEmpty)
            #expect(try await client.call(.get, "/v1/campaigns?state=finished", key: key).status == .badRequest)

            // An opening that says it itself is spoken as written.
            let own = try await client.call(.post, "/v1/campaigns", key: key, json: Self.with(["script": Self.script(
                ["opening_line": "Hi {{first_name}}, this is the automated assistant of {{business_name}}."])]))
            #expect((own.body["script"] as? [String: Any])?["opening_disclosure"] is NSNull)
        }
    }

    @Test func everyBadFieldIsA4xxNamingItAndNothingIsStored() async throws {
        let test = try await TestApp.make()
        let (_, key) = try await Self.tenant(test, "brightwater")
        try await test.app.test(.router) { client in
            let cases: [(body: [String: Any], status: HTTPResponse.Status, field: String?)] = [
                (Self.with([:], removing: ["name"]), .unprocessableContent, "name"),
                (Self.with([:], removing: ["script"]), .unprocessableContent, "script"),
                (Self.with([:], removing: ["caller_number"]), .unprocessableContent, "caller_number"),
                (Self.with(["name": "  "]), .unprocessableContent, "name"),
                (Self.with(["name": "Spring\u{0}"]), .unprocessableContent, "name"),
                (Self.with(["script": Self.script(["purpose": "Calling\u{0}"])]), .unprocessableContent, "script.purpose"),
                (Self.with(["caller_number": "+15550001234"]), .unprocessableContent, "caller_number"),
                (Self.with(["caller_number": "call me"]), .unprocessableContent, "caller_number"),
                (Self.with(["script": Self.script(["opening_line": "Hi {{first_name"])]), .unprocessableContent, "script.opening_line"),
                (Self.with(["script": Self.script(["questions": [["field": "ok", "text": "Is {{a b}} ok?", "kind": "yes_no"]]])]),
                 .unprocessableContent, "script.questions[0].text"),
                (Self.with(["script": Self.script(["questions": [["field": "ok", "text": "Ok?", "kind": "maybe"]]])]),
                 .unprocessableContent, "script.questions[0].kind"),
                (Self.with(["script": Self.script(["questions": [["field": "state", "text": "Ok?", "kind": "yes_no"]]])]),
                 .unprocessableContent, "script.questions[0].field"),
                (Self.with(["script": Self.script(["questions": (1...6).map { ["field": "q\($0)", "text": "Q?", "kind": "number"] }])]),
                 .unprocessableContent, "script.questions"),
                (Self.with(["calling_window": ["start": "07:00", "end": "20:00"]]), .unprocessableContent, "calling_window.start"),
                (Self.with(["calling_window": ["start": "09:00", "end": "9pm"]]), .unprocessableContent, "calling_window.end"),
                (Self.with(["pacing": ["max_concurrent_calls": 0]]), .unprocessableContent, "pacing.max_concurrent_calls"),
                (Self.with(["retry_policy": ["retry_gap_minutes": 30]]), .unprocessableContent, "retry_policy.retry_gap_minutes"),
                (Self.with(["retry_policy": ["max_attempts": 9]]), .unprocessableContent, "retry_policy.max_attempts"),
                (Self.with(["voicemail": "leave_message"]), .unprocessableContent, "script.voicemail_message"),
                (Self.with(["voicemail": "shout"]), .unprocessableContent, "voicemail"),
                (Self.with(["start_at": "next tuesday"]), .unprocessableContent, "start_at"),
                (Self.with(["colour": "blue"]), .unprocessableContent, "colour"),
                (Self.with(["script": Self.script(["tone": "friendly"])]), .unprocessableContent, "script.tone"),
                (Self.with(["pacing": "fast"]), .badRequest, nil),
            ]
            for (body, status, field) in cases {
                let response = try await client.call(.post, "/v1/campaigns", key: key, json: body)
                #expect(response.status == status, "\(field ?? "pacing"): \(response.body)")
                if let field { #expect(response.body.errorField == field, "\(response.body)") }
            }
            let empty = try await client.call(.post, "/v1/campaigns", key: key, raw: "{", contentType: "application/json")
            #expect(empty.status == .badRequest)
            #expect(try await client.call(.get, "/v1/campaigns", key: key).body.items.isEmpty)
            #expect(try await test.services.events.events(EventQuery(businessId: nil, types: [.campaignCreated])).isEmpty)
            #expect(try await client.call(.get, "/v1/campaigns/\(UUID().uuidString)", key: key).status == .notFound)
        }
    }

    @Test func aCampaignMovesThroughItsRoutesAndIllegalMovesAre409WithTheRule() async throws {
        let test = try await TestApp.make()
        let (_, key) = try await Self.tenant(test, "brightwater")
        try await test.app.test(.router) { client in
            let later = Date().addingTimeInterval(86_400).formatted(.iso8601)
            let id = try #require(try await client.call(.post, "/v1/campaigns", key: key,
                                                        json: Self.with(["start_at": later])).body.id)
            let noRecipients = try await client.call(.post, "/v1/campaigns/\(id)/start", key: key)
            #expect(noRecipients.status == .conflict && noRecipients.body.errorCode == "no_recipients")
            let uploaded = try await client.call(.post, "/v1/campaigns/\(id)/recipients", key: key, raw: Self.csv, contentType: "text/csv")
            #expect(uploaded.status == .created)

            let scheduled = try await client.call(.post, "/v1/campaigns/\(id)/start", key: key)
            #expect(scheduled.status == .ok && scheduled.body["state"] as? String == "scheduled")
            let again = try await client.call(.post, "/v1/campaigns/\(id)/start", key: key)
            #expect(again.body["state"] as? String == "scheduled" && again.body["version"] as? Int == 2, "unchanged")
            let paused = try await client.call(.post, "/v1/campaigns/\(id)/pause", key: key)
            #expect(paused.status == .conflict && paused.body.errorCode == "illegal_transition")
            #expect(paused.body["rule"] as? String == "only a running campaign can be paused")
            #expect(paused.body["from"] as? String == "scheduled" && paused.body["to"] as? String == "paused")

            // Scheduled is still editable: clearing the start time and starting runs it now.
            let cleared = try await client.call(.patch, "/v1/campaigns/\(id)", key: key, json: ["start_at": NSNull()])
            #expect(cleared.status == .ok && cleared.body["start_at"] is NSNull)
            let running = try await client.call(.post, "/v1/campaigns/\(id)/start", key: key, json: ["reason": "go"])
            #expect(running.body["state"] as? String == "running")
            let frozen = try await client.call(.patch, "/v1/campaigns/\(id)", key: key, json: ["name": "Renamed"])
            #expect(frozen.status == .conflict && frozen.body.errorCode == "campaign_conflict")
            let startedAgain = try await client.call(.post, "/v1/campaigns/\(id)/start", key: key)
            #expect(startedAgain.status == .conflict && startedAgain.body["rule"] as? String
                    == "a campaign that has started cannot be started or scheduled again; pause or resume it")

            #expect(try await client.call(.post, "/v1/campaigns/\(id)/pause", key: key).body["state"] as? String == "paused")
            let paced = try await client.call(.patch, "/v1/campaigns/\(id)", key: key,
                                              json: ["pacing": ["max_concurrent_calls": 5], "retry_policy": ["max_attempts": 2]])
            #expect(paced.status == .ok && paced.body["pacing"] as? [String: Int] == ["max_concurrent_calls": 5])
            #expect(paced.body["retry_policy"] as? [String: Int] == ["max_attempts": 2, "retry_gap_minutes": 120], "the gap kept")
            let scriptFrozen = try await client.call(.patch, "/v1/campaigns/\(id)", key: key,
                                                     json: ["script": Self.script(["closing_line": "Bye."])])
            #expect(scriptFrozen.status == .conflict)
            #expect((scriptFrozen.body["error"] as? [String: Any])?["message"] as? String
                    == "script cannot change once the campaign has started calling (only name, calling_window, pacing, retry_policy and voicemail can)")
            let state = try await client.call(.patch, "/v1/campaigns/\(id)", key: key, json: ["state": "running"])
            #expect(state.status == .unprocessableContent && state.body.errorCode == "state_not_patchable")

            #expect(try await client.call(.post, "/v1/campaigns/\(id)/resume", key: key).body["state"] as? String == "running")
            let cancelled = try await client.call(.post, "/v1/campaigns/\(id)/cancel", key: key, json: ["reason": "wrong list"])
            #expect(cancelled.body["state"] as? String == "cancelled")
            #expect((cancelled.body["recipients"] as? [String: Int])?["skipped"] == 2, "nobody had been called")
            let resumed = try await client.call(.post, "/v1/campaigns/\(id)/resume", key: key)
            #expect(resumed.status == .conflict && resumed.body["rule"] as? String
                    == "a cancelled campaign cannot be restarted; create a new campaign")
            let deleted = try await client.call(.delete, "/v1/campaigns/\(id)", key: key)
            #expect(deleted.status == .conflict && deleted.body.errorCode == "campaign_conflict")
            let late = try await client.call(.post, "/v1/campaigns/\(id)/recipients", key: key, raw: Self.csv, contentType: "text/csv")
            #expect(late.status == .conflict)

            let draft = try #require(try await client.call(.post, "/v1/campaigns", key: key, json: Self.campaign).body.id)
            #expect(try await client.call(.delete, "/v1/campaigns/\(draft)", key: key).status == .noContent)
            #expect(try await client.call(.get, "/v1/campaigns/\(draft)", key: key).status == .notFound)

            let stream = try await test.services.events.events(EventQuery(businessId: nil, stream: .campaign(id), limit: 100))
            #expect(stream.filter { $0.type == .campaignStateChanged }.count == 5)
        }
    }

    @Test func aDraftsScriptAndSettingsCanChangeButNotToAVariableRecipientsLack() async throws {
        let test = try await TestApp.make()
        let (_, key) = try await Self.tenant(test, "brightwater")
        try await test.app.test(.router) { client in
            let id = try #require(try await client.call(.post, "/v1/campaigns", key: key, json: Self.campaign).body.id)
            _ = try await client.call(.post, "/v1/campaigns/\(id)/recipients", key: key, raw: Self.csv, contentType: "text/csv")
            let edited = try await client.call(.patch, "/v1/campaigns/\(id)", key: key, json: [
                "voicemail": "leave_message",
                "script": Self.script(["voicemail_message": "Please call us back about {{service}}."]),
                "calling_window": ["start": "09:30", "end": "17:00"],
            ])
            #expect(edited.status == .ok, "\(edited.body)")
            #expect(edited.body["voicemail"] as? String == "leave_message" && edited.body["version"] as? Int == 2)
            #expect(edited.body["calling_window"] as? [String: String] == ["start": "09:30", "end": "17:00"])
            let lacking = try await client.call(.patch, "/v1/campaigns/\(id)", key: key,
                                                json: ["script": Self.script(["closing_line": "See you at {{address}}.",
                                                                              "voicemail_message": "Call us back."])])
            #expect(lacking.status == .unprocessableContent && lacking.body.errorField == "script", "\(lacking.body)")
            // `script` replaces the whole script: one without a voicemail message, while voicemail is leave_message, is refused.
            let noMessage = try await client.call(.patch, "/v1/campaigns/\(id)", key: key, json: ["script": Self.script([:])])
            #expect(noMessage.status == .unprocessableContent && noMessage.body.errorField == "script.voicemail_message")
            #expect(try await client.call(.get, "/v1/campaigns/\(id)", key: key).body["version"] as? Int == 2)
        }
    }
}

extension Dictionary where Key == String, Value == Any {
    var errorDetails: [[String: Any]] { ((self["error"] as? [String: Any])?["details"] as? [[String: Any]]) ?? [] }
}
