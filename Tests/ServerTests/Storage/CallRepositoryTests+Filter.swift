import Foundation
import Receptionist
import Testing
@testable import Server

/// The panel's calls list: `calls(businessId:matching:limit:cursor:)` on every backend.
extension CallRepositoryTests {
    @Test(arguments: RepositoryBackend.all)
    func callsAreFilteredByStartAndOutcomeAndPagedWithinTheFilter(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let calls = store.repositories.calls
        let business = try await store.makeBusiness("rapid-rooter")
        let other = try await store.makeBusiness("other")
        let hour: TimeInterval = 3600
        // An hour apart: 0 answered, 1 lead, 2 answered, 3 lead, 4 answered, 5 lead; and the other business's.
        for index in 0..<6 {
            try await store.seedCall("CA\(index)", business: business, startedAt: Self.start.addingTimeInterval(Double(index) * hour),
                                     outcome: index % 2 == 0 ? .answeredQuestion : .leadCaptured)
        }
        try await store.seedCall("CAother", business: other, startedAt: Self.start.addingTimeInterval(2 * hour),
                                 outcome: .leadCaptured)

        func all(_ filter: CallFilter) async throws -> [String] {
            var sids: [String] = []
            var cursor: String?
            repeat {
                let page = try await calls.calls(businessId: business.id, matching: filter, limit: 1, cursor: cursor)
                #expect(page.items.count <= 1)
                sids += page.items.map(\.sid)
                cursor = page.nextCursor
            } while cursor != nil
            return sids
        }
        #expect(try await all(CallFilter()) == ["CA5", "CA4", "CA3", "CA2", "CA1", "CA0"])
        // `from` includes its instant, `to` excludes its own.
        #expect(try await all(CallFilter(from: Self.start.addingTimeInterval(hour), to: Self.start.addingTimeInterval(4 * hour)))
                == ["CA3", "CA2", "CA1"])
        #expect(try await all(CallFilter(outcome: .leadCaptured)) == ["CA5", "CA3", "CA1"])
        #expect(try await all(CallFilter(from: Self.start.addingTimeInterval(2 * hour), outcome: .leadCaptured)) == ["CA5", "CA3"])
        #expect(try await all(CallFilter(outcome: .emergency)).isEmpty)
        #expect(try await all(CallFilter(to: Self.start)).isEmpty)
        // The unfiltered method is the empty filter.
        #expect(try await calls.calls(businessId: business.id, limit: 10, cursor: nil).items.map(\.sid)
                == ["CA5", "CA4", "CA3", "CA2", "CA1", "CA0"])
        #expect(try await calls.calls(businessId: other.id, matching: CallFilter(outcome: .leadCaptured), limit: 10, cursor: nil)
            .items.map(\.sid) == ["CAother"])
    }
}
