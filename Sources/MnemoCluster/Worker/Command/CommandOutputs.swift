import Foundation
import MnemoCore
import MnemoData

/// What a command trainer wrote into its `{out}` folder, checked: `correctness_train.npy` (n) and
/// `correctness_test.npy` (t), bool or 0/1 of any integer or float type, and optionally `metrics.json`.
///
/// A missing file, a wrong shape or type, a value other than 0 or 1, a file over 2 GiB or a symlink
/// that leaves `{out}` is an ``OutputError`` naming the file (and the first bad index).
struct CommandOutputs {
    var trainCorrect: [Bool]
    var testCorrect: [Bool]
    /// Every number in `metrics.json`, by name.
    var metrics: [String: Double]
    /// The further outputs the sweep asks for, in payload order.
    var arrays = RunOutputArrays()

    /// The largest output file read.
    static let maximumFileBytes = 2 << 30

    /// A bad output file.
    struct OutputError: Error, CustomStringConvertible {
        let description: String
    }

    /// Reads the outputs of a run over `trainCount` train and `testCount` test examples of `classes`
    /// classes: correctness, metrics, and `X_train.npy`/`X_test.npy` for each further output X asked for.
    static func read(
        from out: URL, trainCount: Int, testCount: Int, classes: Int, outputs: [RunOutput]
    ) throws(OutputError) -> CommandOutputs {
        let metricsFile = out.appendingPathComponent("metrics.json")
        var metrics: [String: Double] = [:]
        if FileManager.default.fileExists(atPath: metricsFile.path) {
            let data = try contents(of: metricsFile, in: out)
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw OutputError(description: "metrics.json is not a JSON object")
            }
            for (key, value) in object {
                guard let number = value as? NSNumber else { continue }
                let double = number.doubleValue
                guard double.isFinite else {
                    throw OutputError(description: "metrics.json: \(key) is not a finite number")
                }
                metrics[key] = double
            }
        }
        var result = CommandOutputs(
            trainCorrect: try correctness(out.appendingPathComponent("correctness_train.npy"), count: trainCount, in: out),
            testCorrect: try correctness(out.appendingPathComponent("correctness_test.npy"), count: testCount, in: out),
            metrics: metrics)
        for output in outputs where output != .correctness {
            for (split, count) in [("train", trainCount), ("test", testCount)] {
                let name = output.arrayName(split)
                let file = out.appendingPathComponent("\(name).npy")
                let array = try array(file, in: out)
                let shape = output.shape(count: count, classes: classes)
                guard array.dtype == .float32 else {
                    throw OutputError(description: "\(file.lastPathComponent) has dtype \(array.dtype.descriptor), expected float32 (<f4)")
                }
                guard array.shape == shape else {
                    throw OutputError(description: "\(file.lastPathComponent) has shape \(array.shape), expected \(shape)")
                }
                let values = try numbers(array, file: file)
                if output == .labelOnly, let bad = values.firstIndex(where: { !(0...1).contains($0) }) {
                    throw OutputError(
                        description: "\(file.lastPathComponent)[\(bad)] is \(values[bad]); label_only values are shares in [0, 1]")
                }
                result.arrays.append(name, shape: shape, values: values.map { Float($0) })
            }
        }
        return result
    }

    /// A bool or 0/1 vector of `count` entries.
    private static func correctness(_ file: URL, count: Int, in out: URL) throws(OutputError) -> [Bool] {
        let array = try array(file, in: out)
        guard array.shape == [count] else {
            throw OutputError(description: "\(file.lastPathComponent) has shape \(array.shape), expected [\(count)]")
        }
        let values = try numbers(array, file: file)
        var bits = [Bool](repeating: false, count: count)
        for (index, value) in values.enumerated() {
            guard value == 0 || value == 1 else {
                throw OutputError(
                    description: "\(file.lastPathComponent)[\(index)] is \(value); correctness must be 0 or 1 (or bool)")
            }
            bits[index] = value == 1
        }
        return bits
    }

    /// A `.npy` file inside `out`.
    static func array(_ file: URL, in out: URL) throws(OutputError) -> NpyArray {
        let data = try contents(of: file, in: out)
        do {
            return try NpyArray.parse(data, name: file.deletingPathExtension().lastPathComponent, file: file.lastPathComponent)
        } catch {
            throw OutputError(description: "\(error)")
        }
    }

    /// The elements of a numeric array as doubles; NaN and infinities are refused with their index.
    static func numbers(_ array: NpyArray, file: URL) throws(OutputError) -> [Double] {
        let values: [Double] = array.bytes.withUnsafeBytes { raw in
            (0..<array.count).map { index in
                let offset = index * array.dtype.itemSize
                switch array.dtype {
                case .float32: return Double(raw.loadUnaligned(fromByteOffset: offset, as: Float.self))
                case .float64: return raw.loadUnaligned(fromByteOffset: offset, as: Double.self)
                case .int32: return Double(raw.loadUnaligned(fromByteOffset: offset, as: Int32.self))
                case .int64: return Double(raw.loadUnaligned(fromByteOffset: offset, as: Int64.self))
                case .uint8, .bool: return Double(raw.loadUnaligned(fromByteOffset: offset, as: UInt8.self))
                }
            }
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw OutputError(description: "\(file.lastPathComponent)[\(bad)] is \(values[bad]); outputs must be finite")
        }
        return values
    }

    /// The bytes of a regular file inside `out` (a symlink must stay inside it), at most 2 GiB.
    private static func contents(of file: URL, in out: URL) throws(OutputError) -> Data {
        let name = file.lastPathComponent
        let resolved = file.resolvingSymlinksInPath().path
        let folder = out.resolvingSymlinksInPath().path
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw OutputError(description: "\(name) is missing from the output folder (the command must write it)")
        }
        guard resolved.hasPrefix(folder + "/") else {
            throw OutputError(description: "\(name) is a symlink that leaves the output folder (to \(resolved))")
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: resolved)
        guard attributes?[.type] as? FileAttributeType == .typeRegular else {
            throw OutputError(description: "\(name) is not a regular file")
        }
        let size = (attributes?[.size] as? Int) ?? 0
        guard size <= maximumFileBytes else {
            throw OutputError(description: "\(name) is \(size) bytes; outputs are at most \(maximumFileBytes) bytes")
        }
        guard let data = FileManager.default.contents(atPath: resolved) else {
            throw OutputError(description: "\(name) cannot be read")
        }
        return data
    }
}
