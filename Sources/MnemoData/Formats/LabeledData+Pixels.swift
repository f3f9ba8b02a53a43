extension LabeledData {
    /// Bytes 0...255 mapped to 0...1 through a table (the conversion of tens of millions of pixels is
    /// on the worker's start-up path).
    static func scaledPixels(_ bytes: [UInt8]) -> [Float] {
        let table = (0...255).map { Float($0) / 255 }
        return [Float](unsafeUninitializedCapacity: bytes.count) { buffer, initialized in
            HugePages.advise(buffer)
            table.withUnsafeBufferPointer { table in
                bytes.withUnsafeBufferPointer { bytes in
                    for index in 0..<bytes.count {
                        buffer[index] = table[Int(bytes[index])]
                    }
                }
            }
            initialized = bytes.count
        }
    }
}
