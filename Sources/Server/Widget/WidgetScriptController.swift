import Foundation
import Hummingbird

/// Serves ``WidgetScript``.
struct WidgetScriptController {
    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("widget.js", use: script)
    }

    @Sendable func script(_ request: Request, context: AppRequestContext) async throws -> Response {
        var headers: HTTPFields = [
            .contentType: "text/javascript; charset=utf-8",
            .cacheControl: "public, max-age=\(WidgetScript.maxAge)",
            .eTag: WidgetScript.etag,
            .xContentTypeOptions: "nosniff",
            // Loaded by other sites' pages by design (and from pages that require CORP on what they embed).
            .crossOriginResourcePolicy: "cross-origin",
        ]
        if let presented = request.headers[.ifNoneMatch],
           presented.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == WidgetScript.etag }) {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: WidgetScript.source)))
    }
}
