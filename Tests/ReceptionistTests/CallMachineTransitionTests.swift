import Foundation
import Testing
@testable import Receptionist

/// Every state × every kind of event, with the state the call must be in afterwards.
struct CallMachineTransitionTests {
    typealias T = CallMachineTests

    static let policy = T.policy(open: true, transfer: "+15550001111", collectAddress: false)

    /// Scripts that bring a fresh call into each state.
    static func machine(in state: CallState) -> CallMachine {
        var machine = CallMachine(callerNumber: T.caller)
        let script: [CallEvent] = switch state {
        case .greeting: []
        case .intent: [.started]
        case .faq: [.started, T.heard("what are your hours", passages: [T.hoursPassage])]
        case .bookingRequest: [.started, T.heard("i'd like to book an appointment")]
        case .transferAttempt: [.started, T.heard("can i talk to a person")]
        case .leadCapture: [.started, T.heard("can i leave a message")]
        case .confirmation: [.started, T.heard("can i leave a message"), T.heard("sam lee"), T.heard("yes"),
                             T.heard("please call me back about my bill")]
        case .wrapUp: [.started, T.heard("can i leave a message"), T.heard("sam lee"), T.heard("yes"),
                       T.heard("please call me back about my bill"), T.heard("yes")]
        case .ended: [.started, T.heard("goodbye")]
        }
        for event in script { _ = machine.handle(event, policy: policy) }
        precondition(machine.state == state, "script for \(state) ends in \(machine.state)")
        return machine
    }

    enum Kind: String, CaseIterable { case started, question, goodbye, yes, no, silence, transferBusy, transferDone, hungUp, emergency }

    static func event(_ kind: Kind) -> CallEvent {
        switch kind {
        case .started: .started
        case .question: T.heard("what are your hours", passages: [T.hoursPassage])
        case .goodbye: T.heard("that's all goodbye")
        case .yes: T.heard("yes")
        case .no: T.heard("no")
        case .silence: .silence
        case .transferBusy: .transferEnded(.busy)
        case .transferDone: .transferEnded(.completed)
        case .hungUp: .hungUp
        case .emergency: T.heard("the basement is flooding")
        }
    }

    /// Expected state after each event kind, per state (same order as `Kind.allCases`).
    static let table: [(CallState, [CallState])] = [
        //                 started    question  goodbye  yes       no        silence   busy      done      hungUp  emergency
        (.greeting,        [.intent,  .faq,     .ended,  .intent,  .intent,  .greeting, .greeting, .greeting, .ended, .leadCapture]),
        (.intent,          [.intent,  .faq,     .ended,  .intent,  .intent,  .intent,  .intent,  .intent,  .ended, .leadCapture]),
        (.faq,             [.faq,     .faq,     .ended,  .faq,     .ended,   .faq,     .faq,     .faq,     .ended, .leadCapture]),
        (.bookingRequest,  [.bookingRequest, .leadCapture, .ended, .leadCapture, .leadCapture, .bookingRequest, .bookingRequest, .bookingRequest, .ended, .leadCapture]),
        (.transferAttempt, [.transferAttempt, .transferAttempt, .transferAttempt, .transferAttempt, .transferAttempt, .transferAttempt, .leadCapture, .ended, .ended, .leadCapture]),
        (.leadCapture,     [.leadCapture, .leadCapture, .ended, .leadCapture, .leadCapture, .leadCapture, .leadCapture, .leadCapture, .ended, .leadCapture]),
        (.confirmation,    [.confirmation, .confirmation, .ended, .wrapUp, .confirmation, .confirmation, .confirmation, .confirmation, .ended, .confirmation]),
        // An emergency after a saved message is a new lead; this business asks no address and the name and number are
        // known, so it goes straight to the read-back.
        (.wrapUp,          [.wrapUp,  .faq,     .ended,  .faq,     .ended,   .wrapUp,  .wrapUp,  .wrapUp,  .ended, .confirmation]),
        (.ended,           [.ended,   .ended,   .ended,  .ended,   .ended,   .ended,   .ended,   .ended,   .ended, .ended]),
    ]

    @Test func theTableCoversEveryState() {
        #expect(Set(Self.table.map(\.0)) == Set(CallState.allCases))
        #expect(Self.table.allSatisfy { $0.1.count == Kind.allCases.count })
    }

    @Test(arguments: Self.table.flatMap { row in zip(Kind.allCases, row.1).map { (row.0, $0.0, $0.1) } })
    func transition(from state: CallState, on kind: Kind, to expected: CallState) {
        var machine = Self.machine(in: state)
        let actions = machine.handle(Self.event(kind), policy: Self.policy)
        #expect(machine.state == expected, "\(state) --\(kind)--> \(machine.state), said: \(CallResponse.spokenText(actions))")
        if machine.state == .ended, state != .ended {
            #expect(actions.isEmpty || actions.last == .hangUp || kind == .hungUp, "ending the call hangs up")
        }
        if machine.state != .ended, machine.state != .transferAttempt, !actions.isEmpty {
            #expect(actions.last == .listen, "a live call always ends its turn listening: \(actions)")
        }
    }
}
