import COpenBLAS

/// Cache prefetch hints: start loading memory that will be read soon, without waiting for it.
public enum Prefetch {
    /// Bytes per cache line on the machines this targets (x86-64 and ARM64).
    public static let lineSize = 64

    /// Asks the CPU to bring the `count` bytes at `address` into the caches for reading; a hint
    /// only, with no effect on results.
    @inlinable
    public static func read(_ address: UnsafeRawPointer, count: Int) {
        for offset in stride(from: 0, to: count, by: lineSize) { mnemo_prefetch_read(address + offset) }
    }
}
