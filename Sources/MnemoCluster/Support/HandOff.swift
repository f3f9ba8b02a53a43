import Foundation

/// Items handed from a background thread to a loop: `put` on the thread, `take` (all of them, oldest
/// first) on the loop. Lock-guarded (`@unchecked Sendable`): an item is touched by one side at a time.
final class HandOff<Item>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Item] = []

    func put(_ item: Item) {
        lock.withLock { items.append(item) }
    }

    func put(contentsOf more: [Item]) {
        lock.withLock { items += more }
    }

    func take() -> [Item] {
        lock.withLock {
            defer { items = [] }
            return items
        }
    }
}
