import Testing
import Receptionist

struct SMSKeywordTests {
    @Test(arguments: ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT", "stop", "Stop.", "  stop!  ", "\nQuit\n", "optout"])
    func optOut(_ body: String) { #expect(SMSKeyword.classify(body) == .optOut) }

    @Test(arguments: ["START", "YES", "UNSTOP", "start", "Yes!", " unstop "])
    func optIn(_ body: String) { #expect(SMSKeyword.classify(body) == .optIn) }

    @Test(arguments: ["HELP", "INFO", "help?", "Info."])
    func help(_ body: String) { #expect(SMSKeyword.classify(body) == .help) }

    @Test(arguments: ["STOP please", "please stop", "stop it", "OPT OUT", "yes please", "help me", "", "   ", "!!!", "STOPP", "can you come tomorrow?", "S T O P"])
    func ordinaryMessages(_ body: String) { #expect(SMSKeyword.classify(body) == nil) }
}
