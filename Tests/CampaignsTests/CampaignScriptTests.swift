import Campaigns
import Foundation
import Testing

@Suite struct CampaignScriptTests {
    static func line(_ text: String) -> ScriptTemplate { try! ScriptTemplate(parsing: text, field: "test") }

    static func script(opening: String = "Hi {{first_name}}.", voicemail: String? = "Please call us back about {{service}}.")
        -> CampaignScript {
        CampaignScript(
            purpose: line("I'm calling to confirm your {{service}} on {{date}}."), openingLine: line(opening),
            questions: [CampaignQuestion(field: "confirmed", text: line("Can you still make {{date}}?"), kind: .yesNo),
                        CampaignQuestion(field: "Notes", text: line("Anything we should know?"), kind: .freeText)],
            closingLine: line("Thanks {{ First_Name }}, goodbye."), voicemailMessage: voicemail.map(line))
    }

    @Test func placeholdersAreParsedWithoutRegardToCaseOrSpaces() throws {
        let template = try ScriptTemplate(parsing: "  Hi {{ First_Name }}, about {{service}} for {{first_name}}. ", field: "x")
        #expect(template.text == "Hi {{ First_Name }}, about {{service}} for {{first_name}}.")
        #expect(template.variables == ["first_name", "service"])
        #expect(try template.render(["first_name": " Ana ", "service": "boiler service"]) == "Hi Ana, about boiler service for Ana.")
        #expect(try ScriptTemplate(parsing: "No variables here.", field: "x").parts == [.text("No variables here.")])
    }

    @Test(arguments: [
        ("Hi {{first_name}", "script.opening_line has a {{ that is never closed with }}"),
        ("Hi {{first name}}", "script.opening_line has {{first name}}, which is not a variable name (a letter, then letters, digits or _; at most 40)"),
        ("Hi {{}}", "script.opening_line has {{}}, which is not a variable name (a letter, then letters, digits or _; at most 40)"),
        ("Hi {{1st}}", "script.opening_line has {{1st}}, which is not a variable name (a letter, then letters, digits or _; at most 40)"),
        ("Hi\u{0}", "script.opening_line contains a NUL character"),
    ])
    func malformedPlaceholdersAreRefusedNamingTheField(text: String, message: String) {
        #expect(throws: CampaignValidationError(field: "script.opening_line", message)) {
            _ = try ScriptTemplate(parsing: text, field: "script.opening_line")
        }
    }

    @Test func renderingNamesTheMissingVariable() {
        #expect(throws: ScriptRenderError(variable: "date")) {
            _ = try Self.line("See you {{date}}").render(["date": "  "])
        }
        #expect(ScriptRenderError(variable: "date").description == "the script uses {{date}}, which has no value for this recipient")
    }

    @Test func theOpeningAlwaysSaysWhoCallsAndThatItIsAutomated() throws {
        let context = ScriptContext(businessName: "Brightwater Plumbing",
                                    variables: ["first_name": "Ana", "service": "boiler service", "date": "Tuesday"])
        let plain = try Self.script().rendered(context)
        #expect(plain.opening == "Hello, this is an automated assistant calling for Brightwater Plumbing. Hi Ana.")
        #expect(plain.purpose == "I'm calling to confirm your boiler service on Tuesday.")
        #expect(plain.questions.map(\.text) == ["Can you still make Tuesday?", "Anything we should know?"])
        #expect(plain.closing == "Thanks Ana, goodbye.")
        #expect(plain.voicemail == "This is an automated message from Brightwater Plumbing. Please call us back about boiler service.")

        // An opening that names the business through the variable and says "automated" is spoken as written.
        let own = Self.script(opening: "Hi {{first_name}}, this is the Automated assistant of {{business_name}}.",
                              voicemail: "Automated message from {{business_name}}: call us back.")
        #expect(own.openingDisclosesItself && own.voicemailDisclosesItself)
        let rendered = try own.rendered(context)
        #expect(rendered.opening == "Hi Ana, this is the Automated assistant of Brightwater Plumbing.")
        #expect(rendered.voicemail == "Automated message from Brightwater Plumbing: call us back.")
        // Saying the name literally is not enough (names change); saying "automated" without the name is not either.
        #expect(!Self.script(opening: "Hi, Brightwater Plumbing's automated assistant here.").openingDisclosesItself)
        #expect(!Self.script(opening: "Hi, {{business_name}} here.").openingDisclosesItself)
        #expect(try Self.script(voicemail: nil).rendered(context).voicemail == nil)
    }

    @Test func variablesAreThoseOfEveryLineAndRecipientsNeedAllButTheBuiltIns() {
        let script = Self.script(opening: "Hi {{first_name}}, {{business_name}}'s automated assistant.")
        #expect(script.variables == ["first_name", "business_name", "service", "date"])
        #expect(script.recipientVariables == ["first_name", "service", "date"])
    }

    @Test func validationChecksLinesAndQuestionFields() throws {
        let valid = try Self.script().validated()
        #expect(valid.questions.map(\.field) == ["confirmed", "notes"], "field names are lower-cased")

        var tooMany = Self.script()
        tooMany.questions = (1...6).map { CampaignQuestion(field: "q\($0)", text: Self.line("Question \($0)?"), kind: .number) }
        #expect(throws: CampaignValidationError(field: "script.questions", "script.questions has 6 questions; at most 5")) {
            _ = try tooMany.validated()
        }
        var duplicate = Self.script()
        duplicate.questions[1].field = "CONFIRMED"
        #expect(throws: CampaignValidationError(field: "script.questions[1].field",
                                                "script.questions[1].field \"confirmed\" is used by an earlier question")) {
            _ = try duplicate.validated()
        }
        var reserved = Self.script()
        reserved.questions[0].field = "state"
        #expect(throws: CampaignValidationError(field: "script.questions[0].field",
                                                "script.questions[0].field \"state\" is a column every result has; choose another name")) {
            _ = try reserved.validated()
        }
        var badName = Self.script()
        badName.questions[0].field = "pick a time"
        #expect(throws: CampaignValidationError.self) { _ = try badName.validated() }
        var empty = Self.script()
        empty.closingLine = Self.line("   ")
        #expect(throws: CampaignValidationError(field: "script.closing_line", "script.closing_line must be 1–400 characters")) {
            _ = try empty.validated()
        }
        var long = Self.script()
        long.questions[1].text = Self.line(String(repeating: "a", count: 401))
        #expect(throws: CampaignValidationError(field: "script.questions[1].text", "script.questions[1].text must be 1–400 characters")) {
            _ = try long.validated()
        }
    }

    @Test func aScriptIsStoredAsItsTextAndReadBack() throws {
        let script = Self.script()
        let data = try JSONEncoder().encode(script)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"Hi {{first_name}}.\""))
        #expect(try JSONDecoder().decode(CampaignScript.self, from: data) == script)
        let broken = Data(text.replacingOccurrences(of: "Hi {{first_name}}.", with: "Hi {{first_name").utf8)
        #expect(throws: DecodingError.self) { _ = try JSONDecoder().decode(CampaignScript.self, from: broken) }
    }
}
