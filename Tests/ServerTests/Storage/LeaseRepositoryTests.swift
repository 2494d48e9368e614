import Foundation
import Testing
@testable import Server

/// `LeaseRepository`'s contract, on every backend: one holder at a time, renewal, hand-over on expiry, release.
@Suite struct LeaseRepositoryTests {
    static let start = Date(timeIntervalSince1970: 1_795_000_000)

    static func at(_ seconds: TimeInterval) -> Date { start.addingTimeInterval(seconds) }

    @Test(arguments: RepositoryBackend.all)
    func oneHolderAtATimeUntilTheLeaseExpires(_ backend: RepositoryBackend) async throws {
        let leases = try await backend.make().repositories.leases
        #expect(try await leases.acquire(name: "periodic", holder: "node-a", ttl: .seconds(60), now: Self.at(0)))
        #expect(try await !leases.acquire(name: "periodic", holder: "node-b", ttl: .seconds(60), now: Self.at(10)))
        #expect(try await !leases.acquire(name: "periodic", holder: "node-b", ttl: .seconds(60), now: Self.at(59)),
                "held until it expires")
        // Expired (at its expiry time exactly): the next node to ask takes it over, and the old holder has lost it.
        #expect(try await leases.acquire(name: "periodic", holder: "node-b", ttl: .seconds(60), now: Self.at(60)))
        #expect(try await !leases.acquire(name: "periodic", holder: "node-a", ttl: .seconds(60), now: Self.at(61)))
        // Another name is another lease.
        #expect(try await leases.acquire(name: "consumers", holder: "node-a", ttl: .seconds(60), now: Self.at(61)))
    }

    @Test(arguments: RepositoryBackend.all)
    func theHolderRenewsItsLease(_ backend: RepositoryBackend) async throws {
        let leases = try await backend.make().repositories.leases
        #expect(try await leases.acquire(name: "periodic", holder: "node-a", ttl: .seconds(60), now: Self.at(0)))
        #expect(try await leases.acquire(name: "periodic", holder: "node-a", ttl: .seconds(60), now: Self.at(40)),
                "the holder gets it again, renewed")
        #expect(try await !leases.acquire(name: "periodic", holder: "node-b", ttl: .seconds(60), now: Self.at(70)),
                "renewed at 40: held until 100, not 60")
        #expect(try await !leases.acquire(name: "periodic", holder: "node-b", ttl: .seconds(60), now: Self.at(99)))
        #expect(try await leases.acquire(name: "periodic", holder: "node-b", ttl: .seconds(60), now: Self.at(100)))
        // A holder whose lease expired before anyone else asked keeps it by asking again.
        #expect(try await leases.acquire(name: "periodic", holder: "node-b", ttl: .seconds(60), now: Self.at(500)))
        #expect(try await !leases.acquire(name: "periodic", holder: "node-a", ttl: .seconds(60), now: Self.at(501)))
    }

    @Test(arguments: RepositoryBackend.all)
    func releaseHandsTheLeaseOverAtOnceAndOnlyTheHolderCanRelease(_ backend: RepositoryBackend) async throws {
        let leases = try await backend.make().repositories.leases
        try await leases.release(name: "periodic", holder: "node-a")  // nothing held: nothing to do
        #expect(try await leases.acquire(name: "periodic", holder: "node-a", ttl: .seconds(60), now: Self.at(0)))
        try await leases.release(name: "periodic", holder: "node-b")
        #expect(try await !leases.acquire(name: "periodic", holder: "node-b", ttl: .seconds(60), now: Self.at(1)),
                "another holder's release does nothing")
        try await leases.release(name: "periodic", holder: "node-a")
        #expect(try await leases.acquire(name: "periodic", holder: "node-b", ttl: .seconds(60), now: Self.at(2)),
                "free at once, long before the expiry")
    }

    @Test(arguments: RepositoryBackend.all)
    func aLeaseNeedsANameAHolderAndATime(_ backend: RepositoryBackend) async throws {
        let leases = try await backend.make().repositories.leases
        await #expect(throws: RepositoryError.invalid("a lease needs a name")) {
            try await leases.acquire(name: "", holder: "node-a", ttl: .seconds(60), now: Self.at(0))
        }
        await #expect(throws: RepositoryError.invalid("a lease needs a holder")) {
            try await leases.acquire(name: "periodic", holder: "", ttl: .seconds(60), now: Self.at(0))
        }
        await #expect(throws: RepositoryError.invalid("a lease's ttl must be positive")) {
            try await leases.acquire(name: "periodic", holder: "node-a", ttl: .zero, now: Self.at(0))
        }
        #expect(try await leases.acquire(name: "periodic", holder: "node-a", ttl: .milliseconds(1500), now: Self.at(0)))
        #expect(try await !leases.acquire(name: "periodic", holder: "node-b", ttl: .seconds(60), now: Self.at(1)),
                "a fractional ttl counts its fraction")
        #expect(try await leases.acquire(name: "periodic", holder: "node-b", ttl: .seconds(60), now: Self.at(1.5)))
    }

    /// Ten nodes (over two clients of the database) ask for one free lease at the same moment: exactly one gets it.
    @Test(arguments: RepositoryBackend.all)
    func nodesAskingAtOnceGetOneHolder(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let clients = [store.repositories.leases, try await store.reopened().repositories.leases]
        for round in 0..<5 {
            let name = "race-\(round)"
            let winners = try await withThrowingTaskGroup(of: String?.self) { group in
                for node in 0..<10 {
                    let leases = clients[node % 2]
                    group.addTask {
                        try await leases.acquire(name: name, holder: "node-\(node)", ttl: .seconds(60), now: Self.at(0))
                            ? "node-\(node)" : nil
                    }
                }
                return try await group.reduce(into: [String]()) { if let winner = $1 { $0.append(winner) } }
            }
            #expect(winners.count == 1, "round \(round): \(winners)")
            let winner = try #require(winners.first)
            // The other client sees the same holder.
            #expect(try await clients[1].acquire(name: name, holder: winner, ttl: .seconds(60), now: Self.at(1)))
            #expect(try await !clients[0].acquire(name: name, holder: "late", ttl: .seconds(60), now: Self.at(1)))
        }
    }
}
