import Foundation
import Testing
@testable import Receptionist

/// The same machine in the web chat widget (`CallPolicy.medium == .chat`): the conversation is the call's, only
/// the lines that assume a phone are worded for a chat.
struct CallMachineChatTests {
    static func chat() -> CallPolicy {
        var policy = CallMachineTests.policy()
        policy.medium = .chat
        policy.greeting = ConversationMedium.chatGreeting(businessName: "Rapid Rooter")
        return policy
    }

    @Test func anEmergencyInAChatSaysCallNotHangUpAndTheAlertSaysWhereItCameFrom() throws {
        var machine = CallMachine(callerNumber: nil)
        _ = machine.handle(.started, policy: Self.chat())
        let actions = machine.handle(CallMachineTests.heard("a pipe burst and water is pouring through the ceiling", confidence: nil),
                                     policy: Self.chat())
        let said = CallMachineTests.said(actions)
        #expect(said.contains("If anyone is in danger, please call 911 now."), "\(said)")
        #expect(!said.contains("hang up"))
        let alert = try #require(CallMachineTests.alerts(actions).first)
        #expect(alert.message.contains("in a web chat with Rapid Rooter"), "\(alert)")
        #expect(alert.callbackNumber == nil)
        // On the phone the same words keep the phone's lines.
        var call = CallMachineTests.greeted()
        let spoken = CallMachineTests.said(call.handle(CallMachineTests.heard("a pipe burst and water is pouring through the ceiling"),
                                                       policy: CallMachineTests.policy()))
        #expect(spoken.contains("hang up now and call 911"), "\(spoken)")
    }

    @Test func detailsAreReadBackAsWrittenAndTheGoodbyeFitsAChat() {
        var machine = CallMachine(callerNumber: nil)
        let policy = Self.chat()
        #expect(CallMachineTests.said(machine.handle(.started, policy: policy)).contains("virtual receptionist"))
        _ = machine.handle(CallMachineTests.heard("can I leave a message", confidence: nil), policy: policy)
        _ = machine.handle(CallMachineTests.heard("Jon Smith", confidence: nil), policy: policy)
        _ = machine.handle(CallMachineTests.heard("312 555 0199", confidence: nil), policy: policy)
        _ = machine.handle(CallMachineTests.heard("14 Elm Road", confidence: nil), policy: policy)
        let readBack = CallMachineTests.said(machine.handle(CallMachineTests.heard("the sink is blocked", confidence: nil), policy: policy))
        #expect(readBack.contains("Number: +13125550199."), "\(readBack)")
        _ = machine.handle(CallMachineTests.heard("yes", confidence: nil), policy: policy)
        let bye = CallMachineTests.said(machine.handle(CallMachineTests.heard("no that's all", confidence: nil), policy: policy))
        #expect(bye == "Thank you for getting in touch. Goodbye.")
        #expect(machine.state == .ended)
        #expect(machine.outcome == .leadCaptured)
    }
}
