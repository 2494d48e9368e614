import Foundation
import Testing
@testable import Server

/// `frontdesk users create|list`, run as the built binary against the database of a running test app (the SQLite
/// file, or the PostgreSQL database in the second pass of `make test`); the user it makes signs in to the panel.
@Suite struct UsersCommandTests {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `frontdesk` on the app's database with `stdin` as standard input.
    static func run(_ arguments: [String], on test: TestApp, stdin: String? = nil) throws -> Output {
        guard FileManager.default.isExecutableFile(atPath: LiveServer.binary.path) else {
            throw LiveServerError("\(LiveServer.binary.path) is missing: build it first (`swift build`; `make test` does)")
        }
        let process = Process()
        process.executableURL = LiveServer.binary
        var environment = ProcessInfo.processInfo.environment
        environment["FRONTDESK_DATABASE_URL"] = test.config.databaseURL
        environment["FRONTDESK_DB"] = test.config.databasePath
        // Fast hashes, as the test app's (a stored hash carries its cost, so the app checks it either way).
        environment["FRONTDESK_BCRYPT_COST"] = "4"
        process.environment = environment
        process.arguments = arguments
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                      stderr: String(decoding: err, as: UTF8.self))
    }

    @Test func createsAnOwnerWhoSignsIn() async throws {
        let test = try await TestApp.make()
        let (business, _) = try await test.makeTenant("cli-users-shop")

        // A generated password, printed once.
        let generated = try Self.run(["users", "create", "--business", "cli-users-shop", "--email", "boss@example.com",
                                      "--role", "owner"], on: test)
        #expect(generated.status == 0, "\(generated.stderr)")
        #expect(generated.stdout.contains("boss@example.com"))
        #expect(generated.stdout.contains("owner of Business cli-users-shop"))
        let password = try #require(generated.stdout.firstMatch(of: /shown only now[^\n]*\n\s+(\S+)/).map { String($0.1) })
        #expect(password.count == 20)

        // A password from standard input (its final newline dropped), never echoed.
        let piped = try Self.run(["users", "create", "--business", "cli-users-shop", "--email", "clerk@example.com",
                                  "--role", "staff", "--password-stdin"], on: test, stdin: "a piped password\n")
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(!piped.stdout.contains("a piped password"))

        // Refusals say why and exit non-zero.
        let duplicate = try Self.run(["users", "create", "--business", "cli-users-shop", "--email", "BOSS@example.com",
                                      "--role", "staff"], on: test)
        #expect(duplicate.status != 0)
        #expect(duplicate.stderr.contains("already a member"))
        let noBusiness = try Self.run(["users", "create", "--business", "nowhere", "--email", "x@example.com",
                                       "--role", "owner"], on: test)
        #expect(noBusiness.status != 0)
        #expect(noBusiness.stderr.contains("no business with slug \"nowhere\""))
        let badRole = try Self.run(["users", "create", "--business", "cli-users-shop", "--email", "x@example.com",
                                    "--role", "admin"], on: test)
        #expect(badRole.status != 0)
        let weak = try Self.run(["users", "create", "--business", "cli-users-shop", "--email", "x@example.com",
                                 "--role", "owner", "--password-stdin"], on: test, stdin: "short\n")
        #expect(weak.status != 0)
        #expect(weak.stderr.contains("at least 10 characters"))

        let list = try Self.run(["users", "list", "--business", "cli-users-shop"], on: test)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("boss@example.com") && list.stdout.contains("owner"))
        #expect(list.stdout.contains("clerk@example.com") && list.stdout.contains("staff"))
        #expect(try await test.services.repositories.panelUsers.members(businessId: business.id).count == 2)

        // Both sign in to the running app.
        try await test.app.test(.router) { client in
            let boss = PanelBrowser()
            let bossIn = try await boss.signIn(client, email: "boss@example.com", password: password)
            #expect(bossIn.status == .seeOther)
            let overview = try await boss.send(client, .get, "/app/b/cli-users-shop/")
            #expect(overview.body.contains(#"data-role="owner""#))
            let clerkIn = try await PanelBrowser().signIn(client, email: "clerk@example.com", password: "a piped password")
            #expect(clerkIn.status == .seeOther)
        }
    }
}
