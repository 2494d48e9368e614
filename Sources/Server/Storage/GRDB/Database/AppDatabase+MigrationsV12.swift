import Foundation

extension AppDatabase {
    /// The web panel's accounts (issue 14): users, their roles per business, signed-in sessions and failed
    /// sign-ins. Users belong to no business; a membership gives one a role in one business.
    static let panelAccounts = SchemaMigration("v12-panel-accounts", sql: """
        -- Emails are ASCII (validated in Swift), so lower() folds them the same here, in Swift and in PostgreSQL:
        -- one account per email, whatever its case. Only a bcrypt hash of the password is kept.
        CREATE TABLE users (
            id TEXT PRIMARY KEY NOT NULL,
            email TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email NOT GLOB '*[^ -~]*'),
            password_hash TEXT NOT NULL CHECK (length(password_hash) = 60 AND password_hash GLOB '$2[abxy]$*'),
            created_at TEXT NOT NULL,
            password_changed_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX users_email ON users(lower(email));

        CREATE TABLE memberships (
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('owner', 'staff', 'viewer')),
            created_at TEXT NOT NULL,
            PRIMARY KEY (user_id, business_id)
        );
        CREATE INDEX memberships_by_business ON memberships(business_id, user_id);

        -- A browser's session: the SHA-256 of the cookie's token (never the token), the CSRF token its forms carry,
        -- and when it stops signing anyone in.
        CREATE TABLE panel_sessions (
            id_hash TEXT PRIMARY KEY NOT NULL CHECK (length(id_hash) = 64),
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            csrf_token TEXT NOT NULL CHECK (length(csrf_token) >= 32),
            created_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE INDEX panel_sessions_by_user ON panel_sessions(user_id);
        CREATE INDEX panel_sessions_by_expiry ON panel_sessions(expires_at);

        -- Failed sign-ins, counted per client address and per account (the lower-cased email typed, which need not
        -- exist) over the last minutes; older rows are pruned.
        CREATE TABLE login_attempts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            address TEXT NOT NULL CHECK (length(address) BETWEEN 1 AND 64),
            account TEXT NOT NULL CHECK (length(account) <= 254),
            attempted_at TEXT NOT NULL
        );
        CREATE INDEX login_attempts_by_address ON login_attempts(address, attempted_at);
        CREATE INDEX login_attempts_by_account ON login_attempts(account, attempted_at);
        CREATE INDEX login_attempts_by_time ON login_attempts(attempted_at);
        """)
}
