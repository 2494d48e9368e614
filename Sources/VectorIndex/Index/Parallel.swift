import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Online CPU cores, read once.
let onlineCores: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

/// Runs `body(0) … body(iterations - 1)` in parallel and returns when all are done.
///
/// `body` is not `@Sendable`: the callers pass closures that write through unsafe pointers into disjoint
/// slices (one heap per iteration, one range of queries per iteration), which the compiler cannot prove
/// race-free but is by construction. `concurrentPerform` does not return before every iteration has, so the
/// closure never outlives this call.
func concurrently(_ iterations: Int, _ body: (Int) -> Void) {
    if iterations == 1 {
        body(0)
        return
    }
    withoutActuallyEscaping(body) { body in
        let box = UncheckedSendableBox(body)
        DispatchQueue.concurrentPerform(iterations: iterations) { box.value($0) }
    }
}

/// Runs `body` on `chunks` contiguous, near-equal slices of `range`, in parallel when there is more than one.
func parallelFor(chunks: Int, over range: Range<Int>, _ body: (Range<Int>) -> Void) {
    let n = range.count
    let c = max(1, min(chunks, n))
    concurrently(c) { i in
        body(range.lowerBound + n * i / c ..< range.lowerBound + n * (i + 1) / c)
    }
}

private struct UncheckedSendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
