import Foundation
import Testing
@testable import Server

/// `BusinessRepository`'s contract, on every backend.
@Suite struct BusinessRepositoryTests {
    @Test(arguments: RepositoryBackend.all)
    func createGetFindUpdateDelete(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let repositories = store.repositories
        let repository = repositories.businesses
        let settings = ReceptionistSettings(
            greeting: "Acme Plumbing, how can we help?",
            businessHours: [.monday: DayHours(open: "08:00", close: "18:00")],
            transferNumber: "+15559990000", emergencyPhrases: ["burst pipe", "flooding"])
        let created = try await repository.create(NewBusiness(
            slug: "acme-plumbing", name: "Acme Plumbing", timeZone: "America/Chicago", settings: settings,
            numbers: ["+15551230001", "+15551230002", "+15551230001"]))

        #expect(created.id == created.id.lowercased())
        #expect(UUID(uuidString: created.id) != nil)
        #expect(created.status == .active)
        #expect(created.settings == settings)
        #expect(try await repository.get(id: created.id) == created)
        #expect(try await repository.get(id: created.id.uppercased()) == created)
        #expect(try await repository.get(slug: "acme-plumbing") == created)
        #expect(try await repository.find(byNumber: "+15551230002") == created)
        #expect(try await repository.find(byNumber: "+15550000000") == nil)
        #expect(try await repository.numbers(ofBusiness: created.id) == ["+15551230001", "+15551230002"])

        var newSettings = settings
        newSettings.answerConfidenceThreshold = 0.5
        let updated = try await repository.update(id: created.id, BusinessPatch(
            name: "Acme Plumbing & Heating", timeZone: "Europe/Berlin", status: .suspended,
            numbers: ["+15551230002", "+15551230003"], settings: newSettings))
        #expect(updated.name == "Acme Plumbing & Heating")
        #expect(updated.timeZone == "Europe/Berlin")
        #expect(updated.status == .suspended)
        #expect(updated.settings.answerConfidenceThreshold == 0.5)
        #expect(updated.createdAt == created.createdAt)
        #expect(try await repository.get(id: created.id) == updated)
        #expect(try await repository.find(byNumber: "+15551230001") == nil)
        #expect(try await repository.numbers(ofBusiness: created.id) == ["+15551230002", "+15551230003"])

        _ = try await repositories.apiKeys.rotate(businessId: created.id)
        try await repository.delete(id: created.id)
        #expect(try await repository.get(id: created.id) == nil)
        #expect(try await store.count("business_numbers") == 0)
        #expect(try await store.count("api_keys") == 0)
        await #expect(throws: RepositoryError.notFound) { try await repository.delete(id: created.id) }
        await #expect(throws: RepositoryError.notFound) {
            try await repository.update(id: created.id, BusinessPatch(name: "x"))
        }
    }

    @Test func settingsDefaultsAndOldJSONDecode() throws {
        let defaults = ReceptionistSettings()
        #expect(defaults.answerConfidenceThreshold == 0.40)
        #expect(defaults.voice == "Polly.Joanna")
        #expect(defaults.language == "en-US")
        let decoded = try JSONDecoder().decode(
            ReceptionistSettings.self,
            from: Data(#"{"greeting":"Hi","businessHours":{"friday":{"open":"09:00","close":"17:00"}}}"#.utf8))
        #expect(decoded.greeting == "Hi")
        #expect(decoded.businessHours == [.friday: DayHours(open: "09:00", close: "17:00")])
        #expect(decoded.voice == "Polly.Joanna")
        // Weekday keys encode as a JSON object, not as the key/value array Swift uses for non-String keys.
        let json = String(decoding: try JSONEncoder().encode(decoded), as: UTF8.self)
        #expect(json.contains(#""friday":{"#))
    }

    @Test(arguments: [
        NewBusiness(slug: "A", name: "x", timeZone: "UTC"),
        NewBusiness(slug: "has space", name: "x", timeZone: "UTC"),
        NewBusiness(slug: String(repeating: "a", count: 64), name: "x", timeZone: "UTC"),
        NewBusiness(slug: "ok-slug", name: " ", timeZone: "UTC"),
        NewBusiness(slug: "ok-slug", name: "x", timeZone: "Mars/Olympus_Mons"),
        NewBusiness(slug: "ok-slug", name: "x", timeZone: "UTC", numbers: ["5551234567"]),
        NewBusiness(slug: "ok-slug", name: "x", timeZone: "UTC", numbers: ["+0551234567"]),
        NewBusiness(slug: "ok-slug", name: "x", timeZone: "UTC", numbers: ["+1555"]),
        NewBusiness(slug: "ok-slug", name: "x", timeZone: "UTC",
                    settings: ReceptionistSettings(transferNumber: "555-1234")),
        NewBusiness(slug: "ok-slug", name: "x", timeZone: "UTC",
                    settings: ReceptionistSettings(answerConfidenceThreshold: 1.5)),
        NewBusiness(slug: "ok-slug", name: "x", timeZone: "UTC",
                    settings: ReceptionistSettings(businessHours: [.monday: DayHours(open: "18:00", close: "08:00")])),
        NewBusiness(slug: "ok-slug", name: "x", timeZone: "UTC",
                    settings: ReceptionistSettings(businessHours: [.monday: DayHours(open: "8am", close: "18:00")])),
    ], RepositoryBackend.all)
    func invalidInputIsRejected(_ input: NewBusiness, _ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        await #expect {
            _ = try await store.repositories.businesses.create(input)
        } throws: { error in
            if case RepositoryError.invalid = error { return true }
            return false
        }
        #expect(try await store.count("businesses") == 0)
    }

    @Test(arguments: RepositoryBackend.all)
    func slugConflict(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        _ = try await store.makeBusiness("acme")
        await #expect(throws: RepositoryError.conflict(#"slug "acme" is already taken"#)) {
            _ = try await store.makeBusiness("acme", numbers: ["+15551230009"])
        }
        #expect(try await store.count("businesses") == 1)
        #expect(try await store.count("business_numbers") == 0)
    }

    @Test(arguments: RepositoryBackend.all)
    func numberConflictLeavesNoHalfWrittenBusiness(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let repositories = store.repositories
        let first = try await store.makeBusiness("first", numbers: ["+15551230001"])
        await #expect {
            _ = try await store.makeBusiness("second", numbers: ["+15551230002", "+15551230001"])
        } throws: { error in
            if case RepositoryError.conflict = error { return true }
            return false
        }
        #expect(try await repositories.businesses.get(slug: "second") == nil)
        #expect(try await store.count("businesses") == 1)
        #expect(try await store.count("business_numbers") == 1)
        #expect(try await repositories.businesses.find(byNumber: "+15551230001") == first)

        // Taking another business's number in an update fails and changes nothing.
        let second = try await store.makeBusiness("second", numbers: ["+15551230002"])
        await #expect {
            _ = try await repositories.businesses.update(
                id: second.id, BusinessPatch(name: "renamed", numbers: ["+15551230001"]))
        } throws: { error in
            if case RepositoryError.conflict = error { return true }
            return false
        }
        #expect(try await repositories.businesses.get(id: second.id) == second)
        #expect(try await repositories.businesses.numbers(ofBusiness: second.id) == ["+15551230002"])
        #expect(try await repositories.businesses.numbers(ofBusiness: first.id) == ["+15551230001"])
    }

    @Test(arguments: RepositoryBackend.all)
    func paginationVisitsEveryBusinessOnce(_ backend: RepositoryBackend) async throws {
        let clock = TestClock()
        let store = try await backend.make(clock: clock)
        let repositories = store.repositories
        var expected: [String] = []
        for index in 0..<25 {
            // Groups of five share a timestamp, so the id tiebreak is exercised.
            if index % 5 == 0 { clock.advance(by: 1) }
            expected.append(try await store.makeBusiness(String(format: "biz-%02d", index)).id)
        }

        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try await repositories.businesses.list(limit: 10, cursor: cursor)
            seen += page.items.map(\.id)
            cursor = page.nextCursor
            pages += 1
            #expect(page.items.count == (pages < 3 ? 10 : 5))
        } while cursor != nil && pages < 10

        #expect(pages == 3)
        #expect(seen.count == 25)
        #expect(Set(seen) == Set(expected))
        // Order is (createdAt, id).
        let all = try await repositories.businesses.list(limit: 100, cursor: nil)
        #expect(all.items.map(\.id) == seen)
        #expect(all.nextCursor == nil)
        #expect(seen == expected.enumerated()
            .sorted { ($0.offset / 5, $0.element) < ($1.offset / 5, $1.element) }
            .map(\.element))
    }

    @Test(arguments: RepositoryBackend.all)
    func badCursorAndLimitAreInvalid(_ backend: RepositoryBackend) async throws {
        let repositories = try await backend.make().repositories
        await #expect(throws: RepositoryError.invalid("malformed cursor")) {
            _ = try await repositories.businesses.list(limit: 10, cursor: "not a cursor!")
        }
        await #expect(throws: RepositoryError.invalid("limit must be positive")) {
            _ = try await repositories.businesses.list(limit: 0, cursor: nil)
        }
    }

    /// Calls naming business B never read or change business A: its record, numbers, keys and slug.
    @Test(arguments: RepositoryBackend.all)
    func callsForAnotherBusinessSeeNothingOfIt(_ backend: RepositoryBackend) async throws {
        let store = try await backend.make()
        let businesses = store.repositories.businesses
        let a = try await store.makeBusiness("business-a", numbers: ["+15551110001", "+15551110002"])
        let b = try await store.makeBusiness("business-b", numbers: ["+15552220001"])
        let keyA = try await store.repositories.apiKeys.rotate(businessId: a.id)

        #expect(try await businesses.numbers(ofBusiness: b.id) == ["+15552220001"])
        #expect(try await businesses.get(id: b.id) == b)
        // B's update cannot take A's numbers, and what it does change stays B's.
        await #expect(throws: RepositoryError.self) {
            _ = try await businesses.update(id: b.id, BusinessPatch(numbers: ["+15551110001"]))
        }
        _ = try await businesses.update(id: b.id, BusinessPatch(name: "B renamed", status: .suspended,
                                                                numbers: ["+15552220003"]))
        // B's deletion leaves A whole.
        try await businesses.delete(id: b.id)
        #expect(try await businesses.get(id: a.id) == a)
        #expect(try await businesses.get(slug: "business-a") == a)
        #expect(try await businesses.numbers(ofBusiness: a.id) == ["+15551110001", "+15551110002"])
        #expect(try await businesses.find(byNumber: "+15551110002") == a)
        #expect(try await businesses.find(byNumber: "+15552220001") == nil)
        #expect(try await businesses.numbers(ofBusiness: b.id).isEmpty)
        #expect(try await store.repositories.apiKeys.authenticate(keyA) == a)
        #expect(try await businesses.list(limit: 10, cursor: nil).items == [a])
    }
}
