import Campaigns
import Foundation

/// What an outbound campaign call says, rendered for one recipient (every `{{variable}}` already filled in): the
/// opening, up to ``maximumQuestions`` questions whose answers become result fields, and the closing line. The call
/// machine runs it (`CallMachine+Campaign.swift`); the server builds it from a campaign's script.
public struct OutboundScript: Codable, Sendable, Equatable {
    /// How an answer is read: the campaign script's own kinds (`yes_no`, `date_time`, `number`, `free_text`). The
    /// machine reads a yes/no by the intent rules, a day and time as its window's start (ISO 8601, UTC), the first
    /// number said as digits, free words as heard.
    public typealias AnswerKind = Campaigns.AnswerKind

    public struct Question: Codable, Sendable, Equatable {
        /// The result field the answer is stored under (`confirmed`, `preferred_time` …).
        public var field: String
        /// What is asked, as spoken.
        public var text: String
        public var kind: AnswerKind

        public init(field: String, text: String, kind: AnswerKind) {
            self.field = field
            self.text = text
            self.kind = kind
        }
    }

    /// The first words the callee hears: who is calling (the business, and that this is an automated assistant)
    /// and why.
    public var opening: String
    public var questions: [Question]
    /// Said after the last answer, before hanging up.
    public var closing: String

    public static let maximumQuestions = 5

    public init(opening: String, questions: [Question], closing: String) {
        self.opening = opening
        self.questions = questions
        self.closing = closing
    }
}

/// One answer a callee gave on a campaign call.
public struct CampaignAnswer: Codable, Sendable, Equatable {
    public var field: String
    public var kind: OutboundScript.AnswerKind
    /// The answer read as its kind (`yes`, `2030-06-10T13:00:00Z`, `25`, the words); nil when it could not be read
    /// after asking twice.
    public var value: String?
    /// What the callee said.
    public var heard: String

    public init(field: String, kind: OutboundScript.AnswerKind, value: String?, heard: String) {
        self.field = field
        self.kind = kind
        self.value = value
        self.heard = heard
    }
}

/// Where a campaign call is in its script; stored with the call machine, so the server reads the results (and
/// whether the callee asked not to be called again) from the stored call once it ends.
public struct CampaignCallProgress: Codable, Sendable, Equatable {
    public var script: OutboundScript
    /// The question being asked (`script.questions.count` once all are answered).
    public internal(set) var index = 0
    public internal(set) var answers: [CampaignAnswer] = []
    /// The current question was asked again once (its answer could not be read).
    var reasked = false
    /// The callee asked not to be called again: the number goes on the business's do-not-call list.
    public internal(set) var optedOut = false
    /// The callee asked for a person, or reported an emergency: the receptionist's usual path took over.
    public internal(set) var handedOver = false

    public init(script: OutboundScript) {
        self.script = script
    }

    /// Every question was answered (or asked twice) and the closing line said.
    public var completed: Bool { index >= script.questions.count }
    /// Still running the script.
    public var active: Bool { !completed && !optedOut && !handedOver }

    /// The answers by field, for results: the value read, or nil.
    public var results: [String: String?] {
        Dictionary(answers.map { ($0.field, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}
