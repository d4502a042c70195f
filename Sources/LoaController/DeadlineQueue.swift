/// The streams of one pacer thread in the order their next packets fall due: a binary min-heap of
/// (deadline, stream) pairs.
///
/// Contract:
/// - `push` and `popDue` cost O(log n); nothing is scanned per wake-up, so a thread's cost per packet does not
///   grow with the number of zones it paces.
/// - An entry is a promise that may have gone stale (the stream was cut, or restarted at another instant): the
///   owner checks each popped entry against the stream's own deadline and drops those that no longer match.
/// - Storage is reserved up front for `capacity` entries; within it nothing allocates.
package struct DeadlineQueue {
    package struct Entry: Equatable {
        package var deadline: UInt64
        package var stream: Int

        package init(deadline: UInt64, stream: Int) {
            self.deadline = deadline
            self.stream = stream
        }
    }

    private var heap: [Entry] = []

    package init(capacity: Int) { heap.reserveCapacity(capacity) }

    package var isEmpty: Bool { heap.isEmpty }
    package var count: Int { heap.count }

    /// The earliest deadline queued, if any.
    package var earliest: UInt64? { heap.first?.deadline }

    package mutating func push(_ deadline: UInt64, stream: Int) {
        heap.append(Entry(deadline: deadline, stream: stream))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest entry if it is due at or before `now`.
    package mutating func popDue(now: UInt64) -> Entry? {
        guard let first = heap.first, first.deadline <= now else { return nil }
        let last = heap.removeLast()
        guard !heap.isEmpty else { return first }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { break }
            let right = left + 1
            let smaller = right < heap.count && heap[right].deadline < heap[left].deadline ? right : left
            guard heap[smaller].deadline < heap[parent].deadline else { break }
            heap.swapAt(smaller, parent)
            parent = smaller
        }
        return first
    }
}
