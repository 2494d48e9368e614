import Foundation
import Hummingbird

/// `/v1/knowledge…`: a business's knowledge base, reached with its `X-API-Key`.
struct KnowledgeController {
    let service: KnowledgeService
    let repository: any KnowledgeRepository
    let limits = KnowledgeImportLimits()

    /// What clients send to create or replace an entry.
    struct EntryBody: Decodable {
        var title: String
        var content: String
        var category: String?
        var tags: [String]?
        var source: String?
    }

    /// What clients send to change some fields of an entry (absent = unchanged, null category/source = cleared).
    struct PatchBody: Decodable {
        var title: String?
        var content: String?
        var category: String??
        var tags: [String]?
        var source: String??

        enum CodingKeys: String, CodingKey { case title, content, category, tags, source }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            title = try c.decodeIfPresent(String.self, forKey: .title)
            content = try c.decodeIfPresent(String.self, forKey: .content)
            tags = try c.decodeIfPresent([String].self, forKey: .tags)
            category = c.contains(.category) ? .some(try c.decodeIfPresent(String.self, forKey: .category)) : .none
            source = c.contains(.source) ? .some(try c.decodeIfPresent(String.self, forKey: .source)) : .none
        }
    }

    struct SearchBody: Decodable {
        var query: String
        var k: Int?
        var categories: [String]?
        var mode: SearchMode?
    }

    struct EntryResponse: Encodable {
        let id: String, title: String, content: String, category: String?, tags: [String], source: String?
        let createdAt: Date, updatedAt: Date
        init(_ entry: KnowledgeEntry) {
            id = entry.id; title = entry.title; content = entry.content; category = entry.category
            tags = entry.tags; source = entry.source; createdAt = entry.createdAt; updatedAt = entry.updatedAt
        }
    }

    struct ListResponse: Encodable { let items: [EntryResponse]; let nextCursor: String? }
    struct SearchResponse: Encodable {
        let query: String
        let mode: SearchMode
        let results: [KnowledgeSearchResult]
        /// The business's `kb_version` this node's index reflected (null before it is tracked).
        let kbVersion: Int64?
    }
    struct ImportResponse: Encodable { let imported: Int; let format: String; let ids: [String] }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post(use: create)
        group.get(use: list)
        group.post("import", use: importEntries)
        group.post("search", use: search)
        group.get("status", use: status)
        group.get(":id", use: get)
        group.put(":id", use: replace)
        group.patch(":id", use: patch)
        group.delete(":id", use: delete)
    }

    // MARK: Handlers

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let draft = try validated(try await request.decodeJSON(EntryBody.self))
        let entry = try await service.create(businessId: business.id, draft: draft)
        return try JSONResponse.make(EntryResponse(entry), status: .created)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let query = request.uri.queryParameters
        let limit = try Self.limit(query["limit"].map(String.init))
        let page = try await repository.list(
            businessId: business.id, category: query["category"].map(String.init),
            text: query["text"].map(String.init), limit: limit, cursor: query["cursor"].map(String.init))
        return try JSONResponse.make(ListResponse(items: page.items.map(EntryResponse.init), nextCursor: page.nextCursor))
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        guard let entry = try await repository.get(entryId: try context.parameters.require("id"), businessId: business.id) else {
            throw AppError(.notFound, code: "not_found", message: "no knowledge entry with this id")
        }
        return try JSONResponse.make(EntryResponse(entry))
    }

    @Sendable func replace(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let draft = try validated(try await request.decodeJSON(EntryBody.self))
        let entry = try await service.replace(businessId: business.id, entryId: try context.parameters.require("id"), draft: draft)
        return try JSONResponse.make(EntryResponse(entry))
    }

    @Sendable func patch(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let id = try context.parameters.require("id")
        let body = try await request.decodeJSON(PatchBody.self)
        guard let current = try await repository.get(entryId: id, businessId: business.id) else {
            throw AppError(.notFound, code: "not_found", message: "no knowledge entry with this id")
        }
        let merged = EntryBody(
            title: body.title ?? current.title, content: body.content ?? current.content,
            category: body.category ?? current.category, tags: body.tags ?? current.tags,
            source: body.source ?? current.source)
        let entry = try await service.replace(businessId: business.id, entryId: id, draft: try validated(merged))
        return try JSONResponse.make(EntryResponse(entry))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        try await service.delete(businessId: business.id, entryId: try context.parameters.require("id"))
        return JSONResponse.noContent()
    }

    @Sendable func importEntries(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let explicit = request.uri.queryParameters["format"].map(String.init)
        guard let format = KnowledgeImportFormat.detect(contentType: request.headers[.contentType], explicit: explicit) else {
            throw AppError(.unsupportedMediaType, code: "unsupported_format", message:
                "cannot tell the import format: send Content-Type application/json, application/x-ndjson, text/markdown, text/csv or text/plain, or ?format=json|jsonl|markdown|csv|text")
        }
        let body = try await request.collectBody(upTo: AppLimits.maxImportBytes)
        let drafts = try Self.importedDrafts(body, format: format,
                                             defaultSource: request.uri.queryParameters["source"].map(String.init), limits: limits)
        context.logger.info("import", metadata: ["rows": "\(drafts.count)", "format": "\(format.rawValue)"])
        let entries = try await service.importDrafts(businessId: business.id, drafts)
        return try JSONResponse.make(ImportResponse(imported: entries.count, format: format.rawValue, ids: entries.map(\.id)),
                                     status: .created)
    }

    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let body = try await request.decodeJSON(SearchBody.self)
        let query = body.query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !query.isEmpty else { throw AppError(.badRequest, code: "invalid_field", message: "query must not be empty") }
        guard query.utf8.count <= 10_000 else { throw AppError(.badRequest, code: "invalid_field", message: "query is longer than 10,000 bytes") }
        let k = body.k ?? 5
        guard (1...50).contains(k) else { throw AppError(.badRequest, code: "invalid_field", message: "k must be between 1 and 50") }
        let mode = body.mode ?? .hybrid
        let results = try await service.search(businessId: business.id, query: query, k: k,
                                               categories: body.categories.map(Set.init), mode: mode)
        return try JSONResponse.make(SearchResponse(query: query, mode: mode, results: results,
                                                    kbVersion: service.appliedVersion(businessId: business.id)))
    }

    @Sendable func status(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        return try JSONResponse.make(try await service.status(businessId: business.id))
    }

    // MARK: Helpers

    private func validated(_ body: EntryBody) throws -> KnowledgeDraft {
        try Self.validated(KnowledgeDraft(title: body.title, content: body.content, category: body.category,
                                          tags: body.tags ?? [], source: body.source), limits: limits)
    }

    /// `draft` cleaned by the import's rules, or 422 `invalid_entry` naming each field's problem. The panel's
    /// knowledge form uses it too, so both say the same.
    static func validated(_ draft: KnowledgeDraft, limits: KnowledgeImportLimits) throws -> KnowledgeDraft {
        let (clean, errors) = KnowledgeImport.validate(draft, row: 1, limits: limits)
        guard let clean, errors.isEmpty else {
            throw AppError(.unprocessableContent, code: "invalid_entry",
                           message: errors.map { ($0.field.map { "\($0): " } ?? "") + $0.message }.joined(separator: "; "),
                           details: errors.map { ErrorDetail(field: $0.field, message: $0.message) })
        }
        return clean
    }

    /// The validated drafts of an import body, all or nothing: 400 `unreadable_import` for a body that cannot be
    /// read, 422 `invalid_rows` with each row's problem, 400 `empty_import` when it holds no entries. The panel's
    /// import uses it too.
    static func importedDrafts(_ body: Data, format: KnowledgeImportFormat, defaultSource: String?,
                               limits: KnowledgeImportLimits) throws -> [KnowledgeDraft] {
        let result: KnowledgeImportResult
        do {
            result = try KnowledgeImport.parse(body, format: format, defaultSource: defaultSource, limits: limits)
        } catch let KnowledgeImportError.unreadable(reason) {
            throw AppError(.badRequest, code: "unreadable_import", message: reason)
        }
        guard result.errors.isEmpty else {
            throw AppError(.unprocessableContent, code: "invalid_rows",
                           message: "\(result.errors.count) problem(s) in the import; nothing was imported",
                           details: result.errors.map { ErrorDetail(row: $0.row, field: $0.field, message: $0.message) })
        }
        guard !result.drafts.isEmpty else {
            throw AppError(.badRequest, code: "empty_import", message: "the import holds no entries")
        }
        return result.drafts
    }

    static func limit(_ text: String?) throws -> Int {
        guard let text else { return 50 }
        guard let value = Int(text), (1...500).contains(value) else {
            throw AppError(.badRequest, code: "invalid_parameter", message: "limit must be an integer between 1 and 500")
        }
        return value
    }
}
