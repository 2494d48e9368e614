import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Server

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Start the HTTP server (stops cleanly on SIGTERM/SIGINT).",
        discussion: "Flags override the FRONTDESK_* environment variables, which override the defaults."
    )

    @Option(help: "Address to listen on (env FRONTDESK_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on, 0 for any free port (env FRONTDESK_PORT; default 8080).")
    var port: Int?

    @OptionGroup var model: ModelOptions

    @Option(help: "SQLite database file (env FRONTDESK_DB; default ./frontdesk.sqlite).")
    var db: String?

    @Option(help: "PostgreSQL instead of SQLite, for several nodes on one database: postgres://user[:password]@host[:port]/db[?sslmode=require] (env FRONTDESK_DATABASE_URL, preferred: a flag shows in `ps`). See docs/scale-out.md.")
    var databaseURL: String?

    @Option(help: "Admin key for /v1/admin (env FRONTDESK_ADMIN_KEY, preferred: a flag shows in `ps`). Unset on first start: one is generated and printed once.")
    var adminKey: String?

    @Option(help: "Public URL this server is reached at, behind a proxy (env FRONTDESK_PUBLIC_BASE_URL).")
    var publicBaseURL: String?

    @Option(help: "Load the sample businesses in this folder on start if missing (env FRONTDESK_DEMO_CORPORA; `make serve` passes corpora).")
    var demoCorpora: String?

    @Option(help: "The web panel's folder, with templates/ and static/ (env FRONTDESK_PANEL_DIR; default ./panel).")
    var panelDir: String?

    @Option(help: "Threads per query embedding (env FRONTDESK_EMBED_THREADS; default: half the cores, 1–4).")
    var embedThreads: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (env FRONTDESK_LOG_LEVEL; default info).")
    var logLevel: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var config: AppConfig
        do { config = try AppConfig(environment: environment) } catch { throw ValidationError("\(error)") }
        if let host { config.host = host }
        if let port { config.port = port }
        if let directory = model.modelDirectory { config.modelDirectory = directory }
        if let db { config.databasePath = db }
        if let databaseURL { config.databaseURL = databaseURL }
        if let adminKey { config.adminKey = adminKey }
        if let publicBaseURL { config.publicBaseURL = publicBaseURL }
        if let demoCorpora { config.demoCorporaDirectory = demoCorpora }
        if let panelDir { config.panelDirectory = panelDir }
        if let embedThreads {
            guard (1...64).contains(embedThreads) else { throw ValidationError("--embed-threads must be 1–64") }
            config.embedThreads = embedThreads
        }

        let levelName = logLevel ?? environment["FRONTDESK_LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: levelName) else { throw ValidationError("unknown log level \"\(levelName)\"") }
        var logger = Logger(label: "frontdesk")
        logger.logLevel = level

        let app: any ApplicationProtocol
        do {
            app = try await buildApplication(config, logger: logger)
        } catch let error as StartupError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG
        }
        try await app.runService()
    }
}
