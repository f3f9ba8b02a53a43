import Foundation

/// Transparent huge pages for large feature matrices.
///
/// Training gathers randomly chosen rows of the whole dataset every batch; with 4 KiB pages nearly
/// every row costs a TLB miss, and the gather is bound by memory latency (backing the rows with
/// 2 MiB pages made a shuffled gather of Fashion-MNIST rows ~30% faster on the benchmark machine).
/// Linux honours the advice when transparent huge pages are in `madvise` or `always` mode; it has
/// no effect on the values.
enum HugePages {
    /// The huge page size on x86-64 and most ARM64 kernels.
    static let size = 2 << 20

    /// Advises huge pages for the whole 2 MiB pages inside `buffer`; call it before the memory is
    /// first written, since pages already in place are only merged later by the kernel.
    static func advise<Element>(_ buffer: UnsafeMutableBufferPointer<Element>) {
        guard let base = buffer.baseAddress else { return }
        let start = (Int(bitPattern: base) + size - 1) & ~(size - 1)
        let end = (Int(bitPattern: base) + buffer.count * MemoryLayout<Element>.stride) & ~(size - 1)
        guard end > start, let address = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(address, end - start, MADV_HUGEPAGE)
    }
}
