import Foundation

/// `calls.mustache`: a page of the business's calls, newest first, with the filter form and paging links.
struct CallsView: PanelView {
    let chrome: PanelChrome
    let slug: String
    /// The filters as typed (`YYYY-MM-DD` from the date inputs), to show them again.
    let from: String
    let to: String
    let outcomes: [Option]
    let calls: [Row]
    /// The page is empty; `filtered` tells "no calls yet" from "none match".
    let none: Bool
    let filtered: Bool
    /// The next (older) page, when there is one.
    let nextPage: String?
    /// The first (newest) page, when this is a later one.
    let firstPage: String?

    struct Option: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct Row: Sendable {
        let sid: String
        /// The call page.
        let link: String
        /// In the business's time zone.
        let startedAt: String
        let direction: String
        /// The other party's number.
        let number: String
        let duration: String
        let outcome: String
        let emergency: Bool
        let emergencyCategory: String?
    }
}

/// `call.mustache`: one call — its facts, the post-call summary (why they called, sentiment, follow-up), the
/// transcript with each caller turn's intent and sentiment and each answer's sources, and the leads taken.
struct CallView: PanelView {
    let chrome: PanelChrome
    let backLink: String
    let sid: String
    let startedAt: String
    let endedAt: String?
    let direction: String
    let customerNumber: String
    let businessNumber: String
    let status: String
    let duration: String
    let outcome: String
    let emergency: Bool
    let emergencyCategory: String?
    let transfer: String?
    /// Nil until the post-call job has written it.
    let summary: Summary?
    let turns: [Turn]
    let leads: [LeadItem]

    struct Summary: Sendable {
        let text: String
        /// Why they called (the summarizer's reason): the call's intent in the caller's words.
        let reason: String?
        let sentimentLabel: String?
        /// Signed, two decimals (`-0.42`).
        let sentimentScore: String?
        let sentimentTrend: String?
        /// Why the owner should act, joined; nil when nothing needs doing.
        let followUp: String?
        /// Questions the knowledge base could not answer.
        let unanswered: [String]
        let hasUnanswered: Bool
    }

    struct Turn: Sendable {
        let seq: Int
        /// `caller` or `receptionist` (also the row's class).
        let speaker: String
        let speakerLabel: String
        /// Nil for a turn without words (silence, a hang-up).
        let text: String?
        let event: String
        /// Caller turns: what the words ask for (`IntentClassifier`).
        let intent: String?
        /// Caller turns scored after the call: signed, two decimals.
        let sentiment: String?
        /// The answer could not come from the knowledge base.
        let declined: Bool
        /// The knowledge entries the answer was drawn from, in citation order.
        let sources: [Source]
        let hasSources: Bool
    }

    struct Source: Sendable {
        let entryId: String
        /// The entry's title, or a note that it has been deleted since.
        let title: String
    }

    struct LeadItem: Sendable {
        let reason: String
        let name: String?
        let phone: String?
        let address: String?
        let notes: String?
        let preferredTime: String?
        let status: String
        let emergency: Bool
    }
}
