import Foundation
import HTTPTypes
import Hummingbird

/// The panel's pages that need a signed-in user: finds the session from its cookie and puts the user in the
/// context; checks the CSRF token of every state-changing request (403 `csrf_failed`). Without a session a page
/// (GET) redirects to the sign-in page, which returns here after signing in; anything else is 401.
struct PanelSessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let sessions: PanelSessions

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let signedIn = try await sessions.current(request) else {
            if request.method.isSafe {
                return Response.panelRedirect(to: "/app/login?next=" + PanelPaths.encodedNext(request.uri.path))
            }
            throw AppError(.unauthorized, code: "not_signed_in", message: "you are not signed in (or your session ended); sign in again")
        }
        var context = context
        context.panelUser = signedIn
        context.logger[metadataKey: "panel_user"] = "\(signedIn.user.id)"
        guard !request.method.isSafe else { return try await next(request, context) }
        let presented = try await PanelCSRF.presented(request)
        guard PanelCSRF.matches(presented.token, signedIn.session.csrfToken) else { throw PanelCSRF.refused }
        context.panelForm = presented.form
        context.panelUpload = presented.upload
        return try await next(request, context)
    }
}

/// The pages of one business, `/app/b/{slug}/…`, after `PanelSessionMiddleware`: the signed-in user must hold a
/// role in the business, else the page does not exist for them (404, whether or not the business exists); a
/// suspended business is 403; a viewer's state-changing requests are refused (403 `read_only`) before any route
/// runs. Routes check their own action with `context.requirePanelRole(_:)`.
struct PanelBusinessMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let users: any PanelUserRepository

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let signedIn = try context.requirePanelUser()
        let slug = try context.parameters.require("slug")
        guard let membership = try await users.membership(userId: signedIn.user.id, businessSlug: slug) else {
            throw AppError(.notFound, code: "not_found", message: "there is no such page")
        }
        guard membership.business.status == .active else {
            throw AppError(.forbidden, code: "business_suspended", message: "\(membership.business.name) is suspended")
        }
        if !request.method.isSafe, !membership.role.canChangeAnything {
            throw AppError(.forbidden, code: "read_only", message: "your role (\(membership.role.rawValue)) can view this business but not change it")
        }
        var context = context
        context.panelMembership = membership
        context.logger[metadataKey: "business"] = "\(membership.business.slug)"
        return try await next(request, context)
    }
}

extension AppRequestContext {
    /// The signed-in panel user; 401 if a route forgot its middleware (a programming error made safe).
    func requirePanelUser() throws -> PanelSignedIn {
        guard let panelUser else { throw AppError(.unauthorized, code: "not_signed_in", message: "you are not signed in") }
        return panelUser
    }

    /// The business of this page and the user's role in it, when the role allows `action`; 403 otherwise.
    func requirePanelRole(_ action: PanelAction) throws -> PanelMembership {
        guard let panelMembership else { throw AppError(.notFound, code: "not_found", message: "there is no such page") }
        guard panelMembership.role.allows(action) else {
            throw AppError(.forbidden, code: "forbidden",
                           message: "your role (\(panelMembership.role.rawValue)) cannot do this (\(action.rawValue))")
        }
        return panelMembership
    }
}
