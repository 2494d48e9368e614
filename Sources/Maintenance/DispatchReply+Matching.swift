import Foundation

/// Which job a reply answers, or why it answers none.
public enum DispatchReplyMatch: Equatable, Sendable {
    /// `verb` applies to the job `code` (one of the sender's open codes).
    case matched(DispatchReply.Verb, code: String)
    /// The reply names no job the sender can answer; `reason` says why (and what to tell them).
    case unmatched(DispatchReplyUnmatched)
}

/// Why a reply cannot be applied to a job.
public enum DispatchReplyUnmatched: Equatable, Sendable {
    /// The text is not a job reply at all (`.other`): an ordinary message, handled as one.
    case notAReply
    /// A bare verb from a sender with no open job it could apply to. Most likely not about a job at all (a tenant's
    /// "No. The heat is off" parses as a bare NO): handle it as an ordinary message unless the sender is a vendor.
    case noOpenJobs(DispatchReply.Verb)
    /// A bare verb (`YES`) from a sender with several open jobs: they must say which (`open` in sorted order).
    case ambiguous(DispatchReply.Verb, open: [String])
    /// The code is not one of the sender's open jobs (mistyped, or an offer that has closed: the caller may know
    /// it as a late reply to a job taken by someone else and send "already taken" instead).
    case codeNotOpen(DispatchReply.Verb, code: String, open: [String])
}

extension DispatchReply {
    /// The job this reply answers among `openCodes`, the codes the sender can answer with this verb.
    ///
    /// For `YES`/`NO` pass the sender's open offers; for `DONE` the jobs awaiting their completion reply. Codes
    /// compare case-insensitively. A bare verb counts only when exactly one job is open: guessing between two jobs
    /// could book a vendor on the wrong one.
    public func match(openCodes: [String]) -> DispatchReplyMatch {
        guard let verb else { return .unmatched(.notAReply) }
        let open = Array(Set(openCodes.map { $0.uppercased() })).sorted()
        if let code {
            guard open.contains(code) else { return .unmatched(.codeNotOpen(verb, code: code, open: open)) }
            return .matched(verb, code: code)
        }
        switch open.count {
        case 0: return .unmatched(.noOpenJobs(verb))
        case 1: return .matched(verb, code: open[0])
        default: return .unmatched(.ambiguous(verb, open: open))
        }
    }
}
