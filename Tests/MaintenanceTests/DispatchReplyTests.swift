import Maintenance
import Testing

@Suite struct DispatchReplyTests {
    @Test(arguments: [
        ("YES K7Q2", DispatchReply.accept(code: "K7Q2")),
        ("yes k7q2", .accept(code: "K7Q2")),
        ("Y K7Q2", .accept(code: "K7Q2")),
        ("K7Q2 yes", .accept(code: "K7Q2")),
        ("YES, K7Q2!", .accept(code: "K7Q2")),
        ("  yes   K7Q2  ", .accept(code: "K7Q2")),
        ("yes K7Q2 see you then", .accept(code: "K7Q2")),
        ("Yes job K7Q2", .accept(code: "K7Q2")),
        ("yes to #K7Q2", .accept(code: "K7Q2")),
        ("Job K7Q2: yes", .accept(code: "K7Q2")),
        ("yes please K7Q2", .accept(code: "K7Q2")),
        ("Yeah m3p9", .accept(code: "M3P9")),
        ("NO K7Q2", .decline(code: "K7Q2")),
        ("no, K7Q2 sorry", .decline(code: "K7Q2")),
        ("yes K7Q2 and M3P9", .accept(code: "K7Q2")),
        ("K7Q2 n", .decline(code: "K7Q2")),
        ("DONE K7Q2", .done(code: "K7Q2")),
        ("k7q2 done, all fixed", .done(code: "K7Q2")),
    ])
    func repliesWithACode(body: String, expected: DispatchReply) {
        #expect(DispatchReply(parsing: body) == expected)
    }

    @Test(arguments: [
        ("YES", DispatchReply.accept(code: nil)),
        ("y", .accept(code: nil)),
        ("Yes!", .accept(code: nil)),
        ("yes please", .accept(code: nil)),
        ("Yes, I'll be there", .accept(code: nil)),
        ("yes for sure", .accept(code: nil)),
        ("N", .decline(code: nil)),
        ("no thanks", .decline(code: nil)),
        ("No, busy today", .decline(code: nil)),
        ("No I can't", .decline(code: nil)),
        ("done", .done(code: nil)),
        ("Done, thanks!", .done(code: nil)),
        ("Fixed.", .done(code: nil)),
        ("yes yes", .accept(code: nil)),
        ("Yes - on my way", .accept(code: nil)),
    ])
    func bareVerbs(body: String, expected: DispatchReply) {
        #expect(DispatchReply(parsing: body) == expected)
        #expect(expected.code == nil)
    }

    /// A verb run straight into other words is an ordinary message: a tenant's "no hot water" must not decline.
    @Test(arguments: ["no hot water", "No problem see you", "yes see you then", "done deal with it", "", "   ", "?!",
                      "Is K7Q2 still open?", "when is K7Q2 coming", "I said yes K7Q2", "n/a", "Yes? which job",
                      "yes no"])
    func ordinaryMessagesAreNotReplies(body: String) {
        #expect(DispatchReply(parsing: body) == .other)
        #expect(DispatchReply(parsing: body).verb == nil)
    }

    /// The SMS layer handles carrier keywords before a reply is parsed; here they are never job replies.
    @Test(arguments: ["STOP", "stop", "START", "HELP", "UNSUBSCRIBE", "STOP K7Q2", "HELP K7Q2", "info"])
    func carrierKeywordsAreNotReplies(body: String) {
        #expect(DispatchReply(parsing: body) == .other)
    }

    /// O/0, I/1 and L are not in the alphabet: a code typed with one is kept as typed (so it can never match a
    /// job and the sender is shown their real codes), never silently corrected into another job's code.
    @Test(arguments: [("YES K7QO", "K7QO"), ("yes k7q0", "K7Q0"), ("YES K1Q2", "K1Q2"), ("no L7Q2", "L7Q2")])
    func lookAlikeCharactersAreKeptAsTyped(body: String, typed: String) {
        let reply = DispatchReply(parsing: body)
        #expect(reply.code == typed)
        #expect(!DispatchReply.isCode(typed))
        #expect(reply.match(openCodes: ["K7Q2"]) == .unmatched(.codeNotOpen(reply.verb!, code: typed, open: ["K7Q2"])))
    }

    @Test func wordsAfterAVerbAreNotCodes() {
        // "SURE" and "THAT" fit the alphabet but are words; "WILL" has an L and no digit.
        #expect(DispatchReply(parsing: "yes sure") == .accept(code: nil))
        #expect(DispatchReply(parsing: "Yes, that works") == .accept(code: nil))
        #expect(DispatchReply(parsing: "yes, will do") == .accept(code: nil))
        #expect(DispatchReply(parsing: "YES PASS") == .other)
        #expect(DispatchReply.wordsNeverCodes.contains("PASS"))
        #expect(DispatchReply.wordsNeverCodes.allSatisfy(DispatchReply.isCode))
    }

    @Test func codeShape() {
        #expect(DispatchReply.isCode("K7Q2"))
        #expect(DispatchReply.isCode("2345"))
        #expect(!DispatchReply.isCode("k7q2"))     // callers upper-case first
        #expect(!DispatchReply.isCode("K7Q"))
        #expect(!DispatchReply.isCode("K7Q22"))
        #expect(!DispatchReply.isCode("KOQ2"))
        #expect(DispatchReply.codeAlphabet.count == 31)
        #expect(DispatchReply(parsing: "YES K7Q22") == .other)
    }
}

@Suite struct DispatchReplyMatchingTests {
    @Test func aCodedReplyMatchesItsOpenOffer() {
        let reply = DispatchReply(parsing: "yes m3p9")
        #expect(reply.match(openCodes: ["K7Q2", "M3P9"]) == .matched(.accept, code: "M3P9"))
        #expect(reply.match(openCodes: ["k7q2", "m3p9"]) == .matched(.accept, code: "M3P9"))
    }

    @Test func aBareReplyCountsOnlyWithExactlyOneOpenOffer() {
        let yes = DispatchReply(parsing: "Y")
        #expect(yes.match(openCodes: ["K7Q2"]) == .matched(.accept, code: "K7Q2"))
        #expect(yes.match(openCodes: ["M3P9", "K7Q2"]) == .unmatched(.ambiguous(.accept, open: ["K7Q2", "M3P9"])))
        #expect(yes.match(openCodes: []) == .unmatched(.noOpenJobs(.accept)))
        // The same code listed twice is still one job.
        #expect(DispatchReply(parsing: "no").match(openCodes: ["K7Q2", "k7q2"]) == .matched(.decline, code: "K7Q2"))
    }

    @Test func aCodeThatIsNotOpenIsReportedWithTheOpenOnes() {
        let reply = DispatchReply(parsing: "YES T4W8")
        #expect(reply.match(openCodes: ["K7Q2"]) == .unmatched(.codeNotOpen(.accept, code: "T4W8", open: ["K7Q2"])))
        #expect(reply.match(openCodes: []) == .unmatched(.codeNotOpen(.accept, code: "T4W8", open: [])))
    }

    @Test func doneMatchesAgainstJobsAwaitingCompletion() {
        #expect(DispatchReply(parsing: "DONE").match(openCodes: ["K7Q2"]) == .matched(.done, code: "K7Q2"))
        #expect(DispatchReply(parsing: "DONE K7Q2").match(openCodes: ["K7Q2", "M3P9"]) == .matched(.done, code: "K7Q2"))
    }

    @Test func ordinaryMessagesMatchNothing() {
        #expect(DispatchReply(parsing: "no hot water").match(openCodes: ["K7Q2"]) == .unmatched(.notAReply))
    }
}
