import Foundation
import MnemoData
import ZIPFoundation

/// Builders for small CIFAR, NumPy and text dataset files.
enum DatasetFixtures {
    /// CIFAR records: record n has the label bytes `labels(n)` and pixel p equal to `(n · 31 + p) mod 256`.
    static func cifarBatch(count: Int, labelBytes: (Int) -> [UInt8]) -> Data {
        var data = Data()
        for record in 0..<count {
            data.append(contentsOf: labelBytes(record))
            data.append(contentsOf: (0..<CIFARLayout.pixelCount).map { UInt8((record * 31 + $0) % 256) })
        }
        return data
    }

    /// A `.npz` (zip) archive holding `arrays` as `name.npy` members, deflated or stored.
    static func npz(_ arrays: [(String, NpyArray)], compressed: Bool = true) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (name, array) in arrays {
            let content = array.encoded()
            try archive.addEntry(
                with: name + ".npy", type: .file, uncompressedSize: Int64(content.count),
                compressionMethod: compressed ? .deflate : .none,
                provider: { position, size in content.subdata(in: Int(position)..<(Int(position) + size)) })
        }
        return archive.data!
    }

    /// Comma-separated lines of `rows`.
    static func csv(_ rows: [[String]]) -> Data {
        Data(rows.map { $0.joined(separator: ",") + "\n" }.joined().utf8)
    }
}
