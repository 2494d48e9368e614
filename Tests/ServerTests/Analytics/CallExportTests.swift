import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import Server

@Suite struct CallExportTests {
    /// RFC 4180 parser written for the test: quoted fields, doubled quotes, CRLF or LF inside quotes.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.unicodeScalars.append("\""); chars.removeFirst() } else { quoted = false }
                } else { field.unicodeScalars.append(c) }
            } else if c == "\"" { quoted = true
            } else if c == "," { row.append(field); field = ""
            } else if c == "\r" && chars.first == "\n" { chars.removeFirst(); row.append(field); rows.append(row); row = []; field = ""
            } else { field.unicodeScalars.append(c) }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }

    static func get(_ client: some TestClientProtocol, _ uri: String, key: String) async throws -> (HTTPResponse.Status, String, HTTPFields) {
        try await client.execute(uri: uri, method: .get, headers: [HTTPField.Name("X-API-Key")!: key]) { response in
            (response.status, String(buffer: response.body), response.headers)
        }
    }

    @Test func callsExportAsCSVJSONAndNDJSONWithTheirDetails() async throws {
        let app = try await TwilioWebhookTests.makeApp()
        let (_, key) = try await TwilioWebhookTests.makeBusiness(app)
        let (_, otherKey) = try await TwilioWebhookTests.makeBusiness(app, slug: "other", number: "+15550100001")
        try await app.app.test(.router) { client in
            var call = SimulatedCall(twilio: TwilioTestClient(authToken: TwilioWebhookTests.authToken), to: TwilioWebhookTests.number)
            _ = try await call.start(client)
            _ = try await call.say(client, "what time are you open on saturday")
            _ = try await call.say(client, "can i leave a message")
            _ = try await call.say(client, "my name is jo o'neil")
            _ = try await call.say(client, "yes")
            _ = try await call.say(client, "12 elm road")
            _ = try await call.say(client, "tell them \"the tap, it drips\"\nand =SUM(A1) please")
            _ = try await call.say(client, "yes")
            _ = try await call.hangUp(client, duration: 81)

            let (status, csv, headers) = try await Self.get(client, "/v1/analytics/calls.csv", key: key)
            #expect(status == .ok)
            #expect(headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.hasSuffix("\r\n"))
            let rows = Self.parseCSV(csv)
            #expect(rows.first == CallExport.columns)
            #expect(rows.count == 2)
            let row = Dictionary(uniqueKeysWithValues: zip(rows[0], rows[1]))
            #expect(row["call_sid"] == call.sid)
            #expect(row["time_zone"] == "America/Chicago")
            #expect(row["started_at"]?.hasSuffix("-06:00") == true, "local time with the business's offset: \(row["started_at"] ?? "")")
            #expect(row["duration_seconds"] == "81")
            #expect(row["outcome"] == "lead_captured")
            #expect(row["questions_answered"] == "1")
            #expect(row["lead_name"] == "Jo O'neil" || row["lead_name"] == "Jo O'Neil")
            #expect(row["lead_notes"] == "tell them \"the tap, it drips\"\nand =SUM(A1) please", "quotes, commas and newlines survive")
            #expect(row["cited_entries"]?.isEmpty == false)

            let (_, json, _) = try await Self.get(client, "/v1/analytics/calls.json", key: key)
            let array = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
            #expect(array.count == 1)
            #expect(array[0]["duration_seconds"] as? Int == 81)
            #expect((array[0]["cited_entries"] as? [String])?.count == 1)
            let (_, ndjson, _) = try await Self.get(client, "/v1/analytics/calls.ndjson", key: key)
            let lines = ndjson.split(separator: "\n")
            #expect(lines.count == 1)
            #expect((try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])?["call_sid"] as? String == call.sid)

            let (_, otherCSV, _) = try await Self.get(client, "/v1/analytics/calls.csv", key: otherKey)
            #expect(Self.parseCSV(otherCSV).count == 1, "another business's export has only the header")
            let (_, empty, _) = try await Self.get(client, "/v1/analytics/calls.json", key: otherKey)
            #expect((try JSONSerialization.jsonObject(with: Data(empty.utf8)) as? [Any])?.isEmpty == true)
        }
    }

    @Test(arguments: [
        ("/v1/analytics/calls.csv?from=2026-11-10&to=2026-11-01", HTTPResponse.Status.badRequest, "invalid_range"),
        ("/v1/analytics/calls.csv?from=yesterday", .badRequest, "invalid_parameter"),
        ("/v1/analytics/calls.csv?from=2026-02-30", .badRequest, "invalid_parameter"),
        ("/v1/analytics/calls.csv?from=2024-01-01&to=2026-01-01", .badRequest, "invalid_range"),
        ("/v1/analytics/calls.xml", .badRequest, "unsupported_format"),
        ("/v1/analytics/people.csv", .notFound, "not_found"),
    ])
    func badRequestsGetAClearError(uri: String, status: HTTPResponse.Status, code: String) async throws {
        let app = try await TwilioWebhookTests.makeApp()
        let (_, key) = try await TwilioWebhookTests.makeBusiness(app)
        try await app.app.test(.router) { client in
            let (got, body) = try await client.call(.get, uri, key: key)
            #expect(got == status)
            #expect(body.errorCode == code)
        }
    }
}
