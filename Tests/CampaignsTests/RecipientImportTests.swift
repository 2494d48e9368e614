import Campaigns
import Foundation
import Testing

@Suite struct RecipientImportTests {
    static let options = RecipientImport.Options(requiredVariables: ["first_name", "date"], businessTimeZone: "America/Chicago")

    static func csv(_ text: String, _ options: RecipientImport.Options = options) throws(RecipientImportFailure) -> ImportedRecipients {
        try RecipientImport.csv(Array(text.utf8), options: options)
    }

    static func failure(_ body: () throws -> ImportedRecipients) -> [RecipientRowError] {
        do {
            let imported = try body()
            Issue.record("expected the upload to be refused, got \(imported.recipients.count) recipients")
            return []
        } catch let failure as RecipientImportFailure {
            return failure.errors
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    @Test func aCSVBecomesRecipientsWithVariablesAndZones() throws {
        let imported = try Self.csv("""
            \u{FEFF}Phone Number,First Name,date,timezone,postcode,notes\r
            +1 (555) 010-0001,Ana,Tuesday,,10001,"likes mornings, not evenings"\r
            +15550100002,"Bo ""Bobby"" Li",Wednesday,America/Denver,,\r
            ,,,,,\r
            +15550100003,Cy,Friday,,SW1A 1AA,"two
            lines"\r

            """)
        #expect(imported.rows == 3)
        #expect(imported.columns == ["first_name", "date", "timezone", "postcode", "notes"])
        #expect(imported.merges.isEmpty)
        let (a, b, c) = (imported.recipients[0], imported.recipients[1], imported.recipients[2])
        #expect(a.phone == "+15550100001" && a.rows == [2])
        #expect(a.variables == ["first_name": "Ana", "date": "Tuesday", "postcode": "10001", "notes": "likes mornings, not evenings"])
        #expect(a.timeZone == "America/New_York" && a.zoneSource == .postcode)
        #expect(b.variables["first_name"] == "Bo \"Bobby\" Li")
        #expect(b.timeZone == "America/Denver" && b.zoneSource == .timezone)
        #expect(c.timeZone == "America/Chicago" && c.zoneSource == .business, "not a ZIP code: the business's zone")
        #expect(c.variables["notes"] == "two\nlines")
        #expect(c.rows == [5], "the blank row 4 is skipped but still counted as a line")
    }

    @Test func duplicateNumbersAreMergedAndLaterRowsFillOnlyBlanks() throws {
        let imported = try Self.csv("""
            phone_number,first_name,date,notes
            +15550100001,Ana,,first note
            +15550100002,Bo,Monday,
            +1 555 010 0001,Anna,Tuesday,second note
            +15550100001,,Wednesday,
            """)
        #expect(imported.rows == 4)
        #expect(imported.recipients.map(\.phone) == ["+15550100001", "+15550100002"])
        #expect(imported.recipients[0].variables == ["first_name": "Ana", "date": "Tuesday", "notes": "first note"])
        #expect(imported.recipients[0].rows == [2, 4, 5])
        // Row 5's Wednesday differs from the Tuesday row 4 filled in: dropped, and reported.
        #expect(imported.merges == [RecipientMerge(phone: "+15550100001", rows: [2, 4, 5], filled: ["date"],
                                                   conflicting: ["first_name", "notes", "date"])])
    }

    @Test func everyProblemIsReportedWithItsRowAndColumnAndNothingIsKept() {
        let errors = Self.failure {
            try Self.csv("""
                phone_number,first_name,date,timezone
                +15550100001,Ana,Tuesday,
                555-0102,Bo,Monday,
                +15550100003,,Monday,
                +15550100004,Di,Friday,Mars/Base
                +15550100005,Ed
                +15550100006,"Flo,Friday,
                """)
        }
        #expect(errors.map(\.row) == [3, 4, 5, 6, 7])
        #expect(errors.map(\.column) == ["phone_number", "first_name", "timezone", nil, nil])
        #expect(errors[0].message == "phone_number \"555-0102\" is not E.164: + and the country code, then the number (e.g. +15551234567)")
        #expect(errors[1].message == "the script uses {{first_name}}, but first_name is blank for +1******0003")
        #expect(errors[2].message == "timezone \"Mars/Base\" is not an IANA time zone name (e.g. America/Chicago)")
        #expect(errors[3].message == "the row has 2 fields, the header has 4")
        #expect(errors[4].message == "field 2: quoted field is not closed")
    }

    @Test func tooLongAndNULValuesAreRowErrors() {
        let long = String(repeating: "a", count: 201)
        let errors = Self.failure {
            try Self.csv("phone_number,first_name,date,notes\n+15550100001,Ana,Tuesday,\(long)\n+15550100002,Bo\u{0},Monday,\n")
        }
        #expect(errors == [RecipientRowError(row: 2, column: "notes", "notes is longer than 200 characters"),
                           RecipientRowError(row: 3, column: "first_name", "first_name contains a NUL character")])
    }

    @Test func aVariableBlankOnEveryRowOfAMergedNumberNamesTheRows() {
        let errors = Self.failure {
            try Self.csv("phone_number,first_name,date\n+15550100001,Ana,\n+15550100001,,\n")
        }
        #expect(errors == [RecipientRowError(row: 2, column: "date",
            "the script uses {{date}}, but date is blank for +1******0001 (rows 2, 3 have this number)")])
    }

    @Test func aVariableTheUploadLacksIsNamed() {
        let errors = Self.failure { try Self.csv("phone_number,first_name\n+15550100001,Ana\n") }
        #expect(errors == [RecipientRowError(row: nil, column: "date", "the script uses {{date}}, but the upload has no date column")])
    }

    @Test func theHeaderIsChecked() {
        #expect(Self.failure { try Self.csv("first_name,date\nAna,Tuesday\n") }
                == [RecipientRowError(row: nil, column: "phone_number", "the upload has no phone_number column; found: first_name, date")])
        #expect(Self.failure { try Self.csv("") } == [RecipientRowError(row: 1, column: nil, "the CSV has no header row")])
        #expect(Self.failure { try Self.csv("phone_number,first_name,date\n") }
                == [RecipientRowError(row: nil, column: nil, "the upload has no recipients")])
        let twice = Self.failure { try Self.csv("phone_number,First Name,first_name,date\n+15550100001,A,A,B\n") }
        #expect(twice == [RecipientRowError(row: 1, column: "first_name", "the column first_name appears twice in the header")])
        let builtIn = Self.failure { try Self.csv("phone_number,first_name,date,business_name\n+15550100001,A,B,C\n") }
        #expect(builtIn == [RecipientRowError(row: nil, column: "business_name",
                                              "business_name is filled in by FrontDesk ({{business_name}}); rename the column")])
        let odd = Self.failure { try Self.csv("phone_number,first_name,date,Appt @ time\n+15550100001,A,B,C\n") }
        #expect(odd.first?.column == "column 4")
        // A column with no header name is allowed only while it stays empty (a spreadsheet's trailing column).
        #expect((try? Self.csv("phone_number,first_name,date,\n+15550100001,A,B,\n"))?.recipients.count == 1)
        let stray = Self.failure { try Self.csv("phone_number,first_name,date,\n+15550100001,A,B,C\n") }
        #expect(stray == [RecipientRowError(row: 2, column: "column 4", "a value in a column with no usable header name")])
    }

    @Test func atMostTenThousandRowsPerUpload() throws {
        var text = "phone_number\n"
        for index in 0..<10_000 { text += "+1555\(String(format: "%07d", index))\n" }
        let options = RecipientImport.Options(requiredVariables: [], businessTimeZone: "UTC")
        #expect(try Self.csv(text, options).recipients.count == 10_000)
        text += "+15559999999\n"
        #expect(Self.failure { try Self.csv(text, options) } == [RecipientRowError(row: nil, column: nil,
            "the upload has 10001 rows; at most 10000 per upload (split it and upload each part)")])
    }

    @Test func aJSONArrayOfObjectsIsReadTheSameWay() throws {
        let json = """
            [{"phone_number": "+15550100001", "first_name": "Ana", "date": "Tuesday", "visits": 3, "vip": true, "postcode": 60614},
             {"Phone_Number": "+15550100002", "first_name": "Bo", "date": "Monday", "notes": null, "timezone": "America/Denver"},
             {"phone_number": "+15550100001", "first_name": "Ana", "date": "Tuesday", "notes": "merged"}]
            """
        let imported = try RecipientImport.json(Data(json.utf8), options: Self.options)
        #expect(imported.rows == 3)
        #expect(imported.recipients.count == 2)
        #expect(imported.recipients[0].variables == ["first_name": "Ana", "date": "Tuesday", "visits": "3", "vip": "true",
                                                     "postcode": "60614", "notes": "merged"])
        #expect(imported.recipients[0].timeZone == "America/Chicago" && imported.recipients[0].zoneSource == .postcode)
        #expect(imported.recipients[1].timeZone == "America/Denver")
        #expect(imported.merges == [RecipientMerge(phone: "+15550100001", rows: [1, 3], filled: ["notes"], conflicting: [])])
    }

    @Test func jsonProblemsNameTheirRows() {
        let errors = Self.failure {
            try RecipientImport.json(Data("""
                [{"phone_number": "+15550100001", "first_name": "Ana", "date": {"day": "Tuesday"}},
                 "not an object",
                 {"phone_number": "15550100003", "first_name": "Cy", "date": "Friday"}]
                """.utf8), options: Self.options)
        }
        #expect(errors == [
            RecipientRowError(row: 1, column: "date", "date must be text, a number or true/false"),
            RecipientRowError(row: 2, column: nil, "each recipient must be a JSON object"),
            RecipientRowError(row: 3, column: "phone_number",
                              "phone_number \"15550100003\" is not E.164: + and the country code, then the number (e.g. +15551234567)"),
        ])
        #expect(Self.failure { try RecipientImport.json(Data("{\"phone_number\": \"+15550100001\"}".utf8), options: Self.options) }
            .first?.message.hasPrefix("the body is not a JSON array of objects") == true)
    }
}
