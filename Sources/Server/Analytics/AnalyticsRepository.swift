import Analytics
import Foundation

/// One call as the analysts' export shows it: the call, its first lead and its summary.
public struct CallExportRow: Sendable, Equatable {
    public var sid: String
    public var startedAt: Date
    public var endedAt: Date?
    public var durationSeconds: Int?
    public var caller: String?
    public var called: String
    public var status: String
    public var outcome: String?
    public var isEmergency: Bool
    public var emergencyCategory: String?
    public var questionsAnswered: Int
    public var questionsDeclined: Int
    /// Entry ids the call's answers cited, in first-cited order.
    public var citedEntries: [String]
    public var leadReason: String?
    public var leadName: String?
    public var leadPhone: String?
    public var leadAddress: String?
    public var leadNotes: String?
    public var sentimentScore: Double?
    public var sentimentLabel: String?
    public var summary: String?
    /// `inbound` or `outbound`: who placed the call (for outbound calls `caller` is the business's number).
    public var direction: String = "inbound"
}

/// Where an export page ends: the last row's start and sid (the export's order).
public struct CallExportPosition: Sendable, Equatable {
    public var startedAt: Date
    public var sid: String

    public init(startedAt: Date, sid: String) {
        self.startedAt = startedAt
        self.sid = sid
    }
}

/// A caller's question the receptionist declined, or answered with low confidence (a knowledge gap).
public struct GapQuestion: Sendable, Equatable {
    public var text: String
    /// Declined outright (otherwise answered with low confidence).
    public var declined: Bool
}

/// What a business's day (or any span) held, for the owner's summary and the analytics summary.
public struct ActivityCounts: Sendable, Equatable {
    /// Calls started in the span.
    public var calls: Int
    /// Leads taken in the span.
    public var leads: Int
    /// Appointments made in the span that are not cancelled.
    public var bookings: Int
    /// Calls started in the span that were emergencies.
    public var emergencies: Int

    public init(calls: Int = 0, leads: Int = 0, bookings: Int = 0, emergencies: Int = 0) {
        self.calls = calls
        self.leads = leads
        self.bookings = bookings
        self.emergencies = emergencies
    }
}

/// The analysts' reads over a business's calls. Every method is scoped by `businessId`: another business's
/// calls, leads, turns and summaries are never read. Ranges are `from` (inclusive) ..< `to` (exclusive).
public protocol AnalyticsRepository: Sendable {
    /// Up to `limit` export rows of calls started in the range, in (start, sid) order, after `after` (a keyset
    /// page: each call is read once however many share a start time).
    func exportRows(businessId: String, from: Date, to: Date, after: CallExportPosition?,
                    limit: Int) async throws -> [CallExportRow]

    /// Folds every call started in the range, oldest first, into `initial` with `update`, reading them with one
    /// cursor in one read (memory stays flat however many calls the range holds). A call's `turnLatenciesMs` are
    /// its receptionist turns' latencies.
    func reduceCallFacts<State: Sendable>(
        businessId: String, from: Date, to: Date, into initial: State,
        _ update: @Sendable (inout State, CallFact) -> Void
    ) async throws -> State

    /// The most recent `limit` questions of calls started in the range that the receptionist declined, or
    /// answered (with citations) below `lowConfidence` similarity; newest first.
    func gapQuestions(businessId: String, from: Date, to: Date, lowConfidence: Double,
                      limit: Int) async throws -> [GapQuestion]

    /// Calls, leads, bookings and emergencies of the span.
    func activity(businessId: String, from: Date, to: Date) async throws -> ActivityCounts
}
