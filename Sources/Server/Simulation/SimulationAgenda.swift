import Foundation

/// A simulated world's own happenings in time order (a binary heap; equal times in the order added).
struct SimulationAgenda<Happening> {
    private struct Entry {
        var at: Date
        var order: Int
        var happening: Happening
        func precedes(_ other: Entry) -> Bool { (at, order) < (other.at, other.order) }
    }

    private var heap: [Entry] = []
    private var counter = 0

    var nextTime: Date? { heap.first?.at }

    /// At `at` to the millisecond: the database keeps times to the millisecond, so the clock never holds a time
    /// that a stored one could not equal.
    mutating func add(_ happening: Happening, at: Date) {
        counter += 1
        let at = Date(timeIntervalSince1970: (at.timeIntervalSince1970 * 1000).rounded() / 1000)
        heap.append(Entry(at: at, order: counter, happening: happening))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// The earliest happening if it is due by `now`.
    mutating func next(dueBy now: Date) -> Happening? {
        guard let first = heap.first, first.at <= now else { return nil }
        heap.swapAt(0, heap.count - 1)
        heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].precedes(heap[smallest]) { smallest = left }
            if right < heap.count, heap[right].precedes(heap[smallest]) { smallest = right }
            if smallest == parent { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return first.happening
    }
}
