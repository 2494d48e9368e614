import ArgumentParser
import Foundation
import Logging
import Receptionist
import Server

/// Options shared by `call` and `replay`: the database and model of a FrontDesk install.
struct ConsoleOptions: ParsableArguments {
    @OptionGroup var model: ModelOptions

    @Option(help: "SQLite database file (env FRONTDESK_DB; default ./frontdesk.sqlite).")
    var db: String?

    func open() async throws -> CallConsole {
        var config: AppConfig
        do { config = try AppConfig(environment: ProcessInfo.processInfo.environment) } catch { throw ValidationError("\(error)") }
        if let directory = model.modelDirectory { config.modelDirectory = directory }
        if let db { config.databasePath = db }
        var logger = Logger(label: "frontdesk")
        logger.logLevel = .error
        return try await CallConsole.open(config, logger: logger)
    }
}

struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Talk to a business's receptionist in the terminal, typing as the caller.",
        discussion: """
            Runs the same state machine and knowledge lookup as a phone call, without Twilio and without storing \
            anything. Each reply shows what would be spoken, the TwiML verbs and the knowledge cited.
            Type the caller's words; an empty line is silence; /transfer STATUS ends a transfer (completed, busy, \
            no-answer, failed); /hangup or end of input hangs up; /twiml toggles the full TwiML.
            """
    )

    @OptionGroup var console: ConsoleOptions

    @Option(help: "The business's slug.")
    var business: String

    @Option(help: "Caller ID the receptionist sees (E.164).")
    var from: String = "+15555550123"

    @Flag(help: "Print the full TwiML of every reply.")
    var twiml = false

    func run() async throws {
        let console = try await self.console.open()
        defer { try? console.close() }
        guard let business = try await console.business(slug: business) else {
            throw ValidationError("no business with slug \"\(self.business)\"")
        }
        let called = try await console.numbers(of: business).first ?? "+15550000000"
        var machine = CallMachine(callerNumber: from)
        var showTwiML = twiml
        print("Calling \(business.name) (\(called)) from \(from). Empty line = silence, /hangup to end.\n")
        var input = CallInput.start
        while true {
            let result = try await console.step(&machine, input: input, business: business, called: called)
            CallTranscriptPrinter.print(result, state: machine.state, fullTwiML: showTwiML)
            if machine.state == .ended { break }
            Swift.print("caller> ", terminator: "")
            guard let line = readLine() else {
                input = .hangUp
                continue
            }
            let text = line.trimmingCharacters(in: .whitespaces)
            switch text {
            case "/hangup", "/quit": input = .hangUp
            case "/twiml":
                showTwiML.toggle()
                input = .silence
                continue
            case let command where command.hasPrefix("/transfer"):
                input = .transferEnded(command.split(separator: " ").dropFirst().first.map(String.init) ?? "completed")
            default:
                input = text.isEmpty ? .silence : .speech(text, confidence: nil)
            }
        }
        Swift.print("\nCall ended: \(machine.outcome.rawValue).")
    }
}

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-run a stored call's caller turns and show where today's answers differ.",
        discussion: """
            Each receptionist turn is recomputed from the caller's words with today's knowledge base, settings and \
            code (at the time the turn originally happened, so business hours match). Nothing is stored. Exits 1 \
            when any reply differs.
            """
    )

    @OptionGroup var console: ConsoleOptions

    @Argument(help: "The call's CallSid.")
    var callSid: String

    func run() async throws {
        let console = try await self.console.open()
        defer { try? console.close() }
        guard let call = try await console.call(sid: callSid), let business = try await console.business(id: call.businessId) else {
            throw ValidationError("no call \(callSid) in this database")
        }
        let turns = try await console.turns(sid: callSid)
        var machine = CallMachine(callerNumber: call.caller.flatMap { $0.hasPrefix("+") ? $0 : nil })
        var differences = 0
        var previous: CallTurn?
        print("Replaying \(callSid) (\(business.name), \(turns.count) transcript lines)\n")
        for turn in turns {
            defer { previous = turn }
            if turn.speaker == .caller, !turn.text.isEmpty { print("caller:  \(turn.text)") }
            guard let input = turn.replayInput(after: previous) else { continue }
            let result = try await console.step(&machine, input: input, business: business, called: call.called, at: turn.createdAt)
            let now = CallResponse.spokenText(result.actions)
            if turn.speaker == .caller { continue } // a hang-up: nothing is spoken
            if now == turn.text {
                print("  same:  \(now)")
            } else {
                differences += 1
                print("  THEN:  \(turn.text)")
                print("  NOW:   \(now)")
                let cited = result.actions.compactMap { if case .answer(let answer, _) = $0 { answer.citations.map(\.entryId) } else { nil } }.flatMap { $0 }
                let before = turn.citations?.map(\.entryId) ?? []
                if cited != before { print("         cited then \(before), now \(cited)") }
            }
        }
        print("\n\(differences == 0 ? "No differences" : "\(differences) of the receptionist's replies differ").")
        if differences > 0 { throw ExitCode(1) }
    }
}

/// How `frontdesk call` shows a turn.
enum CallTranscriptPrinter {
    static func print(_ result: TurnResult, state: CallState, fullTwiML: Bool) {
        let spoken = CallResponse.spokenText(result.actions)
        if !spoken.isEmpty { Swift.print("receptionist: \(spoken)") }
        Swift.print("  [\(state.rawValue)] TwiML: \(result.twiml.verbs.map(describe).joined(separator: ", "))")
        for action in result.actions {
            switch action {
            case .answer(let answer, _):
                let sources = answer.citations.map { "\($0.entryId) (similarity \(String(format: "%.2f", $0.similarity ?? 0)))" }
                Swift.print("  cited: \(sources.joined(separator: ", "))")
            case .declined(_, let best):
                Swift.print("  no answer in the knowledge base (best similarity \(best.map { String(format: "%.2f", $0) } ?? "none"))")
            case .flagEmergency(let match):
                Swift.print("  EMERGENCY: \(match.category.rawValue) (\"\(match.phrase)\")")
            case .saveLead(let lead):
                Swift.print("  lead saved: \([lead.name, lead.phone, lead.address, lead.notes].compactMap { $0 }.joined(separator: " | "))")
            case .alertOwner(let alert):
                Swift.print("  owner alert (\(alert.kind.rawValue)): \(alert.message)")
            default:
                break
            }
        }
        if fullTwiML { Swift.print(result.twiml.render()) }
        Swift.print("")
    }

    static func describe(_ verb: TwiMLVerb) -> String {
        switch verb {
        case .say: "Say"
        case .gather(let gather): "Gather(\(gather.input) → \(gather.action), \(gather.children.count) prompt\(gather.children.count == 1 ? "" : "s"))"
        case .dial(let dial): "Dial(\(dial.number), timeout \(dial.timeout ?? 30)s)"
        case .hangup: "Hangup"
        case .redirect(let redirect): "Redirect(\(redirect.url))"
        case .pause: "Pause"
        case .message: "Message"
        }
    }
}
