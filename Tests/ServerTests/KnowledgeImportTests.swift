import Foundation
import Testing
@testable import Server

// MARK: - Helpers

private func parse(
    _ body: String, _ format: KnowledgeImportFormat, source: String? = nil,
    limits: KnowledgeImportLimits = .default
) throws -> KnowledgeImportResult {
    try KnowledgeImport.parse(Data(body.utf8), format: format, defaultSource: source, limits: limits)
}

private func unreadableMessage(
    _ body: [UInt8], _ format: KnowledgeImportFormat, limits: KnowledgeImportLimits = .default
) -> String? {
    do {
        _ = try KnowledgeImport.parse(body, format: format, defaultSource: nil, limits: limits)
        return nil
    } catch {
        guard case .unreadable(let message) = error else { return nil }
        return message
    }
}

private func unreadableMessage(
    _ body: String, _ format: KnowledgeImportFormat, limits: KnowledgeImportLimits = .default
) -> String? {
    unreadableMessage(Array(body.utf8), format, limits: limits)
}

private let repoRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The first `count` lines of the plumbing corpus, exactly as committed.
private func plumbingLines(_ count: Int) throws -> [String] {
    let url = repoRoot.appendingPathComponent("corpora/plumbing/knowledge.jsonl")
    let text = try String(contentsOf: url, encoding: .utf8)
    return text.split(separator: "\n").prefix(count).map(String.init)
}

// MARK: - Format detection

@Test(arguments: [
    ("application/json", KnowledgeImportFormat.json),
    ("application/json; charset=utf-8", .json),
    ("Application/JSON;charset=UTF-8", .json),
    ("application/x-ndjson", .jsonl),
    ("application/jsonl; charset=utf-8", .jsonl),
    ("text/markdown; charset=UTF-8; variant=GFM", .markdown),
    ("text/csv;header=present", .csv),
    (" text/plain ; charset=us-ascii", .text),
])
func knowledgeImportDetectsContentTypes(contentType: String, expected: KnowledgeImportFormat) {
    #expect(KnowledgeImportFormat.detect(contentType: contentType, explicit: nil) == expected)
}

@Test func knowledgeImportDetectionPrefersExplicitFormat() {
    #expect(KnowledgeImportFormat.detect(contentType: "application/json", explicit: "csv") == .csv)
    #expect(KnowledgeImportFormat.detect(contentType: nil, explicit: "JSONL") == .jsonl)
    #expect(KnowledgeImportFormat.detect(contentType: nil, explicit: "md") == .markdown)
    #expect(KnowledgeImportFormat.detect(contentType: "text/csv", explicit: "") == .csv)
    // An unknown explicit value is reported, not silently replaced by the content type.
    #expect(KnowledgeImportFormat.detect(contentType: "text/csv", explicit: "xlsx") == nil)
    #expect(KnowledgeImportFormat.detect(contentType: "application/octet-stream", explicit: nil) == nil)
    #expect(KnowledgeImportFormat.detect(contentType: nil, explicit: nil) == nil)
    for format in KnowledgeImportFormat.allCases {
        #expect(KnowledgeImportFormat.detect(contentType: nil, explicit: format.rawValue) == format)
    }
}

// MARK: - Whole-body errors

@Test func knowledgeImportRejectsNonUTF8AndEmptyBodies() {
    // "title,content\nCafé,open daily\n" saved as Latin-1: é is the lone byte 0xE9.
    let latin1 = Array("title,content\nCaf".utf8) + [0xE9] + Array(",open daily\n".utf8)
    for format in KnowledgeImportFormat.allCases {
        #expect(unreadableMessage(latin1, format) == "body is not valid UTF-8")
        #expect(unreadableMessage([0xC3, 0x28], format) == "body is not valid UTF-8")
        #expect(unreadableMessage("", format) == "empty body")
        #expect(unreadableMessage(" \n\t\r\n", format) == "empty body")
    }
}

@Test func knowledgeImportRowLimitMakesBodyUnreadable() {
    var limits = KnowledgeImportLimits.default
    limits.maxRows = 2
    let entry = #"{"title": "t", "content": "c"}"#
    #expect(unreadableMessage("[\(entry),\(entry),\(entry)]", .json, limits: limits) == "more than 2 rows")
    #expect(unreadableMessage("\(entry)\n\(entry)\n\(entry)\n", .jsonl, limits: limits) == "more than 2 rows")
    #expect(unreadableMessage("title,content\na,b\nc,d\ne,f\n", .csv, limits: limits) == "more than 2 rows")
    #expect(unreadableMessage("# a\nb\n# c\nd\n# e\nf\n", .markdown, limits: limits) == "more than 2 rows")
    #expect((try? parse("[\(entry),\(entry)]", .json, limits: limits))?.drafts.count == 2)
}

// MARK: - JSON

@Test func knowledgeImportParsesJSONArray() throws {
    let body = """
    [
      {"title": "Do you charge a call-out fee?",
       "content": "No call-out fee during working hours (8am–6pm). Out of hours we charge £95 for the first hour.",
       "category": "pricing", "tags": ["pricing", "call-out", " Pricing "], "source": "website/faq"},
      {"question": "Are you Gas Safe registered?", "answer": "Yes — registration number 604118.",
       "tags": "gas safe, accreditation;  trust", "category": "", "id": 17},
      {"title": "Areas we cover", "content": "Ashcombe and villages within 15 miles.", "category": null, "tags": null}
    ]
    """
    let result = try parse(body, .json, source: "upload.json")
    #expect(result.errors.isEmpty)
    #expect(result.drafts == [
        KnowledgeDraft(
            title: "Do you charge a call-out fee?",
            content: "No call-out fee during working hours (8am–6pm). Out of hours we charge £95 for the first hour.",
            category: "pricing", tags: ["pricing", "call-out"], source: "website/faq"),
        KnowledgeDraft(
            title: "Are you Gas Safe registered?", content: "Yes — registration number 604118.",
            category: nil, tags: ["gas safe", "accreditation", "trust"], source: "upload.json"),
        KnowledgeDraft(
            title: "Areas we cover", content: "Ashcombe and villages within 15 miles.", source: "upload.json"),
    ])
}

@Test func knowledgeImportReportsJSONWrongTypesPerRow() throws {
    let body = """
    [
      {"title": "Opening hours", "content": "Mon–Fri 8–6", "tags": ["hours", 7]},
      "just a string",
      {"title": 42, "content": "Forty-two"},
      {"question": "Weekend?", "answer": true, "category": ["a"]},
      {"title": "Fine", "content": "Still parsed", "tags": {"a": 1}},
      {"title": "Good row", "content": "Imported only if the whole body is clean"}
    ]
    """
    let result = try parse(body, .json, source: nil)
    #expect(result.drafts.map(\.title) == ["Good row"])
    #expect(result.errors == [
        KnowledgeImportRowError(row: 1, field: "tags", message: "tags must be an array of strings or a comma-separated string"),
        KnowledgeImportRowError(row: 2, field: nil, message: "entry must be a JSON object"),
        KnowledgeImportRowError(row: 3, field: "title", message: "title must be a string"),
        KnowledgeImportRowError(row: 4, field: "content", message: "answer must be a string"),
        KnowledgeImportRowError(row: 4, field: "category", message: "category must be a string"),
        KnowledgeImportRowError(row: 5, field: "tags", message: "tags must be an array of strings or a comma-separated string"),
    ])
}

@Test func knowledgeImportJSONMissingFieldsAreValidationErrors() throws {
    let result = try parse(#"[{"content": "no title"}, {"title": "no content", "content": "   "}]"#, .json, source: nil)
    #expect(result.drafts.isEmpty)
    #expect(result.errors == [
        KnowledgeImportRowError(row: 1, field: "title", message: "title is required"),
        KnowledgeImportRowError(row: 2, field: "content", message: "content is required"),
    ])
}

@Test func knowledgeImportJSONTopLevelMustBeAnArray() {
    #expect(unreadableMessage(#"{"title": "a", "content": "b"}"#, .json) == "expected a JSON array of entries at the top level")
    #expect(unreadableMessage("\"text\"", .json) == "expected a JSON array of entries at the top level")
    #expect(unreadableMessage("title,content\na,b", .json) == "body is not valid JSON")
    #expect(unreadableMessage("[{\"title\": \"a\",", .json) == "body is not valid JSON")
}

// MARK: - JSONL

@Test func knowledgeImportParsesCorpusJSONL() throws {
    let lines = try plumbingLines(3)
    let result = try parse(lines.joined(separator: "\n") + "\n", .jsonl, source: "corpus")
    #expect(result.errors.isEmpty)
    #expect(result.drafts.count == 3)
    let first = try #require(result.drafts.first)
    #expect(first.title == "About Brightwater Plumbing & Heating")
    #expect(first.content.hasPrefix("Brightwater Plumbing & Heating is an independent, family-run"))
    #expect(first.content.contains("\n\nWe are Gas Safe registered"))
    #expect(first.category == "about")
    #expect(first.tags == ["company", "history", "gas safe"])
    #expect(first.source == "website/about")
}

@Test func knowledgeImportJSONLBadLineIsARowErrorWithItsLineNumber() throws {
    let lines = try plumbingLines(3)
    // Line 1 good, 2 blank, 3 truncated JSON, 4 good (CRLF), 5 an array, 6 good, 7 blank.
    let body = lines[0] + "\n\n" + "{\"title\": \"Broken\", \"content\": "
        + "\n" + lines[1] + "\r\n[1, 2]\n" + lines[2] + "\n   \n"
    let result = try parse(body, .jsonl, source: nil)
    #expect(result.drafts.count == 3)
    #expect(result.drafts.prefix(2).map(\.title) == ["About Brightwater Plumbing & Heating", "Services we offer"])
    #expect(result.errors == [
        KnowledgeImportRowError(row: 3, field: nil, message: "line is not valid JSON"),
        KnowledgeImportRowError(row: 5, field: nil, message: "entry must be a JSON object"),
    ])
}

// Tests never assert timings (those live in benchmarks); this one checks a bulk import parses completely.
@Test func knowledgeImportParsesTwentyThousandJSONLRows() throws {
    var body = ""
    for index in 1...20_000 {
        body += #"{"question": "Question \#(index)?", "answer": "Answer number \#(index), with some text.", "#
        body += #""tags": "faq,bulk"}"# + "\n"
    }
    let result: KnowledgeImportResult? = try parse(body, .jsonl, source: "bulk")
    #expect(result?.errors.isEmpty == true)
    #expect(result?.drafts.count == 20_000)
    #expect(result?.drafts.last?.title == "Question 20000?")
    #expect(result?.drafts.first?.tags == ["faq", "bulk"])
}

// MARK: - CSV

@Test func knowledgeImportParsesCSVWithQuotesNewlinesAndCRLF() throws {
    let body = "\u{FEFF}Title,Content,CATEGORY,Tags,Notes\r\n"
        + "Do you charge a call-out fee?,\"No, not in working hours.\r\nOut of hours it's £95.\",pricing,\"pricing; call-out\",internal\r\n"
        + "\"The \"\"Gold\"\" plan\",\"Covers boiler, controls and \"\"all\"\" radiators.\",plans,,\r\n"
        + "\r\n"
        + ",,,,\r\n"
        + "Emergency?,Call 01632 960 123 any time.,urgent,,\r\n"
    let result = try parse(body, .csv, source: "faq.csv")
    #expect(result.errors.isEmpty)
    #expect(result.drafts == [
        KnowledgeDraft(
            title: "Do you charge a call-out fee?", content: "No, not in working hours.\r\nOut of hours it's £95.",
            category: "pricing", tags: ["pricing", "call-out"], source: "faq.csv"),
        KnowledgeDraft(
            title: "The \"Gold\" plan", content: "Covers boiler, controls and \"all\" radiators.",
            category: "plans", source: "faq.csv"),
        KnowledgeDraft(title: "Emergency?", content: "Call 01632 960 123 any time.", category: "urgent", source: "faq.csv"),
    ])
}

@Test func knowledgeImportCSVAcceptsQuestionAnswerHeadersAndLF() throws {
    let body = """
    question,answer,source,tags
    Do you fit smart thermostats?,"Yes: Hive, Nest and Tado.",website/services,"heating,controls,Heating"
    Do you work weekends?,Saturday mornings only.,,
    """
    let result = try parse(body, .csv, source: "default")
    #expect(result.errors.isEmpty)
    #expect(result.drafts == [
        KnowledgeDraft(
            title: "Do you fit smart thermostats?", content: "Yes: Hive, Nest and Tado.",
            tags: ["heating", "controls"], source: "website/services"),
        KnowledgeDraft(title: "Do you work weekends?", content: "Saturday mornings only.", source: "default"),
    ])
}

@Test func knowledgeImportCSVRowErrorsUseStartingLineNumbers() throws {
    let body = "title,content,category\n"
        + "Multi-line,\"first line\nsecond line\",general\n"  // lines 2–3
        + "Ragged,only two\n"  // line 4
        + "Too,many,fields,here\n"  // line 5
        + ",no title,general\n"  // line 6
        + "\"Bad \"quote,x,y\n"  // line 7
        + "Fine,Imported if all rows are,general\n"  // line 8
    let result = try parse(body, .csv, source: nil)
    #expect(result.drafts.map(\.title) == ["Multi-line", "Fine"])
    #expect(result.drafts.first?.content == "first line\nsecond line")
    #expect(result.errors == [
        KnowledgeImportRowError(row: 4, field: nil, message: "row has 2 fields, the header has 3"),
        KnowledgeImportRowError(row: 5, field: nil, message: "row has 4 fields, the header has 3"),
        KnowledgeImportRowError(row: 6, field: "title", message: "title is required"),
        KnowledgeImportRowError(row: 7, field: nil, message: "field 1: text after a closing quote"),
    ])
}

@Test func knowledgeImportCSVUnclosedQuoteIsARowError() throws {
    let result = try parse("title,content\nok,fine\nopen,\"never closed\nmore\n", .csv, source: nil)
    #expect(result.drafts.map(\.title) == ["ok"])
    #expect(result.errors == [KnowledgeImportRowError(row: 3, field: nil, message: "field 2: quoted field is not closed")])
}

@Test func knowledgeImportCSVWithoutRequiredColumnsIsUnreadable() {
    #expect(unreadableMessage("title,category\nHours,general\n", .csv)
        == "CSV header needs a title (or question) column and a content (or answer) column; found: title, category")
    #expect(unreadableMessage("\nquestion,answer\nq,a\n", .csv) == "CSV has no header row")
    #expect(unreadableMessage("\"title,content\n", .csv) == "CSV has no header row")
}

// MARK: - Markdown

@Test func knowledgeImportMarkdownNestsGroupsAndKeepsIntro() throws {
    let body = """
    ---
    title: Brightwater FAQ
    ---
    Brightwater Plumbing & Heating answers to common questions.

    # Pricing

    ## Do you charge a call-out fee? ##

    No call-out fee during working hours.

    - Out of hours: **£95** for the first hour
    - Then £45 per half hour

    ## Do you give fixed quotes?
    Yes, for installations.

    # Boilers
    We service all major makes.

    ### Which makes do you install?
    Worcester Bosch and Vaillant.

    # Code
    ```
    # not a heading
    ```
    ## C#
    A language, not a heading closer.
    """
    let result = try parse(body, .markdown, source: nil)
    #expect(result.errors.isEmpty)
    #expect(result.drafts == [
        KnowledgeDraft(title: "Introduction", content: "Brightwater Plumbing & Heating answers to common questions."),
        KnowledgeDraft(
            title: "Do you charge a call-out fee?",
            content: "No call-out fee during working hours.\n\n- Out of hours: **£95** for the first hour\n- Then £45 per half hour",
            category: "Pricing"),
        KnowledgeDraft(title: "Do you give fixed quotes?", content: "Yes, for installations.", category: "Pricing"),
        KnowledgeDraft(title: "Boilers", content: "We service all major makes."),
        // "Boilers" has text of its own, so it is an entry, not a category.
        KnowledgeDraft(title: "Which makes do you install?", content: "Worcester Bosch and Vaillant."),
        KnowledgeDraft(title: "Code", content: "```\n# not a heading\n```"),
        KnowledgeDraft(title: "C#", content: "A language, not a heading closer."),
    ])
}

@Test func knowledgeImportMarkdownIntroTakesDefaultSourceAsTitle() throws {
    let result = try parse("We are open 8–6.\n\n## Parking\nFree on site.\n", .markdown, source: "handbook.md")
    #expect(result.drafts == [
        KnowledgeDraft(title: "handbook.md", content: "We are open 8–6.", source: "handbook.md"),
        KnowledgeDraft(title: "Parking", content: "Free on site.", source: "handbook.md"),
    ])
    let blankIntro = try parse("\n\n   \n# Parking\nFree on site.\n", .markdown, source: nil)
    #expect(blankIntro.drafts == [KnowledgeDraft(title: "Parking", content: "Free on site.")])
}

@Test func knowledgeImportMarkdownNearestGroupIsTheCategoryAndEmptyLeavesAreErrors() throws {
    let body = """
    # Services
    ## Heating
    ### Powerflush
    Cleans sludge from radiators.
    ## Plumbing
    #### Burst pipes ####
    Turn off the stopcock.
    ## Drainage
    #####
    Untitled text.
    # Opening hours
    """
    let result = try parse(body, .markdown, source: nil)
    #expect(result.drafts == [
        KnowledgeDraft(title: "Powerflush", content: "Cleans sludge from radiators.", category: "Heating"),
        KnowledgeDraft(title: "Burst pipes", content: "Turn off the stopcock.", category: "Plumbing"),
    ])
    // Rows are heading ordinals. "Drainage" (6th) is a group for the untitled `#####` (7th); the last
    // heading (8th) has neither text nor children.
    #expect(result.errors == [
        KnowledgeImportRowError(row: 7, field: "title", message: "title is required"),
        KnowledgeImportRowError(row: 8, field: "content", message: "content is required"),
    ])
}

@Test func knowledgeImportMarkdownHeadingSyntax() {
    #expect(MarkdownOutline.heading("# Hours")! == (1, "Hours"))
    #expect(MarkdownOutline.heading("   ###### Deep ######   ")! == (6, "Deep"))
    #expect(MarkdownOutline.heading("## Pricing #  ")! == (2, "Pricing"))
    #expect(MarkdownOutline.heading("## Ticket #42")! == (2, "Ticket #42"))
    #expect(MarkdownOutline.heading("##")! == (2, ""))
    #expect(MarkdownOutline.heading("#hashtag") == nil)
    #expect(MarkdownOutline.heading("####### seven") == nil)
    #expect(MarkdownOutline.heading("    # indented code") == nil)
}

// MARK: - Text

@Test func knowledgeImportTextBodyIsOneEntry() throws {
    let body = "\n\n  Emergency call-outs  \n\nFor a gas leak, call the National Gas Emergency line on 0800 111 999 first.\nThen call us.\n"
    let result = try parse(body, .text, source: "notes.txt")
    #expect(result.drafts == [
        KnowledgeDraft(
            title: "Emergency call-outs",
            content: "For a gas leak, call the National Gas Emergency line on 0800 111 999 first.\nThen call us.",
            source: "notes.txt"),
    ])
    let oneLine = try parse("We do not work on oil-fired boilers.", .text, source: nil)
    #expect(oneLine.drafts == [
        KnowledgeDraft(title: "We do not work on oil-fired boilers.", content: "We do not work on oil-fired boilers."),
    ])
}

@Test func knowledgeImportTextCutsALongFirstLineForTheTitle() throws {
    var limits = KnowledgeImportLimits.default
    limits.maxTitleLength = 10
    let result = try parse("Opening hours are 8 to 6\nClosed on bank holidays.", .text, source: nil, limits: limits)
    #expect(result.drafts == [
        KnowledgeDraft(title: "Opening ho", content: "Opening hours are 8 to 6\nClosed on bank holidays."),
    ])
}

// MARK: - Validation

@Test func knowledgeImportValidationTrimsAndNormalisesTags() {
    let draft = KnowledgeDraft(
        title: "  Gas safety \n", content: "\n Annual checks for landlords. \n", category: "   ",
        tags: [" Gas ", "gas", "", "  ", "Landlord", "LANDLORD", "cp12"], source: "  ")
    let (valid, errors) = KnowledgeImport.validate(draft, row: 1, limits: .default)
    #expect(errors.isEmpty)
    #expect(valid == KnowledgeDraft(
        title: "Gas safety", content: "Annual checks for landlords.", category: nil,
        tags: ["Gas", "Landlord", "cp12"], source: nil))
}

@Test func knowledgeImportValidationLimits() {
    let limits = KnowledgeImportLimits.default
    func errors(_ draft: KnowledgeDraft) -> [String?] {
        KnowledgeImport.validate(draft, row: 3, limits: limits).1.map(\.field)
    }
    let ok = KnowledgeDraft(title: "Title", content: "Content")
    #expect(errors(ok).isEmpty)

    var draft = ok
    draft.title = " \n "
    #expect(errors(draft) == ["title"])
    draft.title = String(repeating: "é", count: 300)
    #expect(errors(draft).isEmpty)
    draft.title = String(repeating: "é", count: 301)
    #expect(errors(draft) == ["title"])

    draft = ok
    draft.content = String(repeating: "a", count: 1_000_000)
    #expect(errors(draft).isEmpty)
    draft.content = String(repeating: "€", count: 333_334)  // 3 bytes each: 1,000,002 bytes
    let (valid, contentErrors) = KnowledgeImport.validate(draft, row: 3, limits: limits)
    #expect(valid == nil)
    #expect(contentErrors == [KnowledgeImportRowError(row: 3, field: "content", message: "content is larger than 1000000 bytes")])

    draft = ok
    draft.category = String(repeating: "c", count: 101)
    draft.source = String(repeating: "s", count: 501)
    draft.tags = (1...51).map { "tag\($0)" }
    #expect(errors(draft) == ["category", "tags", "source"])
    draft.category = String(repeating: "c", count: 100)
    draft.source = String(repeating: "s", count: 500)
    draft.tags = (1...49).map { "tag\($0)" } + ["TAG1", String(repeating: "t", count: 50)]  // 50 after de-dup
    #expect(errors(draft).isEmpty)
    draft.tags = [String(repeating: "t", count: 51)]
    #expect(errors(draft) == ["tags"])

    let empty = KnowledgeImport.validate(KnowledgeDraft(title: "", content: ""), row: 9, limits: limits)
    #expect(empty.0 == nil)
    #expect(empty.1 == [
        KnowledgeImportRowError(row: 9, field: "title", message: "title is required"),
        KnowledgeImportRowError(row: 9, field: "content", message: "content is required"),
    ])
}
