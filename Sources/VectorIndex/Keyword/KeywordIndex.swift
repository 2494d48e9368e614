/// An in-memory BM25 index over short documents (knowledge chunks), with the statistics of its own documents
/// only: one index per business means one business's documents never change another's scores.
///
/// Scores are FTS5's `bm25()` with k1 = 1.2, b = 0.75 (negated, so higher is better):
/// `Σ_t idf(t) · f(t,D)·(k1+1) / (f(t,D) + k1·(1 − b + b·|D|/avgdl))`, `idf(t) = ln((N − n(t) + 0.5) / (n(t) + 0.5))`
/// clamped to 1e-6 when not positive, where N is the number of documents, n(t) those containing t, |D| the
/// document's token count and avgdl the mean of |D|. Terms come from `KeywordTokenizer`, as FTS5's
/// `porter unicode61 remove_diacritics 2` would cut them.
///
/// Storage: a term dictionary (term → id) with one posting list (document slot, term frequency) per term, and
/// per document slot its id, length, category code and distinct term ids (so removing a document touches only its
/// own terms' lists). A removed document's slot, and a term id whose list empties, are reused.
///
/// Thread-safe like `FlatIndex`: searches share a reader lock; upserts and removals take the writer lock, after
/// tokenising outside it.
public final class KeywordIndex: @unchecked Sendable {
    /// BM25 term-frequency saturation (FTS5's value).
    public static let k1 = 1.2
    /// BM25 length normalisation (FTS5's value).
    public static let b = 0.75

    /// One ranked document.
    public struct Hit: Sendable, Equatable {
        /// The id the document was added under.
        public let id: Int64
        /// BM25 score, > 0; higher is better.
        public let score: Double

        public init(id: Int64, score: Double) {
            self.id = id
            self.score = score
        }
    }

    /// A document cut into terms, ready to be stored.
    struct TokenizedDocument {
        let id: Int64
        let category: String?
        /// Distinct terms with their frequencies.
        let frequencies: [(term: String, count: Int32)]
        /// Token count.
        let length: Int32

        init(id: Int64, text: String, category: String?) {
            self.id = id
            self.category = category
            var counts: [String: Int32] = [:]
            var length: Int32 = 0
            KeywordTokenizer.forEachToken(text) { token in
                KeywordTokenizer.stemIfEligible(&token)
                counts[String(decoding: token, as: UTF8.self), default: 0] += 1
                length += 1
            }
            frequencies = counts.map { (term: $0.key, count: $0.value) }
            self.length = length
        }
    }

    struct Posting {
        var slot: Int32
        var frequency: Int32
    }

    let lock = ReadWriteLock()

    // MARK: Storage — read under `lock.withReadLock`, written under `lock.withWriteLock`.

    /// Term → term id.
    var termIDs: [String: Int32] = [:]
    /// Term id → postings; empty for a free id.
    var postings: [[Posting]] = []
    /// Term id → term, to drop it from `termIDs` when its list empties.
    var termNames: [String] = []
    var freeTermIDs: [Int32] = []

    /// Slot → document id (meaningless for a free slot).
    var slotIDs: [Int64] = []
    /// Slot → token count.
    var slotLength: [Int32] = []
    /// Slot → category code: 0 = none, `c` = `categoryNames[c - 1]`.
    var slotCategory: [UInt32] = []
    /// Slot → its distinct term ids.
    var slotTerms: [[Int32]] = []
    var freeSlots: [Int32] = []
    /// Document id → slot.
    var slotByID: [Int64: Int32] = [:]
    /// Sum of the live documents' lengths.
    var totalLength = 0

    var categoryNames: [String] = []
    var categoryCodes: [String: UInt32] = [:]

    /// Creates an empty index.
    public init() {}

    /// Number of documents stored.
    public var count: Int {
        lock.withReadLock { slotByID.count }
    }

    /// Ids of all stored documents, ascending.
    public var ids: [Int64] {
        lock.withReadLock { slotByID.keys.sorted() }
    }

    /// Whether a document is stored under `id`.
    public func contains(id: Int64) -> Bool {
        lock.withReadLock { slotByID[id] != nil }
    }

    /// Number of distinct terms.
    public var termCount: Int {
        lock.withReadLock { termIDs.count }
    }

    /// Total tokens of all documents (BM25's avgdl is this over `count`).
    public var tokenCount: Int {
        lock.withReadLock { totalLength }
    }

    /// How many documents contain `term` (a stem, as `KeywordTokenizer.terms` returns it).
    public func documentFrequency(of term: String) -> Int {
        lock.withReadLock { termIDs[term].map { postings[Int($0)].count } ?? 0 }
    }

    /// Adds a document, or replaces the text and category stored under `id`.
    /// - Parameters:
    ///   - text: indexed as `KeywordTokenizer` cuts it; a text without terms still counts as a document.
    ///   - category: optional label a search can filter on.
    public func upsert(id: Int64, text: String, category: String? = nil) {
        let document = TokenizedDocument(id: id, text: text, category: category)
        lock.withWriteLock { insertLocked(document) }
    }

    /// Upserts many documents under one writer lock (a repeated id: the last one wins).
    public func upsert(_ documents: [(id: Int64, text: String, category: String?)]) {
        let tokenized = documents.map { TokenizedDocument(id: $0.id, text: $0.text, category: $0.category) }
        lock.withWriteLock {
            for document in tokenized { insertLocked(document) }
        }
    }

    /// Removes the document stored under `id`.
    /// - Returns: whether one was removed.
    @discardableResult
    public func remove(id: Int64) -> Bool {
        lock.withWriteLock { removeLocked(id: id) }
    }

    // MARK: - Internals (writer lock held)

    private func insertLocked(_ document: TokenizedDocument) {
        removeLocked(id: document.id)
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
        } else {
            precondition(slotIDs.count < Int(Int32.max), "KeywordIndex holds at most Int32.max documents")
            slot = Int32(slotIDs.count)
            slotIDs.append(0)
            slotLength.append(0)
            slotCategory.append(0)
            slotTerms.append([])
        }
        let index = Int(slot)
        slotIDs[index] = document.id
        slotLength[index] = document.length
        slotCategory[index] = internLocked(document.category)
        var terms: [Int32] = []
        terms.reserveCapacity(document.frequencies.count)
        for (term, count) in document.frequencies {
            let termID = termIDLocked(for: term)
            postings[Int(termID)].append(Posting(slot: slot, frequency: count))
            terms.append(termID)
        }
        slotTerms[index] = terms
        slotByID[document.id] = slot
        totalLength += Int(document.length)
    }

    @discardableResult
    private func removeLocked(id: Int64) -> Bool {
        guard let slot = slotByID.removeValue(forKey: id) else { return false }
        let index = Int(slot)
        for termID in slotTerms[index] {
            let t = Int(termID)
            // Swap-remove this document's posting; order within a list does not matter to scoring.
            if let position = postings[t].firstIndex(where: { $0.slot == slot }) {
                postings[t].swapAt(position, postings[t].count - 1)
                postings[t].removeLast()
            }
            if postings[t].isEmpty {
                termIDs.removeValue(forKey: termNames[t])
                termNames[t] = ""
                postings[t] = []
                freeTermIDs.append(termID)
            }
        }
        totalLength -= Int(slotLength[index])
        slotTerms[index] = []
        slotLength[index] = 0
        slotCategory[index] = 0
        freeSlots.append(slot)
        return true
    }

    private func termIDLocked(for term: String) -> Int32 {
        if let existing = termIDs[term] { return existing }
        let termID: Int32
        if let free = freeTermIDs.popLast() {
            termID = free
            termNames[Int(free)] = term
        } else {
            termID = Int32(postings.count)
            postings.append([])
            termNames.append(term)
        }
        termIDs[term] = termID
        return termID
    }

    /// Interns `category` and returns its code (0 for none). Codes are never reused.
    private func internLocked(_ category: String?) -> UInt32 {
        guard let category else { return 0 }
        if let code = categoryCodes[category] { return code }
        categoryNames.append(category)
        let code = UInt32(categoryNames.count)
        categoryCodes[category] = code
        return code
    }
}
