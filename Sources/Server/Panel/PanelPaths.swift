import Foundation
import HTTPTypes
import Hummingbird

/// Where the panel sends a browser.
enum PanelPaths {
    static let home = "/app"
    static let login = "/app/login"

    static func business(_ slug: String) -> String { "/app/b/\(slug)/" }

    /// `next` of the sign-in form when it is a panel path, else the panel's home: never another site
    /// (`//evil.example`, `/app\\…`, a scheme), so the sign-in page cannot be used to redirect elsewhere.
    static func safeNext(_ next: String?) -> String {
        guard let next, next == home || next.hasPrefix(home + "/"), !next.hasPrefix(login),
              !next.contains("//"), !next.contains("\\"), next.utf8.count <= 512,
              next.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f })
        else { return home }
        return next
    }

    /// A panel path as the `next` query parameter of the sign-in page.
    static func encodedNext(_ path: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "/-._~")
        return safeNext(path).addingPercentEncoding(withAllowedCharacters: allowed) ?? home
    }
}

extension Response {
    /// 303 See Other to `location`: after a form post the browser GETs the next page, so a reload re-posts nothing.
    static func panelRedirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}
