/// Where Twilio should post next, and how the receptionist sounds: what turns `CallAction`s into TwiML.
public struct VoiceOptions: Sendable, Equatable {
    /// `<Gather action>`: the caller's next words.
    public var gatherURL: String
    /// `<Dial action>`: the transfer's result.
    public var transferStatusURL: String
    public var voice: String?
    public var language: String?
    /// Seconds `<Dial>` rings before giving up.
    public var dialTimeout: Int
    /// Caller ID shown to the business when a call is transferred (the business's own Twilio number).
    public var dialCallerID: String?

    public init(gatherURL: String = "/twilio/gather", transferStatusURL: String = "/twilio/transfer-status",
                voice: String? = nil, language: String? = nil, dialTimeout: Int = 20, dialCallerID: String? = nil) {
        self.gatherURL = gatherURL
        self.transferStatusURL = transferStatusURL
        self.voice = voice
        self.language = language
        self.dialTimeout = dialTimeout
        self.dialCallerID = dialCallerID
    }
}

/// Renders a turn's actions as TwiML: the lines before a `.listen` are spoken inside `<Gather>` (so the caller can
/// interrupt them), `.dial` becomes `<Dial>`, `.hangUp` `<Hangup>`; record-only actions render nothing.
public enum CallResponse {
    public static func twiml(for actions: [CallAction], options: VoiceOptions) -> TwiML {
        var verbs: [TwiMLVerb] = []
        var pending: [Say] = []
        func say(_ text: String) { pending.append(Say(text, voice: options.voice, language: options.language)) }
        func flush() {
            verbs += pending.map(TwiMLVerb.say)
            pending = []
        }
        for action in actions {
            switch action {
            case .say(let text):
                say(text)
            case .answer(let answer, _):
                say(answer.text)
            case .listen:
                verbs.append(.gather(Gather(
                    action: options.gatherURL, language: options.language, actionOnEmptyResult: true,
                    children: pending.map(GatherChild.say))))
                pending = []
            case .dial(let number):
                flush()
                verbs.append(.dial(Dial(number: number, action: options.transferStatusURL, timeout: options.dialTimeout,
                                        callerId: options.dialCallerID)))
            case .hangUp:
                flush()
                verbs.append(.hangup)
            case .declined, .flagEmergency, .saveLead, .alertOwner, .book, .openTicket:
                break
            }
        }
        flush()
        return TwiML(verbs)
    }

    /// Everything the receptionist says in `actions`, as one line of transcript.
    public static func spokenText(_ actions: [CallAction]) -> String {
        actions.compactMap { action -> String? in
            switch action {
            case .say(let text): text
            case .answer(let answer, _): answer.text
            default: nil
            }
        }.joined(separator: " ")
    }
}
