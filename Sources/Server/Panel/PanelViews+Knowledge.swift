import Foundation

/// `knowledge.mustache`: the business's entries (searched, paged), the "ask it as a caller" box with its answer,
/// and — for a role that may edit — the links to create and edit and the import form.
struct KnowledgeListView: PanelView {
    let chrome: PanelChrome
    let csrf: String
    let slug: String
    let canEdit: Bool
    /// The search: text in the title or content, and a category (the REST list's `text` and `category`).
    let text: String
    let category: String
    let searching: Bool
    let entries: [Item]
    let none: Bool
    /// The next page's address, when there is one; the first page's when this is not it.
    let nextPage: String?
    let firstPage: String?
    /// What just happened (saved, deleted, imported).
    let notice: String?
    /// The question in the ask box, and what the receptionist would answer it.
    let question: String
    let asked: AskedView?
    let importForm: ImportForm

    struct Item: Sendable {
        let id: String
        let title: String
        let category: String
        let tags: String
        let snippet: String
        let updatedOn: String
    }

    struct ImportForm: Sendable {
        /// The id the progress bar polls (`knowledge/imports/{id}`).
        let id: String
        let error: String?
        /// Each row's problem, `row 3 title: …`.
        let problems: [String]
    }
}

/// What "ask it as a caller" answered: the receptionist's words and what they cite.
struct AskedView: Sendable {
    let question: String
    /// What the receptionist would say, as a call would hear it.
    let spoken: String
    /// `answered`, `declined`, `emergency` or `other` (the machine did something else: a booking, a message).
    let outcome: String
    let answered: Bool
    let declined: Bool
    let emergency: Bool
    let cited: [Cited]
    /// The best similarity found, against the business's threshold (both 0…1, two decimals).
    let similarity: String?
    let threshold: String

    struct Cited: Sendable {
        let id: String
        let title: String
        /// The entry no longer exists (deleted since the index answered).
        let missing: Bool
    }
}

/// `knowledge-entry.mustache`: the form that creates or edits an entry; for a viewer the entry, read only.
struct KnowledgeEntryView: PanelView {
    let chrome: PanelChrome
    let csrf: String
    let slug: String
    let canEdit: Bool
    let isNew: Bool
    /// Nil for a new entry.
    let id: String?
    /// Where the form posts.
    let action: String
    let title: String
    let content: String
    let category: String
    let tags: String
    let source: String
    let updatedOn: String?
    let saved: Bool
    /// The validation's message and each field's problem.
    let error: String?
    let problems: [String]
}

/// `knowledge-delete.mustache`: "delete this entry?" with the form that does it.
struct KnowledgeDeleteView: PanelView {
    let chrome: PanelChrome
    let csrf: String
    let slug: String
    let id: String
    let title: String
}

/// `knowledge-gaps.mustache`: what callers asked that the knowledge base did not answer well, grouped by topic.
struct KnowledgeGapsView: PanelView {
    let chrome: PanelChrome
    let slug: String
    let canEdit: Bool
    /// The range, as dates in the business's time zone.
    let from: String
    let to: String
    let questionsConsidered: Int
    let topics: [Topic]
    let none: Bool

    struct Topic: Sendable {
        let representative: String
        let count: Int
        let declined: Int
        let examples: [String]
        /// The create form, prefilled with the question.
        let writeAnswer: String
    }
}
