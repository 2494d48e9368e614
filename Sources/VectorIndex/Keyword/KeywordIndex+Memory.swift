extension KeywordIndex {
    /// Estimated heap bytes held by the index: posting lists and per-document term lists at their capacities
    /// (each array with its 32-byte header), the term and id dictionaries' buckets, out-of-line term strings,
    /// and the per-slot arrays.
    public var memoryFootprintBytes: Int {
        lock.withReadLock {
            let arrayHeader = 32
            var bytes = 0
            for list in postings { bytes += arrayHeader + list.capacity * MemoryLayout<Posting>.stride }
            for terms in slotTerms { bytes += arrayHeader + terms.capacity * MemoryLayout<Int32>.stride }
            bytes += postings.capacity * MemoryLayout<[Posting]>.stride
            bytes += slotTerms.capacity * MemoryLayout<[Int32]>.stride
            bytes += termNames.capacity * MemoryLayout<String>.stride
            for term in termNames { bytes += HeapEstimate.outOfLineBytes(term) }
            bytes += HeapEstimate.dictionaryBytes(
                capacity: termIDs.capacity, entryBytes: MemoryLayout<String>.stride + MemoryLayout<Int32>.stride)
            bytes += HeapEstimate.dictionaryBytes(
                capacity: slotByID.capacity, entryBytes: MemoryLayout<Int64>.stride + MemoryLayout<Int32>.stride)
            bytes += slotIDs.capacity * MemoryLayout<Int64>.stride
            bytes += slotLength.capacity * MemoryLayout<Int32>.stride
            bytes += slotCategory.capacity * MemoryLayout<UInt32>.stride
            bytes += (freeSlots.capacity + freeTermIDs.capacity) * MemoryLayout<Int32>.stride
            bytes += categoryNames.capacity * MemoryLayout<String>.stride
            for name in categoryNames { bytes += HeapEstimate.outOfLineBytes(name) }
            bytes += HeapEstimate.dictionaryBytes(
                capacity: categoryCodes.capacity, entryBytes: MemoryLayout<String>.stride + MemoryLayout<UInt32>.stride)
            return bytes
        }
    }
}

/// Rough sizes of Swift's native collections on the heap (64-bit).
enum HeapEstimate {
    /// A String longer than 15 UTF-8 bytes lives in its own allocation (32-byte header, bytes, NUL, 16-aligned).
    static func outOfLineBytes(_ s: String) -> Int {
        let n = s.utf8.count
        return n <= 15 ? 0 : (32 + n + 1 + 15) & ~15
    }

    /// Native Dictionary storage: a power-of-two bucket count at ≤ 75% load, one bit per bucket of occupancy
    /// bitmap, plus keys and values.
    static func dictionaryBytes(capacity: Int, entryBytes: Int) -> Int {
        guard capacity > 0 else { return 0 }
        var buckets = 1
        while buckets * 3 / 4 < capacity { buckets <<= 1 }
        return buckets * entryBytes + buckets / 8
    }
}
