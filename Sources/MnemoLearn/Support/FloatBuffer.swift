/// A fixed-size block of floats, zero-initialised and owned by one training or evaluation run.
///
/// The hot loop works on raw pointers into these blocks: no array copy-on-write checks, no
/// exclusivity checks and no allocation after construction.
final class FloatBuffer {
    /// Number of floats.
    let count: Int
    /// The first float; valid for the buffer's lifetime.
    let pointer: UnsafeMutablePointer<Float>

    /// `count` zeros.
    init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: count)
    }

    /// A copy of `values`.
    convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit {
        pointer.deinitialize(count: count)
        pointer.deallocate()
    }

    /// The contents as an array.
    var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}
