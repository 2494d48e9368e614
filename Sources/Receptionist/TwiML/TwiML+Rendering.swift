extension TwiML {
    /// The document as Twilio expects it: `<?xml version="1.0" encoding="UTF-8"?><Response>…</Response>`.
    ///
    /// The output is byte-identical to twilio-python 9.13.0's `str(VoiceResponse())` for the same verbs:
    /// - no whitespace between elements; an element with neither text nor children is written `<Name />`;
    /// - attributes in ascending order of name (twilio-python sorts them), nil ones omitted, booleans as
    ///   `true`/`false`, integers in decimal;
    /// - text escapes `&`, `<`, `>`; attribute values (always in double quotes) escape `&`, `<`, `>`, `"`, and
    ///   tab, line feed and carriage return as `&#09;`, `&#10;`, `&#13;` so parsers do not normalise them to
    ///   spaces. `'` needs no escape inside double quotes and, as in twilio-python, is written as is;
    /// - non-ASCII text is written as UTF-8, not as character references.
    ///
    /// One deliberate difference: characters that XML 1.0 forbids (C0 controls other than tab, LF and CR, and
    /// U+FFFE, U+FFFF) are removed, where twilio-python would write them and produce a document Twilio rejects.
    public func render() -> String {
        var out = #"<?xml version="1.0" encoding="UTF-8"?>"#
        TwiMLElement(name: "Response", children: verbs.map(\.element)).write(to: &out)
        return out
    }
}

extension TwiMLVerb {
    var element: TwiMLElement {
        switch self {
        case .say(let say): say.element
        case .gather(let gather): gather.element
        case .dial(let dial): dial.element
        case .hangup: TwiMLElement(name: "Hangup")
        case .redirect(let redirect):
            TwiMLElement(name: "Redirect", attributes: ["method": redirect.method], text: redirect.url)
        case .pause(let pause): pause.element
        case .message(let message): TwiMLElement(name: "Message", text: message.body)
        }
    }
}

extension Say {
    var element: TwiMLElement {
        TwiMLElement(name: "Say", attributes: ["voice": voice, "language": language], text: text)
    }
}

extension Pause {
    var element: TwiMLElement {
        TwiMLElement(name: "Pause", attributes: ["length": seconds.map(String.init)])
    }
}

extension Gather {
    var element: TwiMLElement {
        TwiMLElement(
            name: "Gather",
            attributes: [
                "input": input,
                "action": action,
                "method": method,
                "speechTimeout": speechTimeout,
                "timeout": timeout.map(String.init),
                "language": language,
                "hints": hints.isEmpty ? nil : hints.joined(separator: ", "),
                "actionOnEmptyResult": actionOnEmptyResult.map(String.init),
                "numDigits": numDigits.map(String.init),
            ],
            children: children.map { child in
                switch child {
                case .say(let say): say.element
                case .pause(let pause): pause.element
                }
            }
        )
    }
}

extension Dial {
    var element: TwiMLElement {
        TwiMLElement(
            name: "Dial",
            attributes: [
                "action": action,
                "method": method,
                "timeout": timeout.map(String.init),
                "callerId": callerId,
                "answerOnBridge": answerOnBridge.map(String.init),
            ],
            text: number
        )
    }
}

/// A minimal XML element writer, just what TwiML needs (no namespaces, no mixed content).
struct TwiMLElement {
    var name: String
    var attributes: [String: String?] = [:]
    var text: String = ""
    var children: [TwiMLElement] = []

    func write(to out: inout String) {
        out += "<"
        out += name
        // Byte order of the names, as Python's `sorted()` orders str keys (ASCII names here in any case).
        for (key, value) in attributes.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            guard let value else { continue }
            out += " \(key)=\""
            XMLEscaping.appendAttribute(value, to: &out)
            out += "\""
        }
        let text = XMLEscaping.legal(text)
        if text.isEmpty && children.isEmpty {
            out += " />"
            return
        }
        out += ">"
        XMLEscaping.appendText(text, to: &out)
        for child in children { child.write(to: &out) }
        out += "</\(name)>"
    }
}

/// Escaping for XML 1.0 text and double-quoted attribute values, matching Python's `xml.etree.ElementTree`.
enum XMLEscaping {
    /// Whether XML 1.0 allows `scalar` in a document (`Char` production, §2.2). Swift strings cannot hold
    /// lone surrogates, so only controls and the two noncharacters U+FFFE, U+FFFF need removing.
    static func isLegal(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    static func legal(_ string: String) -> String {
        guard !string.unicodeScalars.allSatisfy(isLegal) else { return string }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: string.unicodeScalars.filter(isLegal))
        return String(scalars)
    }

    static func appendText(_ text: String, to out: inout String) {
        for scalar in text.unicodeScalars where isLegal(scalar) {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }

    static func appendAttribute(_ value: String, to out: inout String) {
        for scalar in value.unicodeScalars where isLegal(scalar) {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t": out += "&#09;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }
}
