import Foundation
import Hummingbird

extension PanelKnowledgeController {
    /// Imports a file posted from the knowledge page (`multipart/form-data`: `file`, `format` — `auto` or one of
    /// the REST import's formats — `source`, and `import_id`), through the REST import's parsing and validation
    /// and `KnowledgeService.importDrafts`: all entries or none. Its progress is recorded under `import_id` while it
    /// runs, for `knowledge/imports/{id}`.
    ///
    /// A script (`knowledge-import.js`, which shows the upload's and then the import's progress) gets the REST
    /// import's JSON answer, 201 `{imported, format, ids}` or the error with each row's problem; a browser without
    /// script is sent back to the list (303) with how many were imported, or gets the list with the problems.
    @Sendable func importFile(_ request: Request, context: AppRequestContext) async throws -> Response {
        let pages = try panel.requirePages()
        let membership = try context.requirePanelRole(.knowledge)
        let businessId = membership.business.id
        let form = context.panelForm ?? FormParameters()
        let id = form["import_id"].flatMap { PanelImports.isValidId($0) ? $0 : nil } ?? PanelImports.makeId()
        imports.start(businessId: businessId, id: id)
        do {
            guard let file = context.panelUpload?.part("file"), file.filename != nil else {
                throw AppError(.badRequest, code: "missing_file", message: "choose a file to import")
            }
            guard let format = Self.importFormat(of: file, explicit: form["format"]) else {
                throw AppError(.unsupportedMediaType, code: "unsupported_format", message:
                    "cannot tell the file's format: name it .json, .jsonl, .md, .csv or .txt, or choose its format")
            }
            let source = form["source"].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
                ?? file.filename.flatMap { $0.isEmpty ? nil : String($0.prefix(limits.maxSourceLength)) }
            let drafts = try KnowledgeController.importedDrafts(Data(file.body), format: format,
                                                                defaultSource: source, limits: limits)
            let imports = self.imports
            let entries = try await service.importDrafts(businessId: businessId, drafts) { done, total in
                if done < total {
                    imports.embedding(businessId: businessId, id: id, done: done, total: total)
                } else {
                    imports.saving(businessId: businessId, id: id, total: total)
                }
            }
            imports.finished(businessId: businessId, id: id, imported: entries.count)
            context.logger.info("panel knowledge import", metadata: ["rows": "\(entries.count)", "format": "\(format.rawValue)"])
            guard PanelResponseMiddleware.wantsHTML(request) else {
                return try JSONResponse.make(KnowledgeController.ImportResponse(
                    imported: entries.count, format: format.rawValue, ids: entries.map(\.id)), status: .created)
            }
            return .panelRedirect(to: Self.path(membership.business.slug, "knowledge?imported=\(entries.count)"))
        } catch let error as AppError {
            imports.failed(businessId: businessId, id: id, error: error.message)
            guard PanelResponseMiddleware.wantsHTML(request), error.status.code < 500 else { throw error }
            return pages.response("knowledge", try await listView(request, context: context, notice: nil, asked: nil, importError: error),
                                  status: error.status)
        } catch {
            imports.failed(businessId: businessId, id: id, error: "the import failed")
            throw error
        }
    }

    /// `{phase, done, total, imported, error, percent}` of an import of this business started on this node; 404
    /// for an id it does not know (not started yet, another business's, or forgotten).
    @Sendable func importProgress(_ request: Request, context: AppRequestContext) async throws -> Response {
        let membership = try context.requirePanelRole(.knowledge)
        let id = try context.parameters.require("id")
        guard PanelImports.isValidId(id), let progress = imports.progress(businessId: membership.business.id, id: id) else {
            throw AppError(.notFound, code: "not_found", message: "no import with this id")
        }
        return try JSONResponse.make(progress)
    }

    /// The import format: the form's choice, else the file's extension, else the type the browser gave it.
    static func importFormat(of file: PanelMultipart.Part, explicit: String?) -> KnowledgeImportFormat? {
        if let explicit, explicit != "auto", !explicit.isEmpty {
            return KnowledgeImportFormat.detect(contentType: nil, explicit: explicit)
        }
        let name = (file.filename ?? "").lowercased()
        if let dot = name.lastIndex(of: ".") {
            switch name[name.index(after: dot)...] {
            case "json": return .json
            case "jsonl", "ndjson": return .jsonl
            case "md", "markdown": return .markdown
            case "csv": return .csv
            case "txt", "text": return .text
            default: break
            }
        }
        return KnowledgeImportFormat.detect(contentType: file.contentType, explicit: nil)
    }
}
