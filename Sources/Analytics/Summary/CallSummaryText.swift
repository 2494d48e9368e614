import Foundation

/// The plain-English paragraph of a ``CallSummary``: three or four fixed-template sentences —
/// who called and why; what was answered or not (when there were questions); how it ended with the caller's
/// details; what to do next.
enum CallSummaryText {
    static func render(_ summary: CallSummary, businessName: String) -> String {
        var sentences: [String] = []
        let who = nonEmpty(summary.lead?.name) ?? "A caller"
        if let reason = summary.reason {
            sentences.append("\(who) called \(businessName) and said: “\(reason)”")
        } else {
            sentences.append("\(who) called \(businessName) but did not say what they needed.")
        }
        if let knowledge = knowledgeSentence(summary) { sentences.append(knowledge) }
        sentences.append(outcomeSentence(summary))
        sentences.append(followUpSentence(summary, who: who))
        return sentences.joined(separator: " ")
    }

    static func knowledgeSentence(_ summary: CallSummary) -> String? {
        var parts: [String] = []
        if !summary.answered.isEmpty {
            var titles: [String] = []
            for title in summary.answered.flatMap(\.entryTitles) where !titles.contains(title) { titles.append(title) }
            let count = summary.answered.count
            parts.append("The receptionist answered \(count) question\(count == 1 ? "" : "s") from "
                         + list(titles.map { "“\($0)”" }, limit: 3))
        }
        if !summary.declined.isEmpty {
            let quoted = list(summary.declined.map { "“\(trimmedEnd($0))”" }, limit: 2)
            parts.append(parts.isEmpty ? "The receptionist could not answer \(quoted)" : "but could not answer \(quoted)")
        }
        return parts.isEmpty ? nil : parts.joined(separator: " ") + "."
    }

    static func outcomeSentence(_ summary: CallSummary) -> String {
        let details = detailsPhrase(summary.lead)
        let midCapture = summary.followUpReasons.contains(.abandonedDuringCapture)
        switch summary.outcome {
        case .emergency?:
            let category = summary.emergencyCategory.map { " (\(readable($0)))" } ?? ""
            return "It was flagged as an emergency\(category); "
                + (details.map { "details taken: \($0)." } ?? "no callback details were taken.")
        case .transferred?:
            return "The call was put through to the business."
        case .booked?:
            return "A booking was made" + (details.map { ": \($0)." } ?? ".")
        case .leadCaptured?:
            return "They left their details" + (details.map { ": \($0)." } ?? ".")
        case .answeredQuestion?:
            return "The call ended with their questions answered."
        case .abandoned?:
            if midCapture {
                return "They hung up while giving their details" + (details.map { " (so far: \($0))." } ?? ".")
            }
            return "They hung up before anything was settled" + (details.map { " (details kept: \($0))." } ?? ".")
        case nil:
            return "The call has not ended yet."
        }
    }

    static func followUpSentence(_ summary: CallSummary, who: String) -> String {
        guard summary.followUpNeeded else { return "No follow-up needed." }
        let person = who == "A caller" ? "the caller" : who
        let phone = nonEmpty(summary.lead?.phone).map { " on \($0)" } ?? ""
        let emergency = summary.followUpReasons.contains(.emergency)
        let steps = summary.followUpReasons.compactMap { reason -> String? in
            switch reason {
            case .emergency: "call \(person) back about the emergency\(phone) at once"
            // The emergency step already says to call back; don't say it twice.
            case .leadCaptured: emergency ? nil : "call \(person) back\(phone)"
            case .abandonedDuringCapture: "their details may be incomplete"
            case .declinedWithoutLead: "a question went unanswered and no details were left, so consider adding it to the knowledge base"
            case .transferNotConnected: "the transfer did not connect and no details were left"
            }
        }
        return "Follow-up needed: " + steps.joined(separator: "; ") + "."
    }

    /// "callback +1555…, at 12 Elm St, preferred time “tomorrow morning”, message “…”" or nil when empty.
    static func detailsPhrase(_ lead: LeadDetails?) -> String? {
        guard let lead else { return nil }
        var parts: [String] = []
        if let phone = nonEmpty(lead.phone) { parts.append("callback \(phone)") }
        if let address = nonEmpty(lead.address) { parts.append("at \(address)") }
        if let time = nonEmpty(lead.preferredTime) { parts.append("preferred time “\(time)”") }
        if let notes = nonEmpty(lead.notes) { parts.append("message “\(trimmedEnd(notes))”") }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// "“a”", "“a” and “b”", "“a”, “b” and 3 more".
    static func list(_ items: [String], limit: Int) -> String {
        let shown = Array(items.prefix(limit))
        let rest = items.count - shown.count
        if rest > 0 { return shown.joined(separator: ", ") + " and \(rest) more" }
        if shown.count <= 1 { return shown.first ?? "" }
        return shown.dropLast().joined(separator: ", ") + " and " + shown.last!
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    /// A quote without its final full stop, so it reads inside a sentence (question marks stay).
    static func trimmedEnd(_ text: String) -> String {
        text.hasSuffix(".") ? String(text.dropLast()) : text
    }

    /// `burst_pipe` → "burst pipe".
    static func readable(_ category: String) -> String {
        category.replacingOccurrences(of: "_", with: " ")
    }
}
