#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A fork-join team for the many short parallel steps of one small forward pass (two dozen products of
/// ~0.1 ms each per call): its threads spin between steps instead of sleeping, because waking a parked
/// `concurrentPerform` worker costs tens of microseconds per step. The team lives for one `embed` call.
///
/// Spinning yields the CPU after a while, so a team left idle by a slow caller does not starve other work.
final class WorkerTeam: @unchecked Sendable {
    let size: Int
    private let spin: AnyObject?  // SpinState where available (its atomics need macOS 15)

    /// A team of `size` threads: the caller plus `size − 1` helpers.
    init(size: Int) {
        self.size = max(1, size)
        if #available(macOS 15, *), self.size > 1 {
            spin = SpinState(size: self.size)
        } else {
            spin = nil
        }
    }

    /// Runs `body(0 ..< size)` concurrently, `body(0)` on the caller; returns when all are done.
    func run(_ body: (Int) -> Void) {
        guard size > 1 else { return body(0) }
        if #available(macOS 15, *), let spin = spin as? SpinState {
            spin.run(body)
        } else {
            for index in 0..<size { body(index) }  // no atomics before macOS 15: run the parts in turn
        }
    }

    deinit {
        if #available(macOS 15, *) { (spin as? SpinState)?.stop() }
    }
}

/// The spinning helpers. `job` is written by the caller before `generation` is bumped with release ordering
/// and read by helpers after they observe the bump with acquire ordering, so it needs no lock.
@available(macOS 15, *)
private final class SpinState: @unchecked Sendable {
    private let generation = Atomic<Int>(0)
    private let remaining = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private var job: (Int) -> Void = { _ in }
    private var threads: [pthread_t] = []
    private var missing: [Int] = []  // indices whose thread could not be created: the caller runs them

    private final class Start {
        let state: SpinState
        let index: Int
        init(_ state: SpinState, _ index: Int) { (self.state, self.index) = (state, index) }
    }

    init(size: Int) {
        for index in 1..<size {
            let start = Unmanaged.passRetained(Start(self, index)).toOpaque()
            var thread = pthread_t()
            let created = pthread_create(&thread, nil, { raw in
                let start = Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue()
                start.state.helperLoop(index: start.index)
                return nil
            }, start)
            if created == 0 {
                threads.append(thread)
            } else {
                Unmanaged<Start>.fromOpaque(start).release()
                missing.append(index)
            }
        }
    }

    func run(_ body: (Int) -> Void) {
        let helpers = threads.count
        withoutActuallyEscaping(body) { body in
            job = body
            remaining.store(helpers, ordering: .relaxed)
            generation.add(1, ordering: .releasing)
            body(0)
            for index in missing { body(index) }
            var spins = 0
            while remaining.load(ordering: .acquiring) > 0 { backOff(&spins) }
            job = { _ in }
        }
    }

    func stop() {
        stopping.store(true, ordering: .releasing)
        for thread in threads { pthread_join(thread, nil) }
    }

    private func helperLoop(index: Int) {
        var seen = 0
        while true {
            var spins = 0
            var current = generation.load(ordering: .acquiring)
            while current == seen {
                if stopping.load(ordering: .acquiring) { return }
                backOff(&spins)
                current = generation.load(ordering: .acquiring)
            }
            seen = current
            job(index)
            remaining.subtract(1, ordering: .releasing)
        }
    }

    /// Busy-waits at first, then yields the CPU between checks.
    @inline(__always) private func backOff(_ spins: inout Int) {
        spins += 1
        if spins > 20_000 { sched_yield() }
    }
}
