import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The panel's HTML: the Mustache templates of `<panel directory>/templates`, loaded once at start-up, rendered
/// with typed view values (`PanelViews.swift`). Templates use only escaped `{{name}}` for data — a test refuses
/// `{{{…}}}` and `{{&…}}` — and extend `layout` (`{{<layout}}{{$main}}…{{/main}}{{/layout}}`).
struct PanelPages: Sendable {
    /// Every template a page renders; loading fails when one is missing.
    static let templateNames = ["layout", "login", "businesses", "overview", "password", "users", "calls", "call", "error",
                                "knowledge", "knowledge-entry", "knowledge-delete", "knowledge-gaps",
                                "chart", "range", "exports"]

    let library: MustacheLibrary

    /// Why the panel's files could not be loaded.
    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    /// Loads `<directory>/templates/*.mustache`.
    static func load(directory: URL) async throws -> PanelPages {
        let templates = directory.appendingPathComponent("templates", isDirectory: true)
        let library: MustacheLibrary
        do {
            library = try await MustacheLibrary(directory: templates.path)
        } catch let error as MustacheLibrary.ParserError {
            throw LoadError(description: "template \(error.filename) line \(error.context.lineNumber): \(error.error)")
        }
        let missing = templateNames.filter { library.getTemplate(named: $0) == nil }
        guard missing.isEmpty else {
            throw LoadError(description: "no \(missing.map { "\($0).mustache" }.joined(separator: ", ")) in \(templates.path)")
        }
        return PanelPages(library: library)
    }

    /// `view` rendered with the template `name`, as an HTML response that no cache keeps.
    func response(_ name: String, _ view: some PanelView, status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(view, withTemplate: name) ?? ""
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

/// A value a panel template renders: its fields are the template's names (read through reflection).
protocol PanelView: Sendable {}
