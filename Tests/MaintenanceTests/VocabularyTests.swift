import Maintenance
import Testing

@Suite struct VocabularyTests {
    @Test func prioritiesOrderByUrgency() {
        #expect([TicketPriority.emergency, .routine, .urgent].sorted() == [.routine, .urgent, .emergency])
        #expect([TicketPriority.routine, .emergency, .urgent].max() == .emergency)
    }

    @Test(arguments: [(" Plumbing ", Trade.plumbing), ("HVAC", .hvac), ("general", .general)])
    func tradesParseLeniently(raw: String, expected: Trade) {
        #expect(Trade(parsing: raw) == expected)
    }

    @Test func unknownValuesAreRefused() {
        #expect(Trade(parsing: "carpentry") == nil)
        #expect(TicketPriority(parsing: "asap") == nil)
        #expect(TicketPriority(parsing: "") == nil)
    }
}
