import Maintenance
import Testing

@Suite struct TicketTransitionsTests {
    @Test func theRawValuesArePublicAPI() {
        #expect(TicketState.allCases.map(\.rawValue) == ["new", "vendor_contacting", "scheduled", "closed", "escalated", "cancelled"])
        #expect(TicketState(parsing: " Vendor_Contacting ") == .vendorContacting)
        #expect(TicketState(parsing: "done") == nil)
    }

    @Test func thePlannerStagesAreTheTicketStates() {
        // One list of states: the planner's stage is the ticket's state.
        let stage: DispatchPlanner.Stage = TicketState.escalated
        #expect(stage.isDispatching == false)
        #expect(TicketState.allCases.filter(\.isDispatching) == [.new, .vendorContacting])
        #expect(TicketState.allCases.filter(\.isOpen) == [.new, .vendorContacting, .scheduled, .escalated])
    }

    @Test func theHappyPathAndTheSideExitsAreLegal() {
        let path: [TicketState] = [.new, .vendorContacting, .scheduled, .closed]
        for (from, to) in zip(path, path.dropFirst()) {
            #expect(TicketTransitions.isLegal(from: from, to: to), "\(from) → \(to)")
        }
        for from in [TicketState.new, .vendorContacting, .scheduled, .escalated] {
            #expect(TicketTransitions.rule(from: from, to: .cancelled) == nil, "\(from) can be cancelled")
        }
        #expect(TicketTransitions.isLegal(from: .vendorContacting, to: .escalated))
        #expect(TicketTransitions.isLegal(from: .escalated, to: .scheduled))
        #expect(TicketTransitions.isLegal(from: .escalated, to: .closed))
        #expect(TicketTransitions.legal.count == 15)
        #expect(Set(TicketTransitions.legal).count == 15)
    }

    @Test(arguments: [
        (TicketState.closed, TicketState.vendorContacting, "a closed ticket cannot be reopened; open a new ticket"),
        (.closed, .cancelled, "a closed ticket cannot be reopened; open a new ticket"),
        (.cancelled, .new, "a cancelled ticket cannot be reopened; open a new ticket"),
        (.cancelled, .closed, "a cancelled ticket cannot be reopened; open a new ticket"),
        (.scheduled, .scheduled, "the ticket is already scheduled"),
        (.closed, .closed, "the ticket is already closed"),
        (.escalated, .new, "a ticket never goes back to new"),
        (.new, .closed, "only a scheduled or escalated ticket can be closed; cancel a ticket that was never booked"),
        (.vendorContacting, .closed, "only a scheduled or escalated ticket can be closed; cancel a ticket that was never booked"),
    ])
    func illegalMovesSayTheRuleTheyBreak(from: TicketState, to: TicketState, rule: String) {
        #expect(TicketTransitions.rule(from: from, to: to) == rule)
        #expect(throws: IllegalTicketTransition(from: from, to: to, rule: rule)) {
            try TicketTransitions.check(from: from, to: to)
        }
    }

    /// Every one of the 36 pairs is either in the table or refused by a named rule, never by the catch-all.
    @Test func everyPairIsDecidedByTheTableOrANamedRule() throws {
        var illegal = 0
        for from in TicketState.allCases {
            for to in TicketState.allCases {
                guard let rule = TicketTransitions.rule(from: from, to: to) else {
                    #expect(TicketTransitions.legal.contains { $0.from == from && $0.to == to })
                    try TicketTransitions.check(from: from, to: to)
                    continue
                }
                illegal += 1
                #expect(!rule.hasPrefix("a \(from.rawValue) ticket cannot become"), "\(from) → \(to) fell through")
                #expect(!TicketTransitions.isLegal(from: from, to: to))
            }
        }
        #expect(illegal == 36 - TicketTransitions.legal.count)
        // Nothing leaves a final state.
        #expect(TicketTransitions.legal.allSatisfy { !$0.from.isFinal })
    }
}
