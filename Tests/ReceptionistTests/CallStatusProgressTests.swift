import Foundation
import Testing
@testable import Receptionist

/// Every stored status × every incoming status, with and without sequence numbers, and callbacks delivered in
/// every order.
struct CallStatusProgressTests {
    /// Twilio's status strings, in `CallStatus.allCases` order (also the columns of the tables below).
    static let twilioStatuses = ["queued", "initiated", "ringing", "in-progress", "completed", "busy", "failed", "no-answer", "canceled"]

    /// Rows: the stored status; columns: the incoming one. A apply, S ignore as stale, T ignore (terminal).
    /// When sequence numbers do not decide (absent on either side, or the incoming one is newer) only rank does:
    /// forward or level applies, backwards is stale, and nothing moves a terminal status.
    static let byRank = [
        //             q  i  r  p  C  B  F  N  X
        "queued":      "A  A  A  A  A  A  A  A  A",
        "initiated":   "S  A  A  A  A  A  A  A  A",
        "ringing":     "S  S  A  A  A  A  A  A  A",
        "in-progress": "S  S  S  A  A  A  A  A  A",
        "completed":   "T  T  T  T  T  T  T  T  T",
        "busy":        "T  T  T  T  T  T  T  T  T",
        "failed":      "T  T  T  T  T  T  T  T  T",
        "no-answer":   "T  T  T  T  T  T  T  T  T",
        "canceled":    "T  T  T  T  T  T  T  T  T",
    ]

    /// When the incoming sequence number is not newer than the stored one.
    static let notNewer = [
        "queued":      "S  S  S  S  S  S  S  S  S",
        "initiated":   "S  S  S  S  S  S  S  S  S",
        "ringing":     "S  S  S  S  S  S  S  S  S",
        "in-progress": "S  S  S  S  S  S  S  S  S",
        "completed":   "T  T  T  T  T  T  T  T  T",
        "busy":        "T  T  T  T  T  T  T  T  T",
        "failed":      "T  T  T  T  T  T  T  T  T",
        "no-answer":   "T  T  T  T  T  T  T  T  T",
        "canceled":    "T  T  T  T  T  T  T  T  T",
    ]

    enum Expected: Character { case apply = "A", stale = "S", terminal = "T" }

    static func expected(_ table: [String: String], stored: CallStatus, incoming: CallStatus) throws -> Expected {
        let row = try #require(table[stored.rawValue]).filter { !$0.isWhitespace }
        let column = try #require(twilioStatuses.firstIndex(of: incoming.rawValue))
        return try #require(Expected(rawValue: Array(row)[column]))
    }

    @Test func statusesAreTwilios() {
        #expect(CallStatus.allCases.map(\.rawValue) == Self.twilioStatuses)
        #expect(CallStatus.allCases.filter(\.isTerminal) == [.completed, .busy, .failed, .noAnswer, .canceled])
    }

    /// (stored sequence, incoming sequence, table): every way sequence numbers can combine.
    static let sequenceCases: [(stored: Int?, incoming: Int?, table: [String: String])] = [
        (nil, nil, byRank), (nil, 0, byRank), (nil, 7, byRank), (3, nil, byRank),
        (3, 4, byRank), (3, 9, byRank), (3, 3, notNewer), (3, 2, notNewer), (3, 0, notNewer),
    ]

    @Test(arguments: 0..<sequenceCases.count)
    func everyPairOfStatuses(_ index: Int) throws {
        let (storedSequence, incomingSequence, table) = Self.sequenceCases[index]
        for stored in CallStatus.allCases {
            for incoming in CallStatus.allCases {
                let progress = CallStatusProgress(status: stored, lastSequenceNumber: storedSequence)
                let decision = progress.decide(incoming, sequenceNumber: incomingSequence)
                let context: Comment = "\(stored.rawValue)#\(String(describing: storedSequence)) ← \(incoming.rawValue)#\(String(describing: incomingSequence))"
                switch try Self.expected(table, stored: stored, incoming: incoming) {
                case .apply:
                    // A newer sequence number is remembered; a callback without one keeps the stored number.
                    let remembered = incomingSequence ?? storedSequence
                    #expect(decision == .apply(CallStatusProgress(status: incoming, lastSequenceNumber: remembered)), context)
                case .stale: #expect(decision == .ignoreStale, context)
                case .terminal: #expect(decision == .ignoreTerminal, context)
                }
                var updated = progress
                updated.update(incoming, sequenceNumber: incomingSequence)
                if case .apply(let next) = decision { #expect(updated == next, context) } else { #expect(updated == progress, context) }
            }
        }
    }

    static func permutations<T>(_ items: [T]) -> [[T]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { index in
            var rest = items
            let first = rest.remove(at: index)
            return permutations(rest).map { [first] + $0 }
        }
    }

    /// An outbound call's four callbacks (`StatusCallbackEvent` initiated, ringing, answered, completed) in all
    /// 24 delivery orders, and a busy call's three in all 6: the end is always the last status, and the statuses
    /// applied on the way only ever move forward.
    @Test(arguments: [
        [(CallStatus.initiated, 0), (.ringing, 1), (.inProgress, 2), (.completed, 3)],
        [(CallStatus.initiated, 0), (.ringing, 1), (.busy, 2)],
        [(CallStatus.initiated, 0), (.ringing, 1), (.noAnswer, 2)],
    ])
    func callbacksInAnyOrderEndInTheLastStatus(_ callbacks: [(CallStatus, Int)]) {
        let last = callbacks[callbacks.count - 1]
        let orders = Self.permutations(callbacks)
        #expect(orders.count == (1...callbacks.count).reduce(1, *))
        for order in orders {
            var progress = CallStatusProgress(status: .queued)
            var applied: [(CallStatus, Int)] = []
            for (status, sequence) in order {
                if case .apply = progress.update(status, sequenceNumber: sequence) { applied.append((status, sequence)) }
            }
            let description = order.map { "\($0.0.rawValue)#\($0.1)" }.joined(separator: ", ")
            #expect(progress == CallStatusProgress(status: last.0, lastSequenceNumber: last.1), "\(description)")
            #expect(zip(applied, applied.dropFirst()).allSatisfy { $0.0.rank <= $1.0.rank && $0.1 < $1.1 }, "\(description)")
            // The last callback always lands, wherever it came in the order.
            #expect(applied.last?.0 == last.0, "\(description)")
        }
    }

    @Test func inOrderCallbacksAllApply() {
        var progress = CallStatusProgress(status: .queued)
        for (status, sequence) in [(CallStatus.initiated, 0), (.ringing, 1), (.inProgress, 2), (.completed, 3)] {
            #expect(progress.update(status, sequenceNumber: sequence) == .apply(CallStatusProgress(status: status, lastSequenceNumber: sequence)))
        }
    }

    @Test func callbacksWithAndWithoutSequenceNumbersInterleaved() {
        var progress = CallStatusProgress(status: .queued)
        #expect(progress.update(.initiated, sequenceNumber: 0) == .apply(CallStatusProgress(status: .initiated, lastSequenceNumber: 0)))
        // The TwiML webhook says the call is answered before the sequenced `ringing` arrives.
        #expect(progress.update(.inProgress, sequenceNumber: nil) == .apply(CallStatusProgress(status: .inProgress, lastSequenceNumber: 0)))
        // Newer by sequence, older by status: the call does not go back to ringing.
        #expect(progress.update(.ringing, sequenceNumber: 1) == .ignoreStale)
        #expect(progress.update(.inProgress, sequenceNumber: 2) == .apply(CallStatusProgress(status: .inProgress, lastSequenceNumber: 2)))
        #expect(progress.update(.inProgress, sequenceNumber: 2) == .ignoreStale)
        #expect(progress.update(.completed, sequenceNumber: 3) == .apply(CallStatusProgress(status: .completed, lastSequenceNumber: 3)))
        #expect(progress.update(.completed, sequenceNumber: 3) == .ignoreTerminal)
        #expect(progress.update(.failed, sequenceNumber: 4) == .ignoreTerminal)
        #expect(progress == CallStatusProgress(status: .completed, lastSequenceNumber: 3))
    }

    @Test func anInboundCallWithoutSequenceNumbersMovesByRankOnly() {
        var progress = CallStatusProgress(status: .ringing)
        #expect(progress.update(.inProgress, sequenceNumber: nil) == .apply(CallStatusProgress(status: .inProgress)))
        #expect(progress.update(.ringing, sequenceNumber: nil) == .ignoreStale)
        #expect(progress.update(.noAnswer, sequenceNumber: nil) == .apply(CallStatusProgress(status: .noAnswer)))
        #expect(progress.update(.completed, sequenceNumber: nil) == .ignoreTerminal)
        #expect(progress.status == .noAnswer && progress.lastSequenceNumber == nil)
    }

    @Test func progressRoundTripsThroughJSON() throws {
        let progress = CallStatusProgress(status: .inProgress, lastSequenceNumber: 2)
        let data = try JSONEncoder().encode(progress)
        #expect(String(decoding: data, as: UTF8.self).contains(#""in-progress""#))
        #expect(try JSONDecoder().decode(CallStatusProgress.self, from: data) == progress)
    }
}
