import ArgumentParser

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Quality evaluations on public test collections.",
        subcommands: [EvalRetrievalCommand.self, EvalSentimentCommand.self, EvalReceptionistCommand.self]
    )
}
