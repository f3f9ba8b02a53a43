import Foundation

/// The one processor feature Mnemo's build assumes beyond the x86-64 baseline: POPCNT (every x86-64
/// CPU since 2008 has it), with which the Feldman–Zhang sums count bits in one instruction. Checked
/// before anything else runs, so a processor without it gets a sentence instead of an illegal
/// instruction.
enum ProcessorCheck {
    /// Exits with status 1, naming the missing feature, on an x86-64 processor that lacks POPCNT
    /// (read from `/proc/cpuinfo`; nothing is checked where that cannot be read, or on other
    /// architectures).
    static func requirePopcount() {
        #if arch(x86_64)
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return }
        guard !flags.split(separator: " ").contains("popcnt") else { return }
        FileHandle.standardError.write(
            Data("mnemo: this processor lacks the POPCNT instruction, which mnemo's build uses (every x86-64 processor since 2008 has it); run it on a newer machine\n".utf8))
        exit(1)
        #endif
    }
}
