import Foundation
import HTTPTypes
import Hummingbird

/// The knowledge pages of a business, `/app/b/{slug}/knowledge…`: the list (searched and paged like
/// `GET /v1/knowledge`), the entry form (create, edit, delete with a confirm step), the import with its progress,
/// "ask it as a caller" (`+Ask`) and the knowledge gaps (`+Ask`). Every change goes through `KnowledgeService`,
/// the REST routes' path, so an edit is searchable — and answered on the next call — as soon as it is saved; the
/// REST routes' validation (`KnowledgeController.validated`) gives the same rules and messages.
///
/// Owners and staff edit (`PanelAction.knowledge`); a viewer reads the same pages without their forms (and
/// `PanelBusinessMiddleware` refuses their posts). An entry id of another business is 404: every read and write is
/// scoped by the page's business.
struct PanelKnowledgeController {
    let panel: PanelServices
    let users: any PanelUserRepository
    let service: KnowledgeService
    let repository: any KnowledgeRepository
    /// "Ask it as a caller": the call's own turn (`CallService.step`), nothing stored.
    let calls: CallService
    let businesses: any BusinessRepository
    let analytics: any AnalyticsRepository
    let imports: PanelImports
    let now: @Sendable () -> Date
    let limits = KnowledgeImportLimits()

    /// Entries per page of the list.
    static let pageSize = 25

    func addRoutes(to business: RouterGroup<AppRequestContext>) {
        // Fixed names before `:id`: the router tries a path's children in the order they were added.
        business.get("knowledge", use: list)
        business.post("knowledge", use: create)
        business.get("knowledge/new", use: newEntry)
        business.get("knowledge/ask", use: ask)
        business.get("knowledge/gaps", use: gaps)
        business.post("knowledge/import", use: importFile)
        business.get("knowledge/imports/:id", use: importProgress)
        business.get("knowledge/:id", use: entry)
        business.post("knowledge/:id", use: update)
        business.get("knowledge/:id/delete", use: confirmDelete)
        business.post("knowledge/:id/delete", use: delete)
    }

    // MARK: List

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let pages = try panel.requirePages()
        let query = request.uri.queryParameters
        var notice: String?
        if query["saved"] != nil { notice = "Saved." }
        if query["deleted"] != nil { notice = "Deleted. The receptionist no longer answers from it." }
        if let imported = query["imported"].flatMap({ Int($0) }) {
            notice = "Imported \(imported) \(imported == 1 ? "entry" : "entries"). The receptionist answers from them now."
        }
        return pages.response("knowledge", try await listView(request, context: context, notice: notice, asked: nil, importError: nil))
    }

    /// The list page's view; `question`/`asked` fill the ask box, `importError` the import form.
    func listView(_ request: Request, context: AppRequestContext, notice: String?, asked: AskedView?,
                  importError: AppError?) async throws -> KnowledgeListView {
        let signedIn = try context.requirePanelUser()
        let membership = try context.requirePanelRole(.view)
        let query = request.uri.queryParameters
        let text = String((query["q"].map(String.init) ?? "").prefix(200)).trimmingCharacters(in: .whitespaces)
        let category = String((query["category"].map(String.init) ?? "").prefix(100)).trimmingCharacters(in: .whitespaces)
        let cursor = query["cursor"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let page = try await repository.list(businessId: membership.business.id, category: category.isEmpty ? nil : category,
                                             text: text.isEmpty ? nil : text, limit: Self.pageSize, cursor: cursor)
        let day = Self.dayFormat(membership.business.zone)
        let slug = membership.business.slug
        func address(cursor: String?) -> String {
            var parameters: [(String, String)] = []
            if !text.isEmpty { parameters.append(("q", text)) }
            if !category.isEmpty { parameters.append(("category", category)) }
            if let cursor { parameters.append(("cursor", cursor)) }
            return Self.path(slug, "knowledge") + Self.query(parameters)
        }
        return KnowledgeListView(
            chrome: try await chrome(signedIn, membership, title: "Knowledge · \(membership.business.name)"),
            csrf: signedIn.session.csrfToken, slug: slug, canEdit: membership.role.allows(.knowledge),
            text: text, category: category, searching: !text.isEmpty || !category.isEmpty,
            entries: page.items.map { entry in
                .init(id: entry.id, title: entry.title, category: entry.category ?? "", tags: entry.tags.joined(separator: ", "),
                      snippet: KnowledgeService.snippet(entry.content, limit: 160), updatedOn: entry.updatedAt.formatted(day))
            },
            none: page.items.isEmpty, nextPage: page.nextCursor.map { address(cursor: $0) },
            firstPage: cursor == nil ? nil : address(cursor: nil), notice: notice,
            question: asked?.question ?? "", asked: asked,
            importForm: .init(id: PanelImports.makeId(), error: importError?.message,
                              problems: (importError?.details ?? []).map(Self.problem)))
    }

    // MARK: One entry

    @Sendable func newEntry(_ request: Request, context: AppRequestContext) async throws -> Response {
        let pages = try panel.requirePages()
        let signedIn = try context.requirePanelUser()
        let membership = try context.requirePanelRole(.knowledge)
        // "Write an answer for this" on the gaps page: the question becomes the title.
        let question = String((request.uri.queryParameters["question"].map(String.init) ?? "").prefix(limits.maxTitleLength))
        return pages.response("knowledge-entry", try await entryView(
            signedIn, membership, id: nil, draft: KnowledgeDraft(title: question, content: ""), updatedAt: nil, saved: false, error: nil))
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let pages = try panel.requirePages()
        let signedIn = try context.requirePanelUser()
        let membership = try context.requirePanelRole(.knowledge)
        let typed = Self.draft(from: context.panelForm ?? FormParameters())
        do {
            let entry = try await service.create(businessId: membership.business.id,
                                                 draft: try KnowledgeController.validated(typed, limits: limits))
            context.logger.info("panel knowledge entry created", metadata: ["entry": "\(entry.id)"])
            return .panelRedirect(to: Self.path(membership.business.slug, "knowledge/\(entry.id)?saved=1"))
        } catch let error as AppError where PanelResponseMiddleware.wantsHTML(request) && error.status.code < 500 {
            return pages.response("knowledge-entry", try await entryView(
                signedIn, membership, id: nil, draft: typed, updatedAt: nil, saved: false, error: error), status: error.status)
        }
    }

    /// The edit form; for a viewer the entry without a form.
    @Sendable func entry(_ request: Request, context: AppRequestContext) async throws -> Response {
        let pages = try panel.requirePages()
        let signedIn = try context.requirePanelUser()
        let membership = try context.requirePanelRole(.view)
        let entry = try await existing(context, membership)
        return pages.response("knowledge-entry", try await entryView(
            signedIn, membership, id: entry.id, draft: Self.draft(of: entry), updatedAt: entry.updatedAt,
            saved: request.uri.queryParameters["saved"] != nil, error: nil))
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let pages = try panel.requirePages()
        let signedIn = try context.requirePanelUser()
        let membership = try context.requirePanelRole(.knowledge)
        let current = try await existing(context, membership)
        let typed = Self.draft(from: context.panelForm ?? FormParameters())
        do {
            let entry = try await service.replace(businessId: membership.business.id, entryId: current.id,
                                                  draft: try KnowledgeController.validated(typed, limits: limits))
            context.logger.info("panel knowledge entry updated", metadata: ["entry": "\(entry.id)"])
            return .panelRedirect(to: Self.path(membership.business.slug, "knowledge/\(entry.id)?saved=1"))
        } catch let error as AppError where PanelResponseMiddleware.wantsHTML(request) && error.status.code < 500 {
            return pages.response("knowledge-entry", try await entryView(
                signedIn, membership, id: current.id, draft: typed, updatedAt: current.updatedAt, saved: false, error: error),
                status: error.status)
        }
    }

    @Sendable func confirmDelete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let pages = try panel.requirePages()
        let signedIn = try context.requirePanelUser()
        let membership = try context.requirePanelRole(.knowledge)
        let entry = try await existing(context, membership)
        return pages.response("knowledge-delete", KnowledgeDeleteView(
            chrome: try await chrome(signedIn, membership, title: "Delete \(entry.title)"),
            csrf: signedIn.session.csrfToken, slug: membership.business.slug, id: entry.id, title: entry.title))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try panel.requirePages()
        let membership = try context.requirePanelRole(.knowledge)
        let entry = try await existing(context, membership)
        try await service.delete(businessId: membership.business.id, entryId: entry.id)
        context.logger.info("panel knowledge entry deleted", metadata: ["entry": "\(entry.id)"])
        return .panelRedirect(to: Self.path(membership.business.slug, "knowledge?deleted=1"))
    }

    // MARK: Helpers

    /// The entry of the URL's id in this business; 404 for an unknown id or one of another business alike.
    private func existing(_ context: AppRequestContext, _ membership: PanelMembership) async throws -> KnowledgeEntry {
        let id = try context.parameters.require("id")
        guard let entry = try await repository.get(entryId: id, businessId: membership.business.id) else {
            throw AppError(.notFound, code: "not_found", message: "there is no such knowledge entry")
        }
        return entry
    }

    private func entryView(_ signedIn: PanelSignedIn, _ membership: PanelMembership, id: String?, draft: KnowledgeDraft,
                           updatedAt: Date?, saved: Bool, error: AppError?) async throws -> KnowledgeEntryView {
        let slug = membership.business.slug
        let title = id == nil ? "New entry" : (draft.title.isEmpty ? "Entry" : draft.title)
        return KnowledgeEntryView(
            chrome: try await chrome(signedIn, membership, title: "\(title) · Knowledge"),
            csrf: signedIn.session.csrfToken, slug: slug, canEdit: membership.role.allows(.knowledge), isNew: id == nil,
            id: id, action: Self.path(slug, id.map { "knowledge/\($0)" } ?? "knowledge"),
            title: draft.title, content: draft.content, category: draft.category ?? "", tags: draft.tags.joined(separator: ", "),
            source: draft.source ?? "", updatedOn: updatedAt.map { $0.formatted(Self.dayFormat(membership.business.zone)) },
            saved: saved, error: error?.message, problems: (error?.details ?? []).map(Self.problem))
    }

    func chrome(_ signedIn: PanelSignedIn, _ membership: PanelMembership, title: String) async throws -> PanelChrome {
        let several = try await users.memberships(userId: signedIn.user.id).count > 1
        return .signedIn(signedIn, title: title, membership: membership, severalBusinesses: several)
    }

    /// The form's fields as a draft (tags comma-separated), before validation.
    static func draft(from form: FormParameters) -> KnowledgeDraft {
        func optional(_ name: String) -> String? {
            let value = form[name]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            return value.isEmpty ? nil : value
        }
        let tags = (form["tags"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return KnowledgeDraft(title: form["title"] ?? "", content: form["content"] ?? "", category: optional("category"),
                              tags: tags, source: optional("source"))
    }

    static func draft(of entry: KnowledgeEntry) -> KnowledgeDraft {
        KnowledgeDraft(title: entry.title, content: entry.content, category: entry.category, tags: entry.tags, source: entry.source)
    }

    /// One problem of a validation error, as a line of the form's list.
    static func problem(_ detail: ErrorDetail) -> String {
        [detail.row.map { "row \($0)" }, detail.field].compactMap { $0 }.joined(separator: " ")
            + (detail.row == nil && detail.field == nil ? "" : ": ") + detail.message
    }

    static func path(_ slug: String, _ rest: String) -> String { "/app/b/\(slug)/\(rest)" }

    /// `?a=1&b=2`, each value percent-encoded; empty for no parameters.
    static func query(_ parameters: [(String, String)]) -> String {
        guard !parameters.isEmpty else { return "" }
        // Unreserved ASCII only (CharacterSet.alphanumerics would let other scripts' letters through unencoded).
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return "?" + parameters.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
    }

    static func dayFormat(_ zone: TimeZone) -> Date.ISO8601FormatStyle {
        Date.ISO8601FormatStyle(timeZone: zone).year().month().day()
    }
}
