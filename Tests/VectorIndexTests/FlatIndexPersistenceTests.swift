import Foundation
import Testing
@testable import VectorIndex

@Suite struct FlatIndexPersistenceTests {
    @Test func roundTripIsBitIdentical() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let index = try makeRandomIndex(count: 1500, dimension: 24, seed: 21)
        for i in stride(from: 0, to: 1500, by: 7) { index.delete(id: "row-\(i)") }
        try index.upsert(id: "ünïcødé-id-longer-than-15-bytes", vector: Array(repeating: 1, count: 24), category: "ça")
        let url = dir.appendingPathComponent("index.fdvx")
        try index.save(to: url)
        let loaded = try FlatIndex.load(from: url)

        #expect(loaded.dimension == index.dimension)
        #expect(loaded.count == index.count)
        #expect(loaded.ids == index.ids)
        for id in index.ids {
            let a = try #require(index.get(id: id)), b = try #require(loaded.get(id: id))
            #expect(a.vector.map(\.bitPattern) == b.vector.map(\.bitPattern))
            #expect(a.category == b.category)
        }
        var rng = SplitMix64(seed: 22)
        let queries = (0..<8).map { _ in rng.vector(24) }
        for query in queries {
            for kernel in ScanKernel.allCases {
                #expect(try loaded.search(query, k: 10, kernel: kernel) == index.search(query, k: 10, kernel: kernel))
            }
            let filter = SearchFilter(categories: ["ça", "faq"])
            #expect(try loaded.search(query, k: 10, filter: filter) == index.search(query, k: 10, filter: filter))
        }
        #expect(try loaded.search(batch: queries, k: 5) == index.search(batch: queries, k: 5))
        // No temp file left behind, and saving again replaces the file.
        try loaded.save(to: url)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["index.fdvx"])
        #expect(try Data(contentsOf: url) == Data(contentsOf: url))
    }

    @Test func emptyIndexRoundTrips() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("empty.fdvx")
        try FlatIndex(dimension: 5).save(to: url)
        let loaded = try FlatIndex.load(from: url)
        #expect(loaded.dimension == 5 && loaded.count == 0)
        try loaded.upsert(id: "a", vector: [1, 2, 3, 4, 5])
        #expect(loaded.count == 1)
    }

    @Test func truncatedFilesAreCorrupt() throws {
        let bytes = try savedBytes()
        // Inside the magic, the header, the category table, the ids, the codes, the matrix and the checksum.
        let offsets = [0, 2, 4, 7, 12, 21, 24, 30, 60, bytes.count / 2, bytes.count - 9, bytes.count - 1]
        for offset in offsets {
            let error = try loadError(Array(bytes.prefix(offset)))
            guard case .corruptFile = error else {
                Issue.record("truncated at \(offset): \(error)")
                continue
            }
        }
        // A file with bytes appended is just as wrong.
        guard case .corruptFile = try loadError(bytes + [0]) else { Issue.record("appended byte accepted"); return }
    }

    @Test func flippedByteAnywhereIsCorrupt() throws {
        let bytes = try savedBytes()
        for offset in [9, 25, 40, bytes.count - 200, bytes.count - 20, bytes.count - 3] {
            var damaged = bytes
            damaged[offset] ^= 0x10
            let error = try loadError(damaged)
            guard case .corruptFile = error else {
                Issue.record("flip at \(offset): \(error)")
                continue
            }
        }
        var damaged = bytes
        damaged[bytes.count - 100] ^= 0x01  // in the matrix: only the checksum can tell
        guard case let .corruptFile(_, reason) = try loadError(damaged) else { Issue.record("flip accepted"); return }
        #expect(reason.contains("checksum"))
    }

    @Test func badMagicIsCorrupt() throws {
        var bytes = try savedBytes()
        bytes[0] = UInt8(ascii: "X")
        guard case let .corruptFile(_, reason) = try loadError(bytes) else { Issue.record("accepted"); return }
        #expect(reason.contains("magic"))
        guard case .corruptFile = try loadError(Array("not an index at all".utf8)) else { Issue.record("accepted"); return }
    }

    @Test func newerMajorVersionIsUnsupported() throws {
        let url = try writeTemporary(resealed(try savedBytes(), major: 2, minor: 3))
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        #expect(throws: IndexError.unsupportedVersion(path: url.path, major: 2, minor: 3)) {
            try FlatIndex.load(from: url)
        }
    }

    @Test func newerMinorVersionIsReadable() throws {
        let bytes = try savedBytes()
        let url = try writeTemporary(resealed(bytes, major: 1, minor: 4))
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        #expect(try FlatIndex.load(from: url).count == 40)
    }

    @Test func missingFileIsIOError() throws {
        let url = URL(fileURLWithPath: "/nonexistent-dir/index.fdvx")
        #expect { try FlatIndex.load(from: url) } throws: { error in
            if case .io = error as? IndexError { return true }
            return false
        }
        #expect { try FlatIndex(dimension: 2).save(to: url) } throws: { error in
            if case .io = error as? IndexError { return true }
            return false
        }
    }

    /// Reads the committed v1.0 fixture. If this fails after a format change, the change broke old files:
    /// keep reading 1.0 and add a new fixture for the new version instead of regenerating this one.
    @Test func legacyRead_v1_0() throws {
        let url = try #require(Bundle.module.url(forResource: "index-v1.0", withExtension: "fdvx",
                                                 subdirectory: "Fixtures"))
        let index = try FlatIndex.load(from: url)
        #expect(index.dimension == 4)
        #expect(index.ids == ["alpha", "beta", "gamma", "délta-with-a-long-utf8-id"])
        #expect(index.get(id: "alpha")?.vector == [1, 0, 0, 0])
        #expect(index.get(id: "alpha")?.category == "faq")
        #expect(index.get(id: "beta")?.vector == [0.5, 0.5, 0.5, 0.5])
        #expect(index.get(id: "beta")?.category == "hours")
        #expect(index.get(id: "gamma")?.vector == [0, 0, -1, 0])
        #expect(index.get(id: "gamma")?.category == nil)
        #expect(index.get(id: "délta-with-a-long-utf8-id")?.vector == [0.5, -0.5, 0.5, -0.5])
        #expect(index.get(id: "délta-with-a-long-utf8-id")?.category == "faq")
        #expect(try index.search([1, 0, 0, 0], k: 2) == [
            SearchHit(id: "alpha", score: 1, category: "faq"),
            SearchHit(id: "beta", score: 0.5, category: "hours"),
        ])
    }

    /// Regenerates the fixture: `FDVX_WRITE_FIXTURE=1 swift test --filter writeFixture`. Only for a new
    /// format version, under a new file name; never rewrite an existing version's fixture.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FDVX_WRITE_FIXTURE"] == "1"))
    func writeFixture() throws {
        let index = FlatIndex(dimension: 4)
        try index.upsert(id: "alpha", vector: [2, 0, 0, 0], category: "faq")
        try index.upsert(id: "beta", vector: [1, 1, 1, 1], category: "hours")
        try index.upsert(id: "gamma", vector: [0, 0, -3, 0])
        try index.upsert(id: "délta-with-a-long-utf8-id", vector: [1, -1, 1, -1], category: "faq")
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/index-v\(FlatIndex.formatMajor).\(FlatIndex.formatMinor).fdvx")
        try index.save(to: url)
    }

    @Test func xxHash64MatchesReferenceVectors() {
        func hash(_ s: String) -> UInt64 { Array(s.utf8).withUnsafeBytes { XXHash64.hash($0) } }
        #expect(hash("") == 0xEF46_DB37_51D8_E999)
        #expect(hash("abc") == 0x44BC_2CF5_AD77_0999)
        // Streaming in odd-sized pieces gives the one-shot hash.
        var rng = SplitMix64(seed: 1)
        let data = (0..<1000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        var streaming = XXHash64()
        var start = 0
        for size in [1, 3, 31, 32, 33, 100, 7] + Array(repeating: 64, count: 20) where start < data.count {
            let end = min(start + size, data.count)
            streaming.update(Array(data[start..<end]))
            start = end
        }
        streaming.update(Array(data[start...]))
        #expect(streaming.finalize() == data.withUnsafeBytes { XXHash64.hash($0) })
    }

    // MARK: - Helpers

    private func savedBytes() throws -> [UInt8] {
        let index = try makeRandomIndex(count: 40, dimension: 6, seed: 31)
        let url = try writeTemporary([])
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        try index.save(to: url)
        return Array(try Data(contentsOf: url))
    }

    private func writeTemporary(_ bytes: [UInt8]) throws -> URL {
        let url = try makeTemporaryDirectory().appendingPathComponent("index.fdvx")
        try Data(bytes).write(to: url)
        return url
    }

    private func loadError(_ bytes: [UInt8]) throws -> IndexError {
        let url = try writeTemporary(bytes)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        do {
            let index = try FlatIndex.load(from: url)
            Issue.record("loaded \(index.count) rows from a damaged file")
            return .emptyID
        } catch let error as IndexError {
            return error
        }
    }

    /// Sets the version and recomputes the checksum so only the version differs.
    private func resealed(_ bytes: [UInt8], major: UInt16, minor: UInt16) -> [UInt8] {
        var out = Array(bytes.dropLast(8))
        out[4] = UInt8(major & 0xFF); out[5] = UInt8(major >> 8)
        out[6] = UInt8(minor & 0xFF); out[7] = UInt8(minor >> 8)
        let checksum = out.withUnsafeBytes { XXHash64.hash($0) }
        withUnsafeBytes(of: checksum.littleEndian) { out += $0 }
        return out
    }
}
