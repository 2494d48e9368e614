import Foundation
import HTTPTypes
import Hummingbird

/// The panel's signed-in browsers: opening a session at sign-in, finding it again from the cookie on each request
/// (sliding its idle expiry), and the cookies themselves.
///
/// A session token is 32 random base62 characters (≈ 190 bits) held by the browser in the `frontdesk_session`
/// cookie (`HttpOnly`, `SameSite=Lax`, `Path=/app`, `Secure` when the public URL is https); only its SHA-256 is
/// stored. A session ends after `idleTimeout` without a request, `absoluteLifetime` after sign-in, at sign-out,
/// and for every browser of a user when the user's password changes.
struct PanelSessions: Sendable {
    static let cookieName = "frontdesk_session"
    static let cookiePath = "/app"
    static let idleTimeout: TimeInterval = 12 * 3600
    static let absoluteLifetime: TimeInterval = 7 * 86_400
    /// A request records activity only when the last record is older than this: one write a minute, not one a page.
    static let touchInterval: TimeInterval = 60

    let repository: any PanelSessionRepository
    /// `Secure` cookies: the panel is served over https (FRONTDESK_PUBLIC_BASE_URL).
    let secureCookies: Bool
    let now: @Sendable () -> Date

    /// A new session for `userId`, not yet stored, and the token its cookie carries.
    func make(userId: String) -> (session: PanelSession, token: String) {
        let token = SecretKeyGenerator.make(prefix: "")
        let timestamp = now()
        let session = PanelSession(
            idHash: KeyHashing.sha256Hex(token), userId: userId, csrfToken: SecretKeyGenerator.make(prefix: ""),
            createdAt: timestamp, lastSeenAt: timestamp, expiresAt: Self.expiry(createdAt: timestamp, lastSeenAt: timestamp))
        return (session, token)
    }

    /// Opens (stores) a new session for `userId`.
    func open(userId: String) async throws -> (session: PanelSession, token: String) {
        let made = make(userId: userId)
        try await repository.create(made.session)
        return made
    }

    /// The signed-in user of the request's session cookie, or nil (no cookie, an unknown or expired session).
    func current(_ request: Request) async throws -> PanelSignedIn? {
        guard let token = request.cookies[Self.cookieName]?.value, Self.looksLikeToken(token) else { return nil }
        let hash = KeyHashing.sha256Hex(token)
        let timestamp = now()
        guard let found = try await repository.session(idHash: hash, now: timestamp) else { return nil }
        var session = found.session
        if timestamp.timeIntervalSince(session.lastSeenAt) >= Self.touchInterval {
            session.lastSeenAt = timestamp
            session.expiresAt = Self.expiry(createdAt: session.createdAt, lastSeenAt: timestamp)
            try await repository.touch(idHash: hash, lastSeenAt: timestamp, expiresAt: session.expiresAt)
        }
        return PanelSignedIn(user: found.user, session: session)
    }

    /// Ends the request's session, if it has one.
    func close(_ request: Request) async throws {
        guard let token = request.cookies[Self.cookieName]?.value, Self.looksLikeToken(token) else { return }
        try await repository.delete(idHash: KeyHashing.sha256Hex(token))
    }

    /// The cookie that carries `token` until the session's absolute lifetime ends.
    func cookie(token: String) -> Cookie {
        Cookie(name: Self.cookieName, value: token, maxAge: Int(Self.absoluteLifetime), path: Self.cookiePath,
               secure: secureCookies, httpOnly: true, sameSite: .lax)
    }

    /// A cookie that makes the browser forget the session cookie.
    func clearingCookie() -> Cookie {
        Cookie(name: Self.cookieName, value: "", maxAge: 0, path: Self.cookiePath, secure: secureCookies, httpOnly: true,
               sameSite: .lax)
    }

    static func expiry(createdAt: Date, lastSeenAt: Date) -> Date {
        min(lastSeenAt.addingTimeInterval(idleTimeout), createdAt.addingTimeInterval(absoluteLifetime))
    }

    /// 32 base62 characters (cheap check before hashing and a lookup).
    static func looksLikeToken(_ token: String) -> Bool {
        token.utf8.count == SecretKeyGenerator.randomLength
            && token.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x61 && $0 <= 0x7a) }
    }
}

/// The user a request's session belongs to, and the session (its CSRF token).
public struct PanelSignedIn: Sendable {
    public let user: PanelUser
    public let session: PanelSession
}
