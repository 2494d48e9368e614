import Foundation

/// `POST/GET /v1/admin/businesses/{id}/users` (AdminUsersController): the operator's side of the web panel's
/// accounts. The panel's own pages under `/app` are HTML for browsers, not API: docs/panel.md describes them.
extension OpenAPIDocument {
    static var panelPaths: JSON { [
        "/v1/admin/businesses/{id}/users": [
            "post": op("Give someone a role in the business's web panel", "Creates the user when the email has no account yet — with `password`, or a generated one returned once as `password` (only its bcrypt hash is stored) — else gives the existing user the role in this business; they keep their password. How a business's first owner is made. Roles: `owner` (everything, users, settings), `staff` (calls, knowledge, customers), `viewer` (read-only). See docs/panel.md.",
                       tag: "admin", auth: "admin", parameters: [path("id")], request: "PanelMemberInput",
                       responses: ["201": body("PanelMemberCreated"),
                                   "400": error("Malformed JSON, a missing field, or an unknown role."),
                                   "404": error("No such business."),
                                   "409": error("`already_member`: the email's user has a role here already; `user_exists`: a password was given for an email that has an account."),
                                   "422": error("A bad email (ASCII, one @, at most 254 characters) or password (10 characters to 72 bytes), or an unknown field.")]),
            "get": op("List the business's panel users", "Email, role and when they were added, by email; never a password or its hash.",
                      tag: "admin", auth: "admin", parameters: [path("id")],
                      responses: ["200": body("PanelMemberList"), "404": error("No such business.")]),
        ],
    ] }

    static var panelSchemas: JSON { [
        "PanelRole": ["type": "string", "enum": PanelRole.allCases.map(\.rawValue)] as JSON,
        "PanelMemberInput": object([
            "email": ["type": "string", "maxLength": 254, "description": "ASCII; matched case-insensitively."],
            "role": ref("PanelRole"),
            "password": ["type": "string", "minLength": 10, "description": "At most 72 bytes of UTF-8. Leave it out to have one generated (new users only)."],
        ], required: ["email", "role"]),
        "PanelMemberCreated": object([
            "user_id": string(), "email": string(), "role": ref("PanelRole"), "business_id": string(),
            "existing_user": ["type": "boolean", "description": "The email had an account already; it keeps its password."],
            "password": ["type": "string", "description": "The generated password, only when none was given for a new user. Shown only here."],
            "created_at": string(format: "date-time"),
        ], required: ["user_id", "email", "role", "business_id", "existing_user", "created_at"]),
        "PanelMemberList": object(["items": ["type": "array", "items": object([
            "user_id": string(), "email": string(), "role": ref("PanelRole"), "added_at": string(format: "date-time"),
        ])]]),
    ] }
}
