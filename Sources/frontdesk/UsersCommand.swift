import ArgumentParser
import Foundation
import Logging
import Server

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "The web panel's users: give someone a role in a business (see docs/panel.md).",
        subcommands: [UsersCreateCommand.self, UsersListCommand.self]
    )
}

/// The database of a FrontDesk install: `--db`, else FRONTDESK_DATABASE_URL (PostgreSQL) or FRONTDESK_DB.
struct UsersDatabaseOptions: ParsableArguments {
    @Option(help: "SQLite database file (env FRONTDESK_DB; default ./frontdesk.sqlite). FRONTDESK_DATABASE_URL selects PostgreSQL instead.")
    var db: String?

    func open() async throws -> UserConsole {
        var config: AppConfig
        do { config = try AppConfig(environment: ProcessInfo.processInfo.environment) } catch { throw ValidationError("\(error)") }
        if let db {
            config.databasePath = db
            config.databaseURL = nil
        }
        var logger = Logger(label: "frontdesk")
        logger.logLevel = .error
        do {
            return try await UserConsole.open(config, logger: logger)
        } catch let error as StartupError {
            throw ValidationError(error.description)
        }
    }
}

extension PanelRole: ExpressibleByArgument {}

struct UsersCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Give an email a role in a business's panel, creating the user if the email has no account.",
        discussion: """
            Without --password-stdin a password is generated and printed once (only its bcrypt hash is stored). \
            An email that has an account already keeps its password and is given the role in this business too. \
            Roles: owner (everything, users, settings), staff (calls, knowledge, customers), viewer (read-only).
            """
    )

    @OptionGroup var database: UsersDatabaseOptions

    @Option(help: "The business's slug.")
    var business: String

    @Option(help: "The user's email address (ASCII; matched case-insensitively).")
    var email: String

    @Option(help: "owner, staff or viewer.")
    var role: PanelRole

    @Flag(help: "Read the password from standard input (its final newline dropped) instead of generating one.")
    var passwordStdin = false

    func run() async throws {
        var password: String?
        if passwordStdin {
            var text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            if text.hasSuffix("\n") { text.removeLast() }
            if text.hasSuffix("\r") { text.removeLast() }
            password = text
        }
        let console = try await database.open()
        let result: UserConsole.Result
        do {
            result = try await console.add(businessSlug: business, email: email, role: role, password: password)
        } catch let error as AppError {
            try? await console.close()
            throw ValidationError(error.message)
        } catch {
            try? await console.close()
            throw error
        }
        try await console.close()
        let name = "\(result.business.name) (\(result.business.slug))"
        if result.existingUser {
            print("Added \(result.email), who already had an account, as \(result.role.rawValue) of \(name). They sign in with their own password.")
        } else if let generated = result.generatedPassword {
            print("""
                Created \(result.email) as \(result.role.rawValue) of \(name).
                Their password (shown only now; only its bcrypt hash is stored):
                  \(generated)
                They sign in at /app/login and can change it at /app/password.
                """)
        } else {
            print("Created \(result.email) as \(result.role.rawValue) of \(name), with the password given.")
        }
    }
}

struct UsersListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List a business's panel users: email, role, when they were added (UTC)."
    )

    @OptionGroup var database: UsersDatabaseOptions

    @Option(help: "The business's slug.")
    var business: String

    func run() async throws {
        let console = try await database.open()
        let listing: (business: Business, members: [UserConsole.Member])
        do {
            listing = try await console.members(businessSlug: business)
        } catch let error as AppError {
            try? await console.close()
            throw ValidationError(error.message)
        }
        try await console.close()
        for member in listing.members {
            print("\(member.email)\t\(member.role.rawValue)\t\(member.addedAt.formatted(.iso8601))")
        }
    }
}
