#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Exact cosine-similarity index over fixed-dimension Float32 vectors.
///
/// Storage is one contiguous row-major matrix (`count × dimension` Float32) with no holes: a delete moves the
/// last row into the freed slot. Vectors are L2-normalised at insert, so cosine similarity is a dot product,
/// and every search scans every row (exact results, no recall loss).
///
/// Thread-safe: searches share a reader lock and run concurrently; upserts, deletes and loads take the writer
/// lock. Validation and normalisation happen before the lock is taken.
public final class FlatIndex: @unchecked Sendable {
    /// Length of every vector in the index.
    public let dimension: Int

    let lock = ReadWriteLock()

    // MARK: Storage — read under `lock.withReadLock`, written under `lock.withWriteLock`.

    /// `rowCapacity × dimension` floats; rows `0..<count` are live. `nil` until the first insert.
    /// Allocated with malloc/realloc rather than `[Float]` so growth is controlled (and large reallocs are
    /// page remaps on glibc, so small growth steps cost no copy).
    var matrix: UnsafeMutablePointer<Float>?
    var rowCapacity = 0
    /// Row → id.
    var rowIDs: [String] = []
    /// Id → row.
    var rowByID: [String: Int32] = [:]
    /// Row → category code: 0 = no category, `c` = `categoryNames[c - 1]`.
    var rowCategory: [UInt32] = []
    /// Interned category names. Codes are never reused, so the table only grows.
    var categoryNames: [String] = []
    var categoryCodes: [String: UInt32] = [:]

    /// Creates an empty index.
    /// - Parameter dimension: length of every vector; must be positive.
    public init(dimension: Int) {
        precondition(dimension > 0, "FlatIndex dimension must be positive, got \(dimension)")
        self.dimension = dimension
    }

    deinit {
        free(matrix)
    }

    /// Number of vectors stored.
    public var count: Int {
        lock.withReadLock { rowIDs.count }
    }

    /// Ids of all stored vectors, in storage order (which deletes permute).
    public var ids: [String] {
        lock.withReadLock { rowIDs }
    }

    /// Whether a vector is stored under `id`.
    public func contains(id: String) -> Bool {
        lock.withReadLock { rowByID[id] != nil }
    }

    /// The stored (L2-normalised) vector and category for `id`, or `nil` when absent.
    public func get(id: String) -> (vector: [Float], category: String?)? {
        lock.withReadLock {
            guard let row = rowByID[id], let matrix else { return nil }
            let start = matrix + Int(row) * dimension
            let vector = Array(UnsafeBufferPointer(start: start, count: dimension))
            return (vector, categoryName(code: rowCategory[Int(row)]))
        }
    }

    /// Inserts a vector, or replaces the vector and category stored under `id`.
    ///
    /// - Parameters:
    ///   - id: non-empty identifier, unique within the index.
    ///   - vector: `dimension` finite values, not all zero; stored L2-normalised.
    ///   - category: optional label that ``SearchFilter`` can select on.
    /// - Throws: ``IndexError/emptyID``, ``IndexError/dimensionMismatch(expected:got:)``,
    ///   ``IndexError/nonFiniteValue(id:)``, ``IndexError/zeroVector(id:)``.
    public func upsert(id: String, vector: [Float], category: String? = nil) throws {
        let unit = try validatedUnitVector(vector, id: id)
        lock.withWriteLock {
            if rowByID[id] == nil { ensureCapacityLocked(forRows: rowIDs.count + 1) }
            insertLocked(id: id, unit: unit, category: category)
        }
    }

    /// Upserts many vectors atomically: every item is validated before any is stored, so on error the index
    /// is unchanged. A repeated id within `items` behaves like consecutive upserts (the last one wins).
    public func upsert(_ items: [(id: String, vector: [Float], category: String?)]) throws {
        let units = try items.map { try validatedUnitVector($0.vector, id: $0.id) }
        lock.withWriteLock {
            let newIDs = Set(items.lazy.map(\.id).filter { self.rowByID[$0] == nil })
            ensureCapacityLocked(forRows: rowIDs.count + newIDs.count)
            for (item, unit) in zip(items, units) {
                insertLocked(id: item.id, unit: unit, category: item.category)
            }
        }
    }

    /// Removes the vector stored under `id`.
    /// - Returns: whether a vector was removed.
    @discardableResult
    public func delete(id: String) -> Bool {
        lock.withWriteLock {
            guard let removed = rowByID.removeValue(forKey: id), let matrix else { return false }
            let row = Int(removed)
            let last = rowIDs.count - 1
            if row != last {
                // Swap-remove: the last row fills the hole so rows stay contiguous.
                (matrix + row * dimension).update(from: matrix + last * dimension, count: dimension)
                let movedID = rowIDs[last]
                rowIDs[row] = movedID
                rowCategory[row] = rowCategory[last]
                rowByID[movedID] = removed
            }
            rowIDs.removeLast()
            rowCategory.removeLast()
            shrinkIfSparseLocked()
            return true
        }
    }

    /// Makes room for at least `rows` vectors so that building an index of known size allocates once.
    public func reserveCapacity(_ rows: Int) {
        lock.withWriteLock {
            if rows > rowCapacity { resizeLocked(toRows: rows) }
        }
    }

    /// Estimated heap bytes held by the index: matrix capacity, ids (including out-of-line string storage),
    /// the id → row map's buckets, per-row category codes and the category table.
    public var memoryFootprintBytes: Int {
        lock.withReadLock {
            let matrixBytes = rowCapacity * dimension * MemoryLayout<Float>.stride
            let idArrayBytes = rowIDs.capacity * MemoryLayout<String>.stride
            // Strings longer than 15 UTF-8 bytes live in a separate allocation (32-byte header + bytes + NUL),
            // shared between `rowIDs` and the map's keys.
            var idHeapBytes = 0
            for id in rowIDs { idHeapBytes += Self.outOfLineBytes(id) }
            let mapBytes = Self.dictionaryBytes(capacity: rowByID.capacity,
                                                entryBytes: MemoryLayout<String>.stride + MemoryLayout<Int32>.stride)
            let codeBytes = rowCategory.capacity * MemoryLayout<UInt32>.stride
            var categoryBytes = categoryNames.capacity * MemoryLayout<String>.stride
                + Self.dictionaryBytes(capacity: categoryCodes.capacity,
                                       entryBytes: MemoryLayout<String>.stride + MemoryLayout<UInt32>.stride)
            for name in categoryNames { categoryBytes += Self.outOfLineBytes(name) }
            return matrixBytes + idArrayBytes + idHeapBytes + mapBytes + codeBytes + categoryBytes
        }
    }

    // MARK: - Internals (callers hold the lock as named)

    func categoryName(code: UInt32) -> String? {
        code == 0 ? nil : categoryNames[Int(code) - 1]
    }

    /// Interns `category` and returns its code (0 for none). Writer lock held.
    private func internLocked(_ category: String?) -> UInt32 {
        guard let category else { return 0 }
        if let code = categoryCodes[category] { return code }
        categoryNames.append(category)
        let code = UInt32(categoryNames.count)
        categoryCodes[category] = code
        return code
    }

    /// Writes a validated unit vector; capacity for a new row must already be ensured. Writer lock held.
    private func insertLocked(id: String, unit: [Float], category: String?) {
        let code = internLocked(category)
        let row: Int
        if let existing = rowByID[id] {
            row = Int(existing)
            rowCategory[row] = code
        } else {
            row = rowIDs.count
            precondition(row < Int(Int32.max), "FlatIndex holds at most Int32.max rows")
            rowIDs.append(id)
            rowCategory.append(code)
            rowByID[id] = Int32(row)
        }
        unit.withUnsafeBufferPointer { src in
            (matrix! + row * dimension).update(from: src.baseAddress!, count: dimension)
        }
    }

    /// Grows storage in steps of 1/16 of the current capacity (at least 64 rows).
    ///
    /// Doubling would leave up to 2× the vector bytes allocated; 1/16 steps bound the slack at 6.25% so the
    /// whole index stays within 1.1× the raw vector bytes. Writer lock held.
    private func ensureCapacityLocked(forRows rows: Int) {
        guard rows > rowCapacity else { return }
        resizeLocked(toRows: max(rows, rowCapacity + max(rowCapacity / 16, 64)))
    }

    /// Returns memory after many deletes: once under half the capacity is used, shrink to count + 1/16.
    private func shrinkIfSparseLocked() {
        let n = rowIDs.count
        guard rowCapacity > 1024, n < rowCapacity / 2 else { return }
        resizeLocked(toRows: max(n + n / 16, 64))
        // Arrays and dictionaries never give memory back on removal; rebuild them at the new size.
        var ids: [String] = []
        ids.reserveCapacity(rowCapacity)
        ids.append(contentsOf: rowIDs)
        rowIDs = ids
        var codes: [UInt32] = []
        codes.reserveCapacity(rowCapacity)
        codes.append(contentsOf: rowCategory)
        rowCategory = codes
        var map: [String: Int32] = [:]
        map.reserveCapacity(n)
        for (row, id) in rowIDs.enumerated() { map[id] = Int32(row) }
        rowByID = map
    }

    /// Reallocates the matrix to exactly `rows` rows (≥ count) and reserves the per-row arrays to match.
    func resizeLocked(toRows rows: Int) {
        precondition(rows >= rowIDs.count)
        let (bytes, overflow) = rows.multipliedReportingOverflow(by: dimension * MemoryLayout<Float>.stride)
        precondition(!overflow, "FlatIndex capacity overflows")
        guard let grown = realloc(matrix, max(bytes, 1)) else {
            fatalError("FlatIndex: out of memory allocating \(bytes) bytes")
        }
        matrix = grown.assumingMemoryBound(to: Float.self)
        rowCapacity = rows
        if rows > rowIDs.capacity { rowIDs.reserveCapacity(rows) }
        if rows > rowCategory.capacity { rowCategory.reserveCapacity(rows) }
        if rows > rowByID.capacity { rowByID.reserveCapacity(rows) }
    }

    /// Checks a vector and returns it scaled to unit length (computed in Double so that huge or tiny
    /// finite components neither overflow nor underflow the norm).
    func validatedUnitVector(_ vector: [Float], id: String) throws -> [Float] {
        if id.isEmpty { throw IndexError.emptyID }
        guard vector.count == dimension else {
            throw IndexError.dimensionMismatch(expected: dimension, got: vector.count)
        }
        var sumOfSquares = 0.0
        for x in vector {
            guard x.isFinite else { throw IndexError.nonFiniteValue(id: id) }
            sumOfSquares += Double(x) * Double(x)
        }
        guard sumOfSquares > 0 else { throw IndexError.zeroVector(id: id) }
        let inverseNorm = 1.0 / sumOfSquares.squareRoot()
        return vector.map { Float(Double($0) * inverseNorm) }
    }

    private static func outOfLineBytes(_ s: String) -> Int {
        let n = s.utf8.count
        return n <= 15 ? 0 : (32 + n + 1 + 15) & ~15
    }

    /// Native Dictionary storage: a power-of-two bucket count at ≤ 75% load, one bit per bucket of occupancy
    /// bitmap, plus keys and values.
    private static func dictionaryBytes(capacity: Int, entryBytes: Int) -> Int {
        guard capacity > 0 else { return 0 }
        var buckets = 1
        while buckets * 3 / 4 < capacity { buckets <<= 1 }
        return buckets * entryBytes + buckets / 8
    }
}
