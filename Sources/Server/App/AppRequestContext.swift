import Foundation
import Hummingbird
import NIOCore

/// The request context of every FrontDesk route: Hummingbird's core storage plus the authenticated business
/// (set by `BusinessAuthMiddleware`) and per-route body limits.
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The business the `X-API-Key` belongs to; set on `/v1/...` tenant routes only.
    public var business: Business?
    /// The connected peer (nil in in-process router tests); the widget counts new conversations by client address.
    public let remoteAddress: SocketAddress?
    /// The web panel's signed-in user and session; set by `PanelSessionMiddleware` on `/app` pages that need one.
    public var panelUser: PanelSignedIn?
    /// The business of an `/app/b/{slug}/…` page and the user's role in it; set by `PanelBusinessMiddleware`.
    public var panelMembership: PanelMembership?
    /// A panel form body the CSRF check has already read, for the route (`application/x-www-form-urlencoded`).
    var panelForm: FormParameters?
    /// A panel form with a file (`multipart/form-data`), read by the CSRF check, for the route.
    var panelUpload: PanelMultipart?
    /// The connection's peer address (nil where there is no socket, as in router tests).
    public var peerAddress: String?

    public init(source: Source) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        peerAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Bodies above this are refused with 413 before a route sees them. Imports may be 20 MB; every other
    /// route is limited by the route itself (an entry is at most 1 MB).
    public var maxUploadSize: Int { AppLimits.maxImportBytes }

    public var requestDecoder: JSONRequestDecoder { JSONRequestDecoder() }

    /// The authenticated business; throws 401 if a route forgot its middleware (a programming error made safe).
    func requireBusiness() throws -> Business {
        guard let business else { throw AppError(.unauthorized, code: "unauthorized", message: "missing API key") }
        return business
    }
}

/// Request size limits from the issue: 1 MB per knowledge entry, 20 MB per import.
public enum AppLimits {
    public static let maxEntryBytes = 1_000_000
    public static let maxImportBytes = 20_000_000
    /// JSON bodies of the other routes: an entry's 1 MB of content plus JSON escaping and the other fields.
    public static let maxJSONBytes = 2_000_000
}
