/// Longest-prefix lookup of vocabulary entries by their exact UTF-8 bytes.
///
/// Why not `[String: Int32]`: Swift `String` equality is canonical equivalence, so the decomposed Hangul
/// jamo sequence "가" would equal the precomposed syllable "가", while WordPiece (a Python dict in the
/// reference) compares code points exactly. A byte trie also turns WordPiece's greedy longest-match-first
/// into one walk per piece instead of one dictionary probe per candidate length.
///
/// Layout: nodes are numbered in depth-first order; each node's outgoing edges are contiguous in
/// `edgeBytes`/`edgeTargets`, sorted by byte. The root's edges are also kept as a 256-entry table.
struct VocabularyTrie: Sendable {
    /// Child of the root for each first byte, or -1.
    private var rootChildren: [Int32]
    /// Per node: first index into `edgeBytes`/`edgeTargets`, and how many edges follow.
    private var edgeStart: [Int32]
    private var edgeCount: [Int32]
    private var edgeBytes: [UInt8]
    private var edgeTargets: [Int32]
    /// Per node: the id of the entry that ends here, or -1.
    private var entryIDs: [Int32]

    /// - Parameter entries: byte strings and their ids. Empty strings are ignored (WordPiece never looks up
    ///   an empty piece). When a byte string repeats, the largest id wins, as when Python builds its vocab
    ///   dict line by line.
    init(entries: [(bytes: [UInt8], id: Int32)]) {
        // Sort by bytes, then id, and keep the last of each run of equal byte strings.
        let sorted = entries.filter { !$0.bytes.isEmpty }.sorted { a, b in
            a.bytes == b.bytes ? a.id < b.id : a.bytes.lexicographicallyPrecedes(b.bytes)
        }
        var keys: [[UInt8]] = []
        var ids: [Int32] = []
        keys.reserveCapacity(sorted.count)
        ids.reserveCapacity(sorted.count)
        for entry in sorted {
            if let last = keys.last, last == entry.bytes {
                ids[ids.count - 1] = entry.id
            } else {
                keys.append(entry.bytes)
                ids.append(entry.id)
            }
        }

        var builder = Builder(keys: keys, ids: ids)
        _ = builder.makeNode(keys.indices, depth: 0)

        rootChildren = Array(repeating: -1, count: 256)
        let rootStart = Int(builder.edgeStart[0])
        for edge in rootStart..<(rootStart + Int(builder.edgeCount[0])) {
            rootChildren[Int(builder.edgeBytes[edge])] = builder.edgeTargets[edge]
        }
        edgeStart = builder.edgeStart
        edgeCount = builder.edgeCount
        edgeBytes = builder.edgeBytes
        edgeTargets = builder.edgeTargets
        entryIDs = builder.entryIDs
    }

    /// The longest entry that `bytes[start...]` begins with.
    /// - Returns: the byte offset just past the match and the entry's id, or nil if no entry matches.
    func longestMatch(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (end: Int, id: Int32)? {
        guard start < bytes.count else { return nil }
        var best: (end: Int, id: Int32)?
        var node = rootChildren[Int(bytes[start])]
        var position = start + 1
        while node >= 0 {
            let id = entryIDs[Int(node)]
            if id >= 0 { best = (position, id) }
            guard position < bytes.count else { break }
            node = child(of: Int(node), byte: bytes[position])
            position += 1
        }
        return best
    }

    private func child(of node: Int, byte: UInt8) -> Int32 {
        var low = Int(edgeStart[node])
        var high = low + Int(edgeCount[node])
        while low < high {
            let middle = (low + high) >> 1
            let candidate = edgeBytes[middle]
            if candidate == byte { return edgeTargets[middle] }
            if candidate < byte { low = middle + 1 } else { high = middle }
        }
        return -1
    }

    /// Builds the node arrays from sorted, unique keys.
    private struct Builder {
        let keys: [[UInt8]]
        let ids: [Int32]
        var edgeStart: [Int32] = []
        var edgeCount: [Int32] = []
        var edgeBytes: [UInt8] = []
        var edgeTargets: [Int32] = []
        var entryIDs: [Int32] = []

        init(keys: [[UInt8]], ids: [Int32]) {
            self.keys = keys
            self.ids = ids
        }

        /// Makes the node for `keys[range]`, which all share their first `depth` bytes.
        /// Recursion depth is bounded by the longest entry in bytes.
        mutating func makeNode(_ range: Range<Int>, depth: Int) -> Int32 {
            let node = Int32(entryIDs.count)
            entryIDs.append(-1)
            edgeStart.append(0)
            edgeCount.append(0)

            var lower = range.lowerBound
            // Keys are sorted, so the one that ends at this depth (if any) comes first.
            if lower < range.upperBound, keys[lower].count == depth {
                entryIDs[Int(node)] = ids[lower]
                lower += 1
            }
            var children: [(byte: UInt8, node: Int32)] = []
            while lower < range.upperBound {
                let byte = keys[lower][depth]
                var upper = lower + 1
                while upper < range.upperBound, keys[upper][depth] == byte { upper += 1 }
                children.append((byte, makeNode(lower..<upper, depth: depth + 1)))
                lower = upper
            }
            edgeStart[Int(node)] = Int32(edgeBytes.count)
            edgeCount[Int(node)] = Int32(children.count)
            for child in children {
                edgeBytes.append(child.byte)
                edgeTargets.append(child.node)
            }
            return node
        }
    }
}
