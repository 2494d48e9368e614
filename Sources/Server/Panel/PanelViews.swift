import Foundation

/// What `layout.mustache` shows around every page: the title, and for a signed-in user their email, the sign-out
/// form's CSRF token and the navigation of the business they are looking at.
struct PanelChrome: Sendable {
    let title: String
    /// Nil on the sign-in page and on errors seen without a session.
    let account: Account?

    struct Account: Sendable {
        let email: String
        /// The session's CSRF token: the sign-out form's `_csrf`, and `<meta name="csrf-token">` for scripts.
        let csrf: String
        /// The business whose pages these are, if any.
        let business: BusinessNav?
        /// The user holds a role in more than one business: the header links to the business picker.
        let severalBusinesses: Bool
    }

    struct BusinessNav: Sendable {
        let name: String
        let slug: String
        let role: String
        let canManageUsers: Bool
    }

    static func signedIn(_ signedIn: PanelSignedIn, title: String, membership: PanelMembership? = nil,
                         severalBusinesses: Bool = true) -> PanelChrome {
        PanelChrome(title: title, account: Account(
            email: signedIn.user.email, csrf: signedIn.session.csrfToken,
            business: membership.map {
                BusinessNav(name: $0.business.name, slug: $0.business.slug, role: $0.role.rawValue,
                            canManageUsers: $0.role.allows(.users))
            },
            severalBusinesses: severalBusinesses))
    }
}

/// `login.mustache`.
struct LoginView: PanelView {
    let chrome: PanelChrome
    /// The token of the sign-in form (also in its `frontdesk_login_csrf` cookie).
    let csrf: String
    /// The email typed last time, to type it only once.
    let email: String
    /// Where to go after signing in (a panel path).
    let next: String
    /// Why the last attempt failed.
    let error: String?
}

/// `businesses.mustache`: the businesses a user holds a role in.
struct BusinessesView: PanelView {
    let chrome: PanelChrome
    let businesses: [Item]
    let none: Bool

    struct Item: Sendable {
        let name: String
        let slug: String
        let role: String
        let suspended: Bool
    }
}

/// `password.mustache`.
struct PasswordView: PanelView {
    let chrome: PanelChrome
    let csrf: String
    let error: String?
    /// The password was just changed (every other browser signed out).
    let changed: Bool
}

/// `users.mustache`: the business's members; for an owner, the form that adds one.
struct UsersView: PanelView {
    let chrome: PanelChrome
    let csrf: String
    let slug: String
    let members: [Member]
    let canManage: Bool
    let roles: [Role]
    let error: String?
    /// The member just added, with their generated password (shown only now).
    let added: Added?

    struct Member: Sendable {
        let email: String
        let role: String
        let addedOn: String
    }

    struct Role: Sendable {
        let value: String
        let selected: Bool
    }

    struct Added: Sendable {
        let email: String
        let role: String
        let password: String?
        let existingUser: Bool
    }
}

/// `error.mustache`.
struct ErrorView: PanelView {
    let chrome: PanelChrome
    let status: Int
    let heading: String
    let message: String
}
