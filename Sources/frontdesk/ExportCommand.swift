import ArgumentParser
import Foundation
import Server

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a business's analytics to standard output (or a file).",
        subcommands: [ExportCallsCommand.self, ExportDailyCommand.self]
    )
}

/// What every export names: the database, the business and the range.
struct ExportScopeOptions: ParsableArguments {
    @OptionGroup var console: ConsoleOptions

    @Option(help: "The business's slug.")
    var business: String

    @Option(help: "First day (2026-11-01) or date-time.")
    var from: String?

    @Option(help: "Last day (inclusive) or date-time (exclusive).")
    var to: String?

    /// Opens the install and finds the business.
    func open() async throws -> (CallConsole, Business) {
        let console = try await console.open()
        guard let found = try await console.business(slug: business) else {
            try? console.close()
            throw ValidationError("no business with slug \"\(business)\"")
        }
        return (console, found)
    }
}

struct ExportCallsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calls",
        abstract: "One row per call, as GET /v1/analytics/calls.<format> returns it.",
        discussion: "Dates are days in the business's time zone (to is inclusive) or ISO 8601 date-times; the range defaults to the last 30 days and may cover at most 366 days."
    )

    @OptionGroup var scope: ExportScopeOptions

    @Option(help: "csv, json or ndjson.")
    var format: String = "csv"

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    func run() async throws {
        let (console, business) = try await scope.open()
        defer { try? console.close() }
        let handle: FileHandle
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: nil), let file = FileHandle(forWritingAtPath: output) else {
                throw ValidationError("cannot write \(output)")
            }
            handle = file
        } else {
            handle = FileHandle.standardOutput
        }
        do {
            try await console.exportCalls(business: business, from: scope.from, to: scope.to, format: format) { text in
                try handle.write(contentsOf: Data(text.utf8))
            }
        } catch let error as AppError {
            throw ValidationError(error.message)
        }
        if output != nil { try handle.close() }
    }
}

struct ExportDailyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daily",
        abstract: "Per-day (or --hourly) call metrics, as GET /v1/analytics/daily.<format> returns them.",
        discussion: "Days are the business's local days. Dates as for `export calls`."
    )

    @OptionGroup var scope: ExportScopeOptions

    @Option(help: "csv or json.")
    var format: String = "csv"

    @Flag(help: "One row per local hour instead of per day.")
    var hourly = false

    func run() async throws {
        let (console, business) = try await scope.open()
        defer { try? console.close() }
        do {
            let text = try await console.exportRollup(business: business, hourly: hourly, from: scope.from, to: scope.to, format: format)
            FileHandle.standardOutput.write(Data(text.utf8))
        } catch let error as AppError {
            throw ValidationError(error.message)
        }
    }
}
