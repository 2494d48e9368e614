/// A TwiML document: the `<Response>` FrontDesk returns to a Twilio voice or messaging webhook, as a value.
///
/// Build one with the result builder and render it once, at the edge:
///
/// ```swift
/// let twiml = TwiML.response {
///     Gather(action: "/twilio/gather") { Say("Thanks for calling. How can I help?") }
///     Say("Sorry, I didn't catch that. Goodbye.")
///     Hangup()
/// }
/// twiml.render()  // <?xml version="1.0" encoding="UTF-8"?><Response><Gather …
/// ```
///
/// Only the verbs and attributes FrontDesk uses are modelled; see ``render()`` for the exact output format.
public struct TwiML: Sendable, Equatable {
    /// The verbs inside `<Response>`, in the order Twilio executes them.
    public var verbs: [TwiMLVerb]

    public init(_ verbs: [TwiMLVerb]) {
        self.verbs = verbs
    }

    /// A `<Response>` built from verbs written in a ``TwiMLBuilder`` block (supports `if`/`else`, `if let`,
    /// `switch` and `for`-`in`).
    public static func response(@TwiMLBuilder _ build: () -> [TwiMLVerb]) -> TwiML {
        TwiML(build())
    }
}

/// One TwiML verb directly inside `<Response>`.
public enum TwiMLVerb: Sendable, Equatable {
    case say(Say)
    case gather(Gather)
    case dial(Dial)
    case hangup
    case redirect(Redirect)
    case pause(Pause)
    case message(Message)
}

/// `<Say>`: speak `text` with Twilio's text-to-speech.
public struct Say: Sendable, Equatable {
    /// What to speak; rendered as the element's text (escaped, characters illegal in XML removed).
    public var text: String
    /// The `voice` attribute, e.g. `"Polly.Joanna"`; omitted when nil.
    public var voice: String?
    /// The `language` attribute, e.g. `"en-GB"`; omitted when nil.
    public var language: String?

    public init(text: String, voice: String? = nil, language: String? = nil) {
        self.text = text
        self.voice = voice
        self.language = language
    }

    public init(_ text: String, voice: String? = nil, language: String? = nil) {
        self.init(text: text, voice: voice, language: language)
    }
}

/// `<Pause>`: silence, `seconds` long (Twilio's `length` attribute; Twilio's default is one second when nil).
public struct Pause: Sendable, Equatable {
    public var seconds: Int?

    public init(seconds: Int? = nil) {
        self.seconds = seconds
    }
}

/// What a `<Gather>` may contain while it listens: prompts only.
public enum GatherChild: Sendable, Equatable {
    case say(Say)
    case pause(Pause)
}

/// `<Gather>`: play the children while listening for speech or digits, then request `action` with the result.
public struct Gather: Sendable, Equatable {
    /// `"speech"`, `"dtmf"` or `"dtmf speech"`.
    public var input: String
    /// The URL Twilio requests with `SpeechResult` / `Digits`.
    public var action: String
    /// HTTP method for `action`; omitted when nil (Twilio then uses POST).
    public var method: String?
    /// `"auto"` or a number of seconds of silence that ends speech input; omitted when nil.
    public var speechTimeout: String?
    /// Seconds to wait for input to start; omitted when nil (Twilio's default is 5).
    public var timeout: Int?
    /// Speech recognition language, e.g. `"en-US"`; omitted when nil.
    public var language: String?
    /// Words and phrases the recogniser should expect; rendered joined by `", "`, omitted when empty.
    public var hints: [String]
    /// When true Twilio requests `action` even if nothing was heard; omitted when nil.
    public var actionOnEmptyResult: Bool?
    /// Number of digits that ends DTMF input; omitted when nil.
    public var numDigits: Int?
    /// The prompts played while listening.
    public var children: [GatherChild]

    public init(
        input: String = "speech", action: String, method: String? = "POST", speechTimeout: String? = "auto",
        timeout: Int? = nil, language: String? = nil, hints: [String] = [], actionOnEmptyResult: Bool? = nil,
        numDigits: Int? = nil, children: [GatherChild] = []
    ) {
        self.input = input
        self.action = action
        self.method = method
        self.speechTimeout = speechTimeout
        self.timeout = timeout
        self.language = language
        self.hints = hints
        self.actionOnEmptyResult = actionOnEmptyResult
        self.numDigits = numDigits
        self.children = children
    }

    /// A gather whose prompts are written in a ``GatherBuilder`` block: `Gather(action: "/g") { Say("Hi") }`.
    public init(
        input: String = "speech", action: String, method: String? = "POST", speechTimeout: String? = "auto",
        timeout: Int? = nil, language: String? = nil, hints: [String] = [], actionOnEmptyResult: Bool? = nil,
        numDigits: Int? = nil, @GatherBuilder _ children: () -> [GatherChild]
    ) {
        self.init(input: input, action: action, method: method, speechTimeout: speechTimeout, timeout: timeout,
                  language: language, hints: hints, actionOnEmptyResult: actionOnEmptyResult,
                  numDigits: numDigits, children: children())
    }
}

/// `<Dial>`: connect the caller to `number` (E.164).
public struct Dial: Sendable, Equatable {
    public var number: String
    /// URL Twilio requests when the dialled call ends; omitted when nil (the call then goes on with the next verb).
    public var action: String?
    public var method: String?
    /// Seconds to let the number ring; omitted when nil (Twilio's default is 30).
    public var timeout: Int?
    /// Caller ID to present to the dialled party; omitted when nil.
    public var callerId: String?
    /// When true the caller hears ringing until the dialled party answers; omitted when nil.
    public var answerOnBridge: Bool?

    public init(
        number: String, action: String? = nil, method: String? = nil, timeout: Int? = nil,
        callerId: String? = nil, answerOnBridge: Bool? = nil
    ) {
        self.number = number
        self.action = action
        self.method = method
        self.timeout = timeout
        self.callerId = callerId
        self.answerOnBridge = answerOnBridge
    }

    public init(
        _ number: String, action: String? = nil, method: String? = nil, timeout: Int? = nil,
        callerId: String? = nil, answerOnBridge: Bool? = nil
    ) {
        self.init(number: number, action: action, method: method, timeout: timeout, callerId: callerId,
                  answerOnBridge: answerOnBridge)
    }
}

/// `<Hangup>`, for use inside a ``TwiMLBuilder`` block (it is ``TwiMLVerb/hangup`` as a value).
public struct Hangup: Sendable, Equatable {
    public init() {}
}

/// `<Redirect>`: continue the call with the TwiML at `url`.
public struct Redirect: Sendable, Equatable {
    public var url: String
    /// HTTP method for `url`; omitted when nil (Twilio then uses POST).
    public var method: String?

    public init(url: String, method: String? = nil) {
        self.url = url
        self.method = method
    }

    public init(_ url: String, method: String? = nil) {
        self.init(url: url, method: method)
    }
}

/// `<Message>`: an SMS reply, for messaging webhooks.
public struct Message: Sendable, Equatable {
    public var body: String

    public init(body: String) {
        self.body = body
    }

    public init(_ body: String) {
        self.init(body: body)
    }
}
