import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Server

/// The knowledge pages through the real router (both backends): list, search and paging; create, edit and delete
/// with the edit answered at once by "ask it as a caller" and by a real call's webhook; the REST API's validation;
/// a viewer's read-only pages; another business's entries; CSRF; the import with its progress; the gaps page.
@Suite struct PanelKnowledgeTests {
    struct World {
        let test: TestApp
        let business: Business
        let key: String
        let other: Business
        let otherKey: String
    }

    static let slug = "rapid-rooter"
    static let base = "/app/b/rapid-rooter/knowledge"

    /// Rapid Rooter (two entries, a phone number) with an owner, staff and viewer; another business with an owner.
    static func make() async throws -> World {
        let test = try await TwilioWebhookTests.makeApp()
        let (business, key) = try await TwilioWebhookTests.makeBusiness(test)
        let (other, otherKey) = try await TwilioWebhookTests.makeBusiness(test, slug: "other-rooter", number: "+15550100001")
        try await test.makePanelUser("owner@rooter.example", role: .owner, in: business)
        try await test.makePanelUser("staff@rooter.example", role: .staff, in: business)
        try await test.makePanelUser("viewer@rooter.example", role: .viewer, in: business)
        try await test.makePanelUser("owner@other.example", role: .owner, in: other)
        return World(test: test, business: business, key: key, other: other, otherKey: otherKey)
    }

    static func entryId(titled title: String, in world: World, business: Business? = nil) async throws -> String {
        let page = try await world.test.services.knowledgeRepository.list(
            businessId: (business ?? world.business).id, category: nil, text: nil, limit: 500, cursor: nil)
        return try #require(page.items.first { $0.title == title }?.id)
    }

    /// The text between `<blockquote id="ask-spoken">` and its end: what "ask it as a caller" says.
    static func spoken(_ page: PanelBrowser.Page) -> String? {
        page.body.firstMatch(of: /<blockquote id="ask-spoken">([^<]*)<\/blockquote>/).map { String($0.1) }
    }

    /// The words a TwiML response says.
    static func said(_ twiml: String) -> String {
        twiml.matches(of: /<Say[^>]*>([^<]*)<\/Say>/).map { String($0.1) }.joined(separator: " ")
    }

    static func ask(_ browser: PanelBrowser, _ client: some TestClientProtocol, _ question: String) async throws -> PanelBrowser.Page {
        try await browser.send(client, .get, base + "/ask" + PanelKnowledgeController.query([("question", question)]))
    }

    @Test func listSearchAndPaging() async throws {
        let world = try await Self.make()
        _ = try await world.test.services.knowledge.importDrafts(businessId: world.business.id, (1...25).map {
            KnowledgeDraft(title: "Fixture entry \($0)", content: "A fixture about drain number \($0).", category: "fixtures")
        })
        try await world.test.app.test(.router) { client in
            let browser = PanelBrowser()
            try await browser.signIn(client, email: "staff@rooter.example", password: TestApp.panelPassword)
            let first = try await browser.send(client, .get, Self.base)
            #expect(first.status == .ok)
            #expect(first.body.contains(#"data-nav="knowledge""#))
            #expect(first.body.matches(of: /<tr data-entry=/).count == PanelKnowledgeController.pageSize)
            #expect(first.body.contains("Opening hours"))
            let next = try #require(first.body.firstMatch(of: /<a href="([^"]+)" id="next-page"/).map { String($0.1) })
            let second = try await browser.send(client, .get, next.replacingOccurrences(of: "&amp;", with: "&"))
            #expect(second.status == .ok)
            #expect(second.body.matches(of: /<tr data-entry=/).count == 2)
            #expect(second.body.contains(#"id="first-page""#))
            #expect(!second.body.contains(#"id="next-page""#))

            // The REST list's search: text in the title or content, and the category.
            let heater = try await browser.send(client, .get, Self.base + "?q=HEATER")
            #expect(heater.body.matches(of: /<tr data-entry=/).count == 1)
            #expect(heater.body.contains("Water heater installation"))
            #expect(heater.body.contains(#"value="HEATER""#))
            let services = try await browser.send(client, .get, Self.base + "?category=services")
            #expect(services.body.matches(of: /<tr data-entry=/).count == 1)
            let drain7 = try await browser.send(client, .get, Self.base + "?q=number%207.&category=fixtures")
            #expect(drain7.body.matches(of: /<tr data-entry=/).count == 1)
            let none = try await browser.send(client, .get, Self.base + "?q=zebra")
            #expect(none.body.contains("No entry matches."))
            // A cursor that is not one is a 4xx page, never a 500.
            let bad = try await browser.send(client, .get, Self.base + "?cursor=nonsense")
            #expect((400..<500).contains(bad.status.code), "\(bad.status)")
        }
    }

    @Test func createEditDeleteAndTheEditIsWhatCallersHear() async throws {
        let world = try await Self.make()
        try await world.test.app.test(.router) { client in
            let browser = PanelBrowser()
            try await browser.signIn(client, email: "staff@rooter.example", password: TestApp.panelPassword)
            let eventsBefore = try await world.test.services.events.lastEventId()

            // Asked before there is an entry for it: declined, nothing cited.
            let before = try await Self.ask(browser, client, "do you repair swimming pool pumps")
            #expect(before.status == .ok)
            #expect(before.body.contains(#"data-outcome="declined""#), "\(Self.spoken(before) ?? "")")
            #expect(try await world.test.services.events.lastEventId() == eventsBefore, "asking records no event")

            // Create.
            let form = try await browser.send(client, .get, Self.base + "/new")
            #expect(form.status == .ok)
            let token = try #require(form.csrf)
            let created = try await browser.send(client, .post, Self.base, form: [
                ("_csrf", token), ("title", "Swimming pool pumps"),
                ("content", "We repair swimming pool pumps and filters. A pool pump repair visit costs 180 dollars."),
                ("category", "services"), ("tags", "pool, pumps, pool"), ("source", "owner"),
            ])
            #expect(created.status == .seeOther)
            let id = try await Self.entryId(titled: "Swimming pool pumps", in: world)
            #expect(created.location == Self.base + "/\(id)?saved=1")
            let stored = try #require(try await world.test.services.knowledgeRepository.get(entryId: id, businessId: world.business.id))
            #expect(stored.tags == ["pool", "pumps"], "the REST rules: duplicates dropped")
            #expect(stored.category == "services")
            let saved = try await browser.send(client, .get, try #require(created.location))
            #expect(saved.body.contains(#"id="entry-saved""#))
            #expect(saved.body.contains(#"value="Swimming pool pumps""#))

            // Ask it as a caller: answered from the new entry, at once.
            let answered = try await Self.ask(browser, client, "do you repair swimming pool pumps")
            #expect(answered.body.contains(#"data-outcome="answered""#), "\(Self.spoken(answered) ?? "")")
            #expect(answered.body.contains(#"data-cited="\#(id)""#))
            #expect(Self.spoken(answered)?.contains("180") == true, "\(Self.spoken(answered) ?? "")")

            // Edit: the next ask and the next real call both say the new price.
            let edit = try await browser.send(client, .get, Self.base + "/\(id)")
            let edited = try await browser.send(client, .post, Self.base + "/\(id)", form: [
                ("_csrf", try #require(edit.csrf)), ("title", "Swimming pool pumps"),
                ("content", "We repair swimming pool pumps and filters. A pool pump repair visit costs 240 dollars."),
                ("category", "services"), ("tags", "pool"), ("source", ""),
            ])
            #expect(edited.status == .seeOther)
            let eventsBeforeAsk = try await world.test.services.events.lastEventId()
            let reanswered = try await Self.ask(browser, client, "how much is a pool pump repair")
            let spoken = try #require(Self.spoken(reanswered))
            #expect(spoken.contains("240") && !spoken.contains("180"), "\(spoken)")
            #expect(reanswered.body.contains(#"data-cited="\#(id)""#))
            #expect(try await world.test.services.events.lastEventId() == eventsBeforeAsk, "asking appends no event")
            let (_, calls) = try await client.call(.get, "/v1/calls", key: world.key)
            #expect((calls["items"] as? [Any])?.isEmpty == true, "asking records no call")
            let (_, leads) = try await client.call(.get, "/v1/leads", key: world.key)
            #expect((leads["items"] as? [Any])?.isEmpty == true, "asking takes no lead")

            var call = SimulatedCall(twilio: TwilioTestClient(authToken: TwilioWebhookTests.authToken), to: TwilioWebhookTests.number)
            _ = try await call.start(client)
            let heard = Self.said(try await call.say(client, "how much is a pool pump repair"))
            #expect(heard.contains("240") && !heard.contains("180"), "\(heard)")
            #expect(heard.hasPrefix(spoken.replacingOccurrences(of: "&#39;", with: "'")) || heard.contains("240"),
                    "the call says what the ask box showed: \(heard) / \(spoken)")

            // Delete, with its confirm step.
            let confirm = try await browser.send(client, .get, Self.base + "/\(id)/delete")
            #expect(confirm.status == .ok)
            #expect(confirm.body.contains(#"id="delete-form""#))
            #expect(confirm.body.contains("Swimming pool pumps"))
            let deleted = try await browser.send(client, .post, Self.base + "/\(id)/delete", form: [("_csrf", try #require(confirm.csrf))])
            #expect(deleted.status == .seeOther)
            #expect(deleted.location == Self.base + "?deleted=1")
            #expect(try await browser.send(client, .get, Self.base + "/\(id)").status == .notFound)
            let gone = try await Self.ask(browser, client, "how much is a pool pump repair")
            #expect(!gone.body.contains(#"data-cited="\#(id)""#))
        }
    }

    @Test func validationErrorsAreTheRESTAPIsShownOnTheForm() async throws {
        let world = try await Self.make()
        try await world.test.app.test(.router) { client in
            let browser = PanelBrowser()
            try await browser.signIn(client, email: "owner@rooter.example", password: TestApp.panelPassword)
            let token = try #require(try await browser.send(client, .get, Self.base + "/new").csrf)
            let longTitle = String(repeating: "t", count: 301)
            let (restStatus, rest) = try await client.call(.post, "/v1/knowledge", key: world.key,
                                                           json: ["title": longTitle, "content": "   "])
            #expect(restStatus == .unprocessableContent)
            let restMessage = try #require((rest["error"] as? [String: Any])?["message"] as? String)

            let page = try await browser.send(client, .post, Self.base, form: [
                ("_csrf", token), ("title", longTitle), ("content", "   "), ("category", ""), ("tags", ""), ("source", ""),
            ])
            #expect(page.status == .unprocessableContent)
            #expect(page.body.contains(#"id="entry-error""#))
            #expect(page.body.contains(restMessage.replacingOccurrences(of: "'", with: "&#39;")), "\(restMessage)")
            #expect(page.body.contains(#"id="entry-form""#), "the form is shown again")
            #expect(page.body.contains(longTitle), "with what was typed")

            // A script gets the REST error.
            let json = try await browser.send(client, .post, Self.base, form: [("_csrf", token), ("title", ""), ("content", "x")], html: false)
            #expect(json.status == .unprocessableContent)
            #expect(json.errorCode == "invalid_entry")

            // Editing with a bad field: the same, and the entry is unchanged.
            let id = try await Self.entryId(titled: "Opening hours", in: world)
            let edit = try await browser.send(client, .post, Self.base + "/\(id)", form: [
                ("_csrf", token), ("title", ""), ("content", "Closed forever."),
            ])
            #expect(edit.status == .unprocessableContent)
            #expect(edit.body.contains("Closed forever."))
            let stored = try await world.test.services.knowledgeRepository.get(entryId: id, businessId: world.business.id)
            #expect(stored?.title == "Opening hours")
            let count = try await world.test.services.knowledgeRepository.list(
                businessId: world.business.id, category: nil, text: nil, limit: 50, cursor: nil).items.count
            #expect(count == 2, "nothing was created")
        }
    }

    @Test func aViewerReadsEverythingAndChangesNothing() async throws {
        let world = try await Self.make()
        let id = try await Self.entryId(titled: "Opening hours", in: world)
        try await world.test.app.test(.router) { client in
            let browser = PanelBrowser()
            try await browser.signIn(client, email: "viewer@rooter.example", password: TestApp.panelPassword)
            let list = try await browser.send(client, .get, Self.base)
            #expect(list.status == .ok)
            #expect(list.body.contains("Opening hours"))
            for control in [#"id="new-entry""#, #"id="import-form""#, #"enctype="multipart/form-data""#] {
                #expect(!list.body.contains(control), "\(control)")
            }
            let entry = try await browser.send(client, .get, Self.base + "/\(id)")
            #expect(entry.status == .ok)
            #expect(entry.body.contains("Saturdays"))
            #expect(!entry.body.contains(#"id="entry-form""#))
            #expect(!entry.body.contains(#"id="delete-entry""#))
            // The only post form on these pages is signing out.
            #expect(list.body.matches(of: /method="post"/).count == 1)
            #expect(entry.body.matches(of: /method="post"/).count == 1)
            // Asking changes nothing: a viewer may.
            let asked = try await Self.ask(browser, client, "what time are you open on saturday")
            #expect(asked.body.contains(#"data-outcome="answered""#))
            #expect(try await browser.send(client, .get, Self.base + "/new").status == .forbidden)
            #expect(try await browser.send(client, .get, Self.base + "/\(id)/delete").status == .forbidden)

            let token = try #require(list.csrf)
            let posts: [(String, [(String, String)])] = [
                (Self.base, [("_csrf", token), ("title", "Viewer entry"), ("content", "Should not exist.")]),
                (Self.base + "/\(id)", [("_csrf", token), ("title", "Hacked"), ("content", "Hacked.")]),
                (Self.base + "/\(id)/delete", [("_csrf", token)]),
                (Self.base + "/import", [("_csrf", token)]),
            ]
            for (path, form) in posts {
                let page = try await browser.send(client, .post, path, form: form)
                #expect(page.status == .forbidden, "\(path)")
                #expect(page.body.contains("can view this business but not change it"), "\(path)")
            }
            let upload = try await browser.upload(client, Self.base + "/import", csrf: token, importId: PanelImports.makeId(),
                                                  filename: "faq.csv", contentType: "text/csv", file: "title,content\nA,B\n")
            #expect(upload.status == .forbidden)
            let stored = try await world.test.services.knowledgeRepository.get(entryId: id, businessId: world.business.id)
            #expect(stored?.title == "Opening hours")
            let count = try await world.test.services.knowledgeRepository.list(
                businessId: world.business.id, category: nil, text: nil, limit: 50, cursor: nil).items.count
            #expect(count == 2)
        }
    }

    @Test func anotherBusinessesEntryIsNotFound() async throws {
        let world = try await Self.make()
        let theirs = try await Self.entryId(titled: "Opening hours", in: world, business: world.other)
        try await world.test.app.test(.router) { client in
            let browser = PanelBrowser()
            try await browser.signIn(client, email: "owner@rooter.example", password: TestApp.panelPassword)
            let token = try #require(try await browser.send(client, .get, Self.base).csrf)
            for path in ["/\(theirs)", "/\(theirs)/delete"] {
                let page = try await browser.send(client, .get, Self.base + path)
                #expect(page.status == .notFound, "\(path)")
                #expect(!page.body.contains("Saturdays"))
            }
            let update = try await browser.send(client, .post, Self.base + "/\(theirs)", form: [
                ("_csrf", token), ("title", "Hijacked"), ("content", "Hijacked."),
            ])
            #expect(update.status == .notFound)
            let delete = try await browser.send(client, .post, Self.base + "/\(theirs)/delete", form: [("_csrf", token)])
            #expect(delete.status == .notFound)
            let stored = try await world.test.services.knowledgeRepository.get(entryId: theirs, businessId: world.other.id)
            #expect(stored?.title == "Opening hours", "the other business's entry is untouched")
            // Their pages do not exist for this user either.
            #expect(try await browser.send(client, .get, "/app/b/other-rooter/knowledge").status == .notFound)
            #expect(try await browser.send(client, .get, "/app/b/other-rooter/knowledge/\(theirs)").status == .notFound)
            // Asking answers from this business's knowledge only: the other's entry is never cited.
            let asked = try await Self.ask(browser, client, "what time are you open on saturday")
            #expect(!asked.body.contains(theirs))
        }
    }

    @Test func aFormWithoutItsCSRFTokenIsRefused() async throws {
        let world = try await Self.make()
        let id = try await Self.entryId(titled: "Opening hours", in: world)
        try await world.test.app.test(.router) { client in
            let browser = PanelBrowser()
            try await browser.signIn(client, email: "owner@rooter.example", password: TestApp.panelPassword)
            for (path, form) in [(Self.base, [("title", "No token"), ("content", "No token.")]),
                                 (Self.base + "/\(id)", [("title", "No token"), ("content", "No token.")]),
                                 (Self.base + "/\(id)/delete", [("_csrf", "wrong-token")])] {
                let page = try await browser.send(client, .post, path, form: form)
                #expect(page.status == .forbidden, "\(path)")
                let json = try await browser.send(client, .post, path, form: form, html: false)
                #expect(json.errorCode == "csrf_failed", "\(path)")
            }
            let upload = try await browser.upload(client, Self.base + "/import", csrf: nil, importId: PanelImports.makeId(),
                                                  filename: "faq.csv", contentType: "text/csv", file: "title,content\nA,B\n")
            #expect(upload.status == .forbidden)
            let stored = try await world.test.services.knowledgeRepository.get(entryId: id, businessId: world.business.id)
            #expect(stored?.title == "Opening hours")
            let count = try await world.test.services.knowledgeRepository.list(
                businessId: world.business.id, category: nil, text: nil, limit: 50, cursor: nil).items.count
            #expect(count == 2)
        }
    }

    @Test func importAFileWithItsProgress() async throws {
        let world = try await Self.make()
        try await world.test.app.test(.router) { client in
            let browser = PanelBrowser()
            try await browser.signIn(client, email: "staff@rooter.example", password: TestApp.panelPassword)
            let list = try await browser.send(client, .get, Self.base)
            let token = try #require(list.csrf)
            let formId = try #require(list.body.firstMatch(of: /name="import_id" value="([^"]+)"/).map { String($0.1) })
            #expect(list.body.contains(#"<script src="/app/static/knowledge-import.js" defer></script>"#))

            // A script: JSON answer, and the progress it polled ends finished.
            var csv = "title,content,category\n"
            for n in 1...120 { csv += "Gutter question \(n),\"We clean gutters, job \(n).\",gutters\n" }
            let scripted = try await browser.upload(client, Self.base + "/import", csrf: token, importId: formId,
                                                    filename: "gutters.csv", contentType: "text/csv", file: csv, html: false)
            #expect(scripted.status == .created, "\(scripted.body)")
            let answer = try #require(try JSONSerialization.jsonObject(with: Data(scripted.body.utf8)) as? [String: Any])
            #expect(answer["imported"] as? Int == 120)
            #expect(answer["format"] as? String == "csv")
            let progress = try await browser.send(client, .get, Self.base + "/imports/\(formId)", html: false)
            #expect(progress.status == .ok)
            let state = try #require(try JSONSerialization.jsonObject(with: Data(progress.body.utf8)) as? [String: Any])
            #expect(state["phase"] as? String == "finished")
            #expect(state["imported"] as? Int == 120)
            #expect(state["percent"] as? Int == 100)
            let stored = try await world.test.services.knowledgeRepository.list(
                businessId: world.business.id, category: "gutters", text: nil, limit: 500, cursor: nil).items
            #expect(stored.count == 120)
            #expect(stored.first?.source == "gutters.csv", "the file's name is the source")

            // Without script: the form posts and the list says how many came in.
            let markdown = "# Roof leaks\nWe repair roof leaks within two days.\n\n# Skylights\nWe fit and reseal skylights.\n"
            let plain = try await browser.upload(client, Self.base + "/import", csrf: token, importId: PanelImports.makeId(),
                                                 filename: "roof.md", contentType: "application/octet-stream", file: markdown)
            #expect(plain.status == .seeOther)
            #expect(plain.location == Self.base + "?imported=2")
            let after = try await browser.send(client, .get, try #require(plain.location))
            #expect(after.body.contains("Imported 2 entries."))
            let asked = try await Self.ask(browser, client, "can you fix a leaking roof")
            #expect(asked.body.contains(#"data-outcome="answered""#), "\(Self.spoken(asked) ?? "")")

            // A bad row: nothing imported, each problem on the page (and in the JSON), the progress says failed.
            let badId = PanelImports.makeId()
            let bad = try await browser.upload(client, Self.base + "/import", csrf: token, importId: badId,
                                               filename: "bad.csv", contentType: "text/csv",
                                               file: "title,content\nGood row,Fine.\n,Missing title\n")
            #expect(bad.status == .unprocessableContent)
            #expect(bad.body.contains(#"id="import-problems""#))
            #expect(bad.body.contains("row 3 title"), "\(bad.body.firstMatch(of: /<ul id="import-problems">.*?<\/ul>/).map { String($0.0) } ?? "")")
            let failed = try await browser.send(client, .get, Self.base + "/imports/\(badId)", html: false)
            #expect(failed.body.contains(#""phase":"failed""#))
            let badJSON = try await browser.upload(client, Self.base + "/import", csrf: token, importId: PanelImports.makeId(),
                                                   filename: "bad.csv", contentType: "text/csv",
                                                   file: "title,content\n,Missing title\n", html: false)
            #expect(badJSON.errorCode == "invalid_rows")
            let unknown = try await browser.upload(client, Self.base + "/import", csrf: token, importId: PanelImports.makeId(),
                                                   filename: "faq.pdf", contentType: "application/pdf", file: "%PDF")
            #expect(unknown.status == .unsupportedMediaType)
            #expect(unknown.body.contains(#"id="import-error""#))
            let gutters = try await world.test.services.knowledgeRepository.list(
                businessId: world.business.id, category: nil, text: "Good row", limit: 5, cursor: nil).items
            #expect(gutters.isEmpty, "all or nothing")

            // Progress of an unknown import, or of this import seen from another business: 404.
            #expect(try await browser.send(client, .get, Self.base + "/imports/\(PanelImports.makeId())", html: false).status == .notFound)
            let other = PanelBrowser()
            try await other.signIn(client, email: "owner@other.example", password: TestApp.panelPassword)
            #expect(try await other.send(client, .get, "/app/b/other-rooter/knowledge/imports/\(formId)", html: false).status == .notFound)
        }
    }

    @Test func gapsLinkToACreateFormPrefilledWithTheQuestion() async throws {
        let world = try await Self.make()
        try await AnalyticsRollupTests.makeCalls(world.test)
        try await world.test.app.test(.router) { client in
            let browser = PanelBrowser()
            try await browser.signIn(client, email: "staff@rooter.example", password: TestApp.panelPassword)
            let gaps = try await browser.send(client, .get, Self.base + "/gaps")
            #expect(gaps.status == .ok)
            #expect(gaps.body.contains("3 questions"))
            let question = try #require(gaps.body.firstMatch(of: /<strong class="gap-question">([^<]+)<\/strong>/).map { String($0.1) })
            #expect(["pool", "tub", "spa"].contains { question.contains($0) }, "\(question)")
            let link = try #require(gaps.body.firstMatch(of: /<a href="([^"]+)" class="write-answer">/).map { String($0.1) })
            #expect(link.hasPrefix(Self.base + "/new?question="))
            let form = try await browser.send(client, .get, link.replacingOccurrences(of: "&amp;", with: "&"))
            #expect(form.status == .ok)
            #expect(form.body.contains(#"id="entry-title" name="title" value="\#(question)""#), "prefilled")

            // Another business has no gaps; a bad range is a 400 page, not a 500.
            #expect(try await browser.send(client, .get, Self.base + "/gaps?from=2026-13-01").status == .badRequest)
            let viewer = PanelBrowser()
            try await viewer.signIn(client, email: "viewer@rooter.example", password: TestApp.panelPassword)
            let seen = try await viewer.send(client, .get, Self.base + "/gaps")
            #expect(seen.status == .ok)
            #expect(seen.body.contains("gap-question"))
            #expect(!seen.body.contains("write-answer"), "a viewer cannot write one")
            let other = PanelBrowser()
            try await other.signIn(client, email: "owner@other.example", password: TestApp.panelPassword)
            let theirs = try await other.send(client, .get, "/app/b/other-rooter/knowledge/gaps")
            #expect(theirs.body.contains(#"id="no-gaps""#))
        }
    }
}

extension PanelBrowser {
    /// Posts a `multipart/form-data` form with one file, as a browser does for the import form (`csrf` nil: none).
    func upload(_ client: some TestClientProtocol, _ uri: String, csrf: String?, importId: String, filename: String,
                contentType: String, file: String, html: Bool = true) async throws -> Page {
        let boundary = "----FrontDeskTest\(UUID().uuidString.prefix(8))"
        var body = ""
        func field(_ name: String, _ value: String) {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        if let csrf { field("_csrf", csrf) }
        field("import_id", importId)
        field("format", "auto")
        field("source", "")
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\n"
        body += "Content-Type: \(contentType)\r\n\r\n\(file)\r\n--\(boundary)--\r\n"
        var headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)"]
        headers[.accept] = html ? "text/html,application/xhtml+xml" : "application/json"
        headers[.cookie] = cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
            Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
    }
}
