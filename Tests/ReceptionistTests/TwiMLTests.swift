import Foundation
import Testing
@testable import Receptionist

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Golden strings are twilio-python 9.13.0's output: the first seven are `Fixtures/twiml_examples.json`
/// verbatim, the rest come from `scripts/twiml_goldens.py` (same case names there).
struct TwiMLGolden: Sendable, CustomTestStringConvertible {
    let name: String
    let twiml: TwiML
    let expected: String
    var testDescription: String { name }
}

let twimlGoldens: [TwiMLGolden] = [
    // Fixtures/twiml_examples.json
    TwiMLGolden(
        name: "say_gather_speech_auto",
        twiml: TwiML.response {
            Gather(action: "/voice/gather") { Say("Thanks for calling Acme Dental. How can I help you today?") }
            Say("Sorry, I didn't catch that. Goodbye.")
            Hangup()
        },
        expected: #"<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="/voice/gather" input="speech" method="POST" speechTimeout="auto"><Say>Thanks for calling Acme Dental. How can I help you today?</Say></Gather><Say>Sorry, I didn't catch that. Goodbye.</Say><Hangup /></Response>"#
    ),
    TwiMLGolden(
        name: "dial_with_action",
        twiml: TwiML.response {
            Say("Connecting you now.")
            Dial("+14155550100", action: "/voice/dial-complete", method: "POST", timeout: 20)
        },
        expected: #"<?xml version="1.0" encoding="UTF-8"?><Response><Say>Connecting you now.</Say><Dial action="/voice/dial-complete" method="POST" timeout="20">+14155550100</Dial></Response>"#
    ),
    TwiMLGolden(
        name: "hangup",
        twiml: TwiML([.hangup]),
        expected: #"<?xml version="1.0" encoding="UTF-8"?><Response><Hangup /></Response>"#
    ),
    TwiMLGolden(
        name: "redirect",
        twiml: TwiML.response { Redirect("/voice/incoming", method: "POST") },
        expected: #"<?xml version="1.0" encoding="UTF-8"?><Response><Redirect method="POST">/voice/incoming</Redirect></Response>"#
    ),
    TwiMLGolden(
        name: "say_hangup",
        twiml: TwiML([.say(Say("Goodbye.")), .hangup]),
        expected: #"<?xml version="1.0" encoding="UTF-8"?><Response><Say>Goodbye.</Say><Hangup /></Response>"#
    ),
    TwiMLGolden(
        name: "sms_reply",
        twiml: TwiML.response { Message("Thanks! We'll text you back shortly.") },
        expected: #"<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thanks! We'll text you back shortly.</Message></Response>"#
    ),
    TwiMLGolden(
        name: "sms_empty",
        twiml: TwiML([]),
        expected: #"<?xml version="1.0" encoding="UTF-8"?><Response />"#
    ),
    // scripts/twiml_goldens.py
    TwiMLGolden(
        name: "dial_all_attributes",
        twiml: TwiML.response {
            Dial(number: "+14155550100", action: "/twilio/dial-status", method: "GET", timeout: 30,
                 callerId: "+14155550199", answerOnBridge: true)
        },
        expected: #"<?xml version="1.0" encoding="UTF-8"?><Response><Dial action="/twilio/dial-status" answerOnBridge="true" callerId="+14155550199" method="GET" timeout="30">+14155550100</Dial></Response>"#
    ),
    TwiMLGolden(
        name: "dial_plain",
        twiml: TwiML.response { Dial("+14155550100") },
        expected: #"<?xml version="1.0" encoding="UTF-8"?><Response><Dial>+14155550100</Dial></Response>"#
    ),
    TwiMLGolden(
        name: "gather_all_attributes",
        twiml: TwiML.response {
            Gather(input: "speech dtmf", action: "/twilio/gather?step=2&lang=en", method: "POST",
                   speechTimeout: "auto", timeout: 5, language: "en-GB", hints: ["boiler", "leak", "radiator"],
                   actionOnEmptyResult: true, numDigits: 1) {
                Say("Press one or say boiler.")
                Pause(seconds: 1)
                Say("Or tell me what you need.", voice: "alice")
            }
            Redirect(url: "/twilio/incoming")
        },
        expected: #"<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="/twilio/gather?step=2&amp;lang=en" actionOnEmptyResult="true" hints="boiler, leak, radiator" input="speech dtmf" language="en-GB" method="POST" numDigits="1" speechTimeout="auto" timeout="5"><Say>Press one or say boiler.</Say><Pause length="1" /><Say voice="alice">Or tell me what you need.</Say></Gather><Redirect>/twilio/incoming</Redirect></Response>"#
    ),
    TwiMLGolden(
        name: "gather_minimal",
        twiml: TwiML.response {
            Gather(input: "dtmf", action: "/g", method: nil, speechTimeout: nil, actionOnEmptyResult: false)
        },
        expected: #"<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="/g" actionOnEmptyResult="false" input="dtmf" /></Response>"#
    ),
    TwiMLGolden(
        name: "hostile_say",
        twiml: TwiML.response { Say("</Say><Dial>+19005550100</Dial><Say>") },
        expected: #"<?xml version="1.0" encoding="UTF-8"?><Response><Say>&lt;/Say&gt;&lt;Dial&gt;+19005550100&lt;/Dial&gt;&lt;Say&gt;</Say></Response>"#
    ),
    TwiMLGolden(
        name: "non_ascii_and_emoji",
        twiml: TwiML.response { Say("Café naïve Straße 日本語 🎉👍🏽 — “curly” ‘quotes’", language: "fr-FR") },
        expected: #"<?xml version="1.0" encoding="UTF-8"?><Response><Say language="fr-FR">Café naïve Straße 日本語 🎉👍🏽 — “curly” ‘quotes’</Say></Response>"#
    ),
    TwiMLGolden(
        name: "pauses",
        twiml: TwiML.response {
            Pause()
            Pause(seconds: 2)
            Say("")
        },
        expected: #"<?xml version="1.0" encoding="UTF-8"?><Response><Pause /><Pause length="2" /><Say /></Response>"#
    ),
    TwiMLGolden(
        name: "quotes_and_ampersands",
        twiml: TwiML.response {
            Say(#"He said "hi" & it's <fine> > 3."#, voice: #"Polly."Amy"&'x'"#)
            Redirect(#"/next?a=1&b="2"&c='3'<4>"#, method: "POST")
        },
        expected: #"<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="Polly.&quot;Amy&quot;&amp;'x'">He said "hi" &amp; it's &lt;fine&gt; &gt; 3.</Say><Redirect method="POST">/next?a=1&amp;b="2"&amp;c='3'&lt;4&gt;</Redirect></Response>"#
    ),
    TwiMLGolden(
        name: "say_voice_language",
        twiml: TwiML.response { Say("Hello there.", voice: "Polly.Joanna", language: "en-US") },
        expected: #"<?xml version="1.0" encoding="UTF-8"?><Response><Say language="en-US" voice="Polly.Joanna">Hello there.</Say></Response>"#
    ),
    TwiMLGolden(
        name: "sms_ampersand",
        twiml: TwiML.response { Message(body: #"Tom & Jerry's <Plumbing> "Co""#) },
        expected: #"<?xml version="1.0" encoding="UTF-8"?><Response><Message>Tom &amp; Jerry's &lt;Plumbing&gt; "Co"</Message></Response>"#
    ),
    TwiMLGolden(
        name: "whitespace_in_attributes",
        twiml: TwiML.response { Say("line one\nline two\ttabbed", language: "a\tb\nc\rd") },
        expected: "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say language=\"a&#09;b&#10;c&#13;d\">line one\nline two\ttabbed</Say></Response>"
    ),
]

@Suite struct TwiMLTests {
    @Test(arguments: twimlGoldens)
    func rendersExactlyAsTwilioPython(_ golden: TwiMLGolden) {
        #expect(golden.twiml.render() == golden.expected)
    }

    @Test(arguments: twimlGoldens)
    func outputParsesBackToTheSameStructure(_ golden: TwiMLGolden) throws {
        let parsed = try ParsedXML.parse(golden.twiml.render())
        #expect(parsed == ParsedXML.expected(for: golden.twiml))
    }

    /// The embedded goldens must stay a verbatim copy of the reference file (a fixture in this test bundle).
    @Test func sharedExamplesAreAllReproduced() throws {
        let url = try #require(
            Bundle.module.url(forResource: "twiml_examples", withExtension: "json", subdirectory: "Fixtures"))
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        #expect(json["library"] as? String == "twilio (PyPI) 9.13.0")
        let examples = try #require(json["twiml"] as? [String: String])
        #expect(examples.count == 7)
        for (name, expected) in examples {
            let golden = try #require(twimlGoldens.first { $0.name == name }, "no Swift case for \(name)")
            #expect(golden.expected == expected, "\(name)")
            #expect(golden.twiml.render() == expected, "\(name)")
        }
    }

    @Test func hostileTextCannotInjectVerbs() throws {
        let hostile = #"Sure." /></Say><Dial>+19005550100</Dial><Say x=""#
        let twiml = TwiML.response {
            Say(hostile, voice: hostile)
            Gather(action: "/g?x=\(hostile)", hints: [hostile]) { Say(hostile) }
        }
        let parsed = try ParsedXML.parse(twiml.render())
        #expect(parsed.children.map(\.name) == ["Say", "Gather"])
        #expect(parsed.children[0].text == hostile)
        #expect(parsed.children[0].attributes["voice"] == hostile)
        #expect(parsed.children[1].attributes["action"] == "/g?x=\(hostile)")
        #expect(parsed.children[1].attributes["hints"] == hostile)
        #expect(parsed.children[1].children.map(\.name) == ["Say"])
        #expect(parsed.children[1].children[0].text == hostile)
        #expect(!twiml.render().contains("<Dial"))
    }

    @Test func charactersIllegalInXMLAreRemoved() throws {
        let dirty = "a\u{0}b\u{1}c\u{8}d\u{B}e\u{C}f\u{1F}g\u{FFFE}h\u{FFFF}i\u{7F}j\u{85}k"
        let twiml = TwiML.response { Say(dirty, voice: "v\u{1B}oice") }
        // U+007F and U+0085 are legal (if discouraged) XML 1.0 characters, so they stay.
        #expect(twiml.render() == """
            <?xml version="1.0" encoding="UTF-8"?><Response><Say voice="voice">abcdefghi\u{7F}j\u{85}k</Say></Response>
            """)
        #expect(try ParsedXML.parse(twiml.render()).children[0].text == "abcdefghi\u{7F}j\u{85}k")
    }

    @Test func textOfOnlyIllegalCharactersRendersAnEmptyElement() {
        #expect(TwiML.response { Say("\u{0}\u{1}") }.render()
            == #"<?xml version="1.0" encoding="UTF-8"?><Response><Say /></Response>"#)
    }

    @Test func emojiAndAstralCharactersSurviveAsUTF8() throws {
        let text = "👨‍👩‍👧 family, 𝄞 clef, 🇬🇧 flag, ñ"
        let rendered = TwiML.response { Say(text) }.render()
        #expect(rendered.contains(text))
        #expect(!rendered.contains("&#"))
        #expect(try ParsedXML.parse(rendered).children[0].text == text)
    }
}

/// The element tree `XMLParser` reads back, for round-trip checks.
struct ParsedXML: Equatable {
    var name: String
    var attributes: [String: String] = [:]
    var text: String = ""
    var children: [ParsedXML] = []

    struct ParseFailure: Error { var description: String }

    static func parse(_ xml: String) throws -> ParsedXML {
        let delegate = Delegate()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = delegate
        guard parser.parse(), let root = delegate.root else {
            throw ParseFailure(description: String(describing: parser.parserError))
        }
        return root
    }

    /// What parsing `twiml.render()` should give, built from the value rather than from the string.
    static func expected(for twiml: TwiML) -> ParsedXML {
        func attrs(_ pairs: [(String, String?)]) -> [String: String] {
            Dictionary(uniqueKeysWithValues: pairs.compactMap { key, value in value.map { (key, $0) } })
        }
        func say(_ say: Say) -> ParsedXML {
            ParsedXML(name: "Say", attributes: attrs([("voice", say.voice), ("language", say.language)]),
                      text: say.text)
        }
        func pause(_ pause: Pause) -> ParsedXML {
            ParsedXML(name: "Pause", attributes: attrs([("length", pause.seconds.map(String.init))]))
        }
        let children: [ParsedXML] = twiml.verbs.map { verb in
            switch verb {
            case .say(let s): return say(s)
            case .pause(let p): return pause(p)
            case .hangup: return ParsedXML(name: "Hangup")
            case .message(let m): return ParsedXML(name: "Message", text: m.body)
            case .redirect(let r):
                return ParsedXML(name: "Redirect", attributes: attrs([("method", r.method)]), text: r.url)
            case .dial(let d):
                return ParsedXML(name: "Dial", attributes: attrs([
                    ("action", d.action), ("method", d.method), ("timeout", d.timeout.map(String.init)),
                    ("callerId", d.callerId), ("answerOnBridge", d.answerOnBridge.map(String.init)),
                ]), text: d.number)
            case .gather(let g):
                return ParsedXML(name: "Gather", attributes: attrs([
                    ("input", g.input), ("action", g.action), ("method", g.method),
                    ("speechTimeout", g.speechTimeout), ("timeout", g.timeout.map(String.init)),
                    ("language", g.language), ("hints", g.hints.isEmpty ? nil : g.hints.joined(separator: ", ")),
                    ("actionOnEmptyResult", g.actionOnEmptyResult.map(String.init)),
                    ("numDigits", g.numDigits.map(String.init)),
                ]), children: g.children.map {
                    switch $0 {
                    case .say(let s): say(s)
                    case .pause(let p): pause(p)
                    }
                })
            }
        }
        return ParsedXML(name: "Response", children: children)
    }

    private final class Delegate: NSObject, XMLParserDelegate {
        var stack: [ParsedXML] = []
        var root: ParsedXML?

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            stack.append(ParsedXML(name: elementName, attributes: attributeDict))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?) {
            let element = stack.removeLast()
            if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
        }
    }
}
