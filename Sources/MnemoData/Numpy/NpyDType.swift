/// The NumPy element types Mnemo reads and writes, with their `.npy` type descriptors.
public enum NpyDType: String, Sendable, CaseIterable {
    /// Little-endian IEEE 754 single precision (`<f4`).
    case float32 = "<f4"
    /// Little-endian IEEE 754 double precision (`<f8`).
    case float64 = "<f8"
    /// Unsigned byte (`|u1`).
    case uint8 = "|u1"
    /// Little-endian signed 32-bit integer (`<i4`).
    case int32 = "<i4"
    /// Little-endian signed 64-bit integer (`<i8`).
    case int64 = "<i8"
    /// Boolean stored as one byte, 0 or 1 (`|b1`).
    case bool = "|b1"

    /// The `descr` string of the `.npy` header.
    public var descriptor: String { rawValue }

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .float32, .int32: 4
        case .float64, .int64: 8
        case .uint8, .bool: 1
        }
    }
}
