extension FlatIndex {
    /// Id reported in errors about a query vector.
    static let queryID = "<query>"
    /// A single-query SIMD scan is split across cores above this many stored floats (4 MiB): below it the
    /// dispatch costs more than the second core saves.
    static let parallelScanFloats = 1 << 20
    /// Batches smaller than this are answered one query at a time: a batch kernel only beats the
    /// memory-bound scan once each row it loads (and, for the tiled kernel, packs) serves several queries.
    /// Measured at 100k × 384: 2 queries ≈ break-even, 4 queries 8 ms tiled vs 14 ms one by one.
    static let batchMinQueries = 3
    /// Rows and queries per `cblas_sgemm` block (``BatchKernel/sgemm``); the score block is at most
    /// 1024 × 2048 × 4 B = 8 MiB.
    static let sgemmBlockRows = 2048
    static let sgemmBlockQueries = 1024

    /// The `k` stored vectors most similar (cosine) to `query`.
    ///
    /// - Parameters:
    ///   - query: `dimension` finite values, not all zero; normalised before scoring.
    ///   - k: number of hits wanted, > 0. With fewer (matching) rows, all of them are returned.
    ///   - filter: if set, only rows whose category is in the filter are considered.
    ///   - kernel: inner loop to use; both give the same hits, scores agree to ~1e-6.
    /// - Returns: hits ordered by score descending, ties by id ascending.
    public func search(_ query: [Float], k: Int, filter: SearchFilter? = nil,
                       kernel: ScanKernel = .simd) throws -> [SearchHit] {
        guard k > 0 else { throw IndexError.invalidK(k) }
        let q = try validatedUnitVector(query, id: Self.queryID)
        return lock.withReadLock {
            withScanTarget(filter: filter) { target -> [SearchHit] in
                guard let target else { return [] }
                let heap = q.withUnsafeBufferPointer { scanOne(target, query: $0.baseAddress!, k: k, kernel: kernel) }
                return hits(from: heap, target)
            }
        }
    }

    /// Answers many queries at once with a compute-bound kernel: every row loaded from memory is scored
    /// against many queries, then offered to one heap per query.
    ///
    /// Same contract as ``search(_:k:filter:kernel:)`` for each query; scores may differ from the
    /// single-query kernel in the last bits because the sum is ordered differently.
    /// - Parameter kernel: `.simd` (default) is the register-tiled Swift kernel; `.sgemm` uses
    ///   `cblas_sgemm` on 1024-query × 2048-row blocks. At 100k × 384, 1000 queries, 2 cores:
    ///   ~5,000 queries/s vs ~1,400–2,300 for OpenBLAS 0.3.21 (which runs its AVX2 kernels on this CPU).
    public func search(batch queries: [[Float]], k: Int, filter: SearchFilter? = nil,
                       kernel: BatchKernel = .simd) throws -> [[SearchHit]] {
        guard k > 0 else { throw IndexError.invalidK(k) }
        guard !queries.isEmpty else { return [] }
        // Padded with zero queries to a whole number of micro-tiles; their scores are never offered.
        let tiles = ScanKernels.tiledQueries
        let paddedCount = (queries.count + tiles - 1) / tiles * tiles
        var flat: [Float] = []
        flat.reserveCapacity(paddedCount * dimension)
        for query in queries { flat += try validatedUnitVector(query, id: Self.queryID) }
        flat += repeatElement(0, count: (paddedCount - queries.count) * dimension)
        return lock.withReadLock {
            withScanTarget(filter: filter) { target -> [[SearchHit]] in
                guard let target else { return Array(repeating: [], count: queries.count) }
                return flat.withUnsafeBufferPointer { qs in
                    let d = dimension
                    if queries.count < Self.batchMinQueries {
                        return (0..<queries.count).map { i in
                            hits(from: scanOne(target, query: qs.baseAddress! + i * d, k: k, kernel: .simd), target)
                        }
                    }
                    let heaps = kernel == .simd
                        ? scanBatchTiled(target, queries: qs.baseAddress!, queryCount: queries.count,
                                         paddedCount: paddedCount, k: k)
                        : scanBatchSGEMM(target, queries: qs.baseAddress!, queryCount: queries.count, k: k)
                    return heaps.map { hits(from: $0, target) }
                }
            }
        }
    }

    /// Reference implementation: scores every row with a plain loop and sorts them all. Slow; for tests and
    /// for checking the fast kernels.
    public func bruteForceSearch(_ query: [Float], k: Int, filter: SearchFilter? = nil) throws -> [SearchHit] {
        guard k > 0 else { throw IndexError.invalidK(k) }
        let q = try validatedUnitVector(query, id: Self.queryID)
        return lock.withReadLock {
            let d = dimension
            var scored: [(score: Float, row: Int)] = []
            for row in 0..<rowIDs.count {
                let code = rowCategory[row]
                if let filter {
                    guard let name = categoryName(code: code), filter.categories.contains(name) else { continue }
                }
                var score: Float = 0
                for j in 0..<d { score += q[j] * matrix![row * d + j] }
                scored.append((score, row))
            }
            scored.sort { $0.score != $1.score ? $0.score > $1.score : rowIDs[$0.row] < rowIDs[$1.row] }
            return scored.prefix(k).map {
                SearchHit(id: rowIDs[$0.row], score: $0.score, category: categoryName(code: rowCategory[$0.row]))
            }
        }
    }

    // MARK: - Internals (reader lock held)

    /// Calls `body` with a view of the storage, or with `nil` when no row can match (empty index, or a filter
    /// naming no known category).
    private func withScanTarget<T>(filter: SearchFilter?, _ body: (ScanTarget?) -> T) -> T {
        guard let matrix, !rowIDs.isEmpty else { return body(nil) }
        var allowed: [Bool]? = nil
        if let filter {
            var mask = [Bool](repeating: false, count: categoryNames.count + 1)
            for name in filter.categories {
                if let code = categoryCodes[name] { mask[Int(code)] = true }
            }
            guard mask.contains(true) else { return body(nil) }
            allowed = mask
        }
        return rowIDs.withUnsafeBufferPointer { ids in
            rowCategory.withUnsafeBufferPointer { codes in
                func run(_ mask: UnsafeBufferPointer<Bool>?) -> T {
                    body(ScanTarget(matrix: matrix, dimension: dimension, count: ids.count,
                                    ids: ids, codes: codes, allowed: mask))
                }
                if let allowed { return allowed.withUnsafeBufferPointer { run($0) } }
                return run(nil)
            }
        }
    }

    /// One query over all rows with the chosen kernel. The SIMD scan splits rows across cores when the
    /// matrix is large; sgemv is left to OpenBLAS's own threading.
    private func scanOne(_ t: ScanTarget, query: UnsafePointer<Float>, k: Int, kernel: ScanKernel) -> TopKHeap {
        let threads = kernel == .simd && t.count * t.dimension >= Self.parallelScanFloats ? onlineCores : 1
        let scan = kernel == .simd ? ScanKernels.scanSIMD : ScanKernels.scanSGEMV
        if threads == 1 {
            var heap = TopKHeap(k: k)
            scan(t, query, 0..<t.count, &heap)
            return heap
        }
        let heaps = UnsafeMutableBufferPointer<TopKHeap>.allocate(capacity: threads)
        for i in 0..<threads { (heaps.baseAddress! + i).initialize(to: TopKHeap(k: k)) }
        defer {
            heaps.baseAddress!.deinitialize(count: threads)
            heaps.deallocate()
        }
        concurrently(threads) { i in
            // Slice boundaries on multiples of 4 rows keep every slice on the 4-row fast path.
            let lo = (t.count * i / threads) & ~3
            let hi = i == threads - 1 ? t.count : (t.count * (i + 1) / threads) & ~3
            scan(t, query, lo..<hi, &heaps[i])
        }
        var merged = heaps[0]
        for i in 1..<threads { merged.merge(heaps[i], ids: t.ids) }
        return merged
    }

    private func scanBatchTiled(_ t: ScanTarget, queries: UnsafePointer<Float>, queryCount: Int, paddedCount: Int,
                                k: Int) -> [TopKHeap] {
        let threads = min(onlineCores, (t.count + ScanKernels.tiledBlockRows - 1) / ScanKernels.tiledBlockRows)
        let heaps = UnsafeMutableBufferPointer<TopKHeap>.allocate(capacity: threads * queryCount)
        for i in heaps.indices { (heaps.baseAddress! + i).initialize(to: TopKHeap(k: k)) }
        defer {
            heaps.baseAddress!.deinitialize(count: heaps.count)
            heaps.deallocate()
        }
        ScanKernels.scanTiled(t, queries: queries, queryCount: queryCount, paddedQueryCount: paddedCount,
                              heaps: heaps, threads: threads)
        return (0..<queryCount).map { q in
            var merged = heaps[q]
            for thread in 1..<threads { merged.merge(heaps[thread * queryCount + q], ids: t.ids) }
            return merged
        }
    }

    private func scanBatchSGEMM(_ t: ScanTarget, queries: UnsafePointer<Float>, queryCount: Int, k: Int) -> [TopKHeap] {
        let heaps = UnsafeMutableBufferPointer<TopKHeap>.allocate(capacity: queryCount)
        for i in 0..<queryCount { (heaps.baseAddress! + i).initialize(to: TopKHeap(k: k)) }
        defer {
            heaps.baseAddress!.deinitialize(count: queryCount)
            heaps.deallocate()
        }
        let blockQueries = min(Self.sgemmBlockQueries, queryCount)
        let blockRows = min(Self.sgemmBlockRows, t.count)
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: blockQueries * blockRows)
        defer { scores.deallocate() }
        for q0 in stride(from: 0, to: queryCount, by: blockQueries) {
            let qn = min(blockQueries, queryCount - q0)
            for r0 in stride(from: 0, to: t.count, by: blockRows) {
                ScanKernels.scanSGEMMBlock(t, queries: queries + q0 * t.dimension, queryCount: qn,
                                           rowStart: r0, rowCount: min(blockRows, t.count - r0), scores: scores,
                                           heaps: UnsafeMutableBufferPointer(rebasing: heaps[q0 ..< q0 + qn]),
                                           threads: onlineCores)
            }
        }
        return Array(heaps)
    }

    private func hits(from heap: TopKHeap, _ t: ScanTarget) -> [SearchHit] {
        heap.sorted(ids: t.ids).map { hit in
            let row = Int(hit.row)
            return SearchHit(id: t.ids[row], score: hit.score, category: categoryName(code: t.codes[row]))
        }
    }
}
