/// A Swift type whose in-memory representation is exactly a NumPy element: an `[Element]` is
/// written to `.npy` by copying its bytes.
///
/// Mnemo runs on little-endian machines only (x86-64, arm64), where this holds for every
/// conforming type.
public protocol NpyElement: BitwiseCopyable {
    /// The NumPy type of this element.
    static var npyDType: NpyDType { get }
}

#if _endian(big)
    #error("NpyElement copies native memory into little-endian .npy files")
#endif

extension Float: NpyElement {
    public static var npyDType: NpyDType { .float32 }
}

extension Double: NpyElement {
    public static var npyDType: NpyDType { .float64 }
}

extension Int64: NpyElement {
    public static var npyDType: NpyDType { .int64 }
}

extension Int32: NpyElement {
    public static var npyDType: NpyDType { .int32 }
}

extension UInt8: NpyElement {
    public static var npyDType: NpyDType { .uint8 }
}

/// Swift guarantees `Bool` is one byte holding 0 or 1, which is NumPy's `bool`.
extension Bool: NpyElement {
    public static var npyDType: NpyDType { .bool }
}
