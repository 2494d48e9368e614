import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Everything the panel's routes share, assembled once by `makeServices`.
struct PanelServices: Sendable {
    /// Nil when the templates could not be loaded (the folder is missing: a binary run away from its repository
    /// without FRONTDESK_PANEL_DIR); `/app` then answers 503 and the API works as ever.
    let pages: PanelPages?
    /// Why `pages` is nil.
    let unavailable: String?
    /// The folder FileMiddleware serves at `/app/static` (`<panel directory>/static`).
    let staticDirectory: URL
    let accounts: PanelAccounts
    let sessions: PanelSessions
    let throttle: LoginThrottle
    let hasher: PasswordHasher
    /// Whose `X-Forwarded-For` is believed (FRONTDESK_TRUSTED_PROXIES, shared with the widget): else the peer.
    let clientAddresses: ClientAddressResolver

    static func make(_ config: AppConfig, repositories: Repositories, logger: Logger,
                     now: @escaping @Sendable () -> Date) async -> PanelServices {
        let directory = URL(fileURLWithPath: config.panelDirectory, isDirectory: true)
        var pages: PanelPages?
        var unavailable: String?
        do {
            pages = try await PanelPages.load(directory: directory)
        } catch {
            unavailable = "the web panel is off: its templates could not be loaded (\(error)); run from the repository or set FRONTDESK_PANEL_DIR to its panel folder"
            logger.warning("\(unavailable!)")
        }
        let hasher = PasswordHasher(cost: config.bcryptCost)
        return PanelServices(
            pages: pages, unavailable: unavailable, staticDirectory: directory.appendingPathComponent("static", isDirectory: true),
            accounts: PanelAccounts(users: repositories.panelUsers, hasher: hasher),
            sessions: PanelSessions(repository: repositories.panelSessions, secureCookies: config.servesHTTPS, now: now),
            throttle: LoginThrottle(attempts: repositories.loginAttempts), hasher: hasher,
            clientAddresses: ClientAddressResolver(trustedProxies: config.trustedProxies))
    }

    /// The templates, or 503 when they could not be loaded.
    func requirePages() throws -> PanelPages {
        guard let pages else {
            throw AppError(.serviceUnavailable, code: "panel_unavailable", message: unavailable ?? "the web panel is off")
        }
        return pages
    }

    /// The address sign-ins are throttled by.
    func clientAddress(_ request: Request, context: AppRequestContext) -> String {
        clientAddresses.client(peer: context.peerAddress, forwardedFor: request.headers[.xForwardedFor]) ?? "unknown"
    }
}
