import ArgumentParser

@main
struct FrontDesk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frontdesk",
        abstract: "Self-hosted AI phone receptionist and knowledge server for small service businesses.",
        subcommands: [ServeCommand.self, CallCommand.self, ReplayCommand.self, ExportCommand.self, BackupCommand.self, MigrateCommand.self, EventsCommand.self, UsersCommand.self, EmbedCommand.self, BenchCommand.self, EvalCommand.self, SimulateCommand.self]
    )
}
