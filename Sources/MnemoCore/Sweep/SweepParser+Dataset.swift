import Foundation
import Yams

extension SweepParser {
    /// Keys of the dataset section, in the order `allowed here` lists them.
    static let datasetKeys = [
        "name", "path", "train_limit", "test_limit", "label_noise", "test_count", "coarse_labels", "validation_size",
        "train", "test", "class_count", "label_base", "label_column", "header", "delimiter", "synthetic", "duplicates",
    ]

    /// The longest dataset path accepted, in characters (Linux's `PATH_MAX`).
    static let maximumPathLength = 4096

    /// The settings of `synthetic:`, as ``DatasetSpec/synthetic`` carries them, with what each allows
    /// and its value when left out.
    public static let syntheticKeys: [(key: String, range: ClosedRange<Double>, integer: Bool, what: String, fallback: Double)] = [
        ("class_count", 2...100_000, true, "an integer of at least 2", Double(SyntheticDefaults.classCount)),
        ("dimension", 1...1_000_000, true, "a positive integer", Double(SyntheticDefaults.dimension)),
        (
            "common_modes_per_class", 0...1_000_000, true, "a non-negative integer",
            Double(SyntheticDefaults.commonModesPerClass)
        ),
        ("common_mode_size", 0...10_000_000, true, "a non-negative integer", Double(SyntheticDefaults.commonModeSize)),
        (
            "rare_modes_per_class", 0...1_000_000, true, "a non-negative integer",
            Double(SyntheticDefaults.rareModesPerClass)
        ),
        ("rare_mode_size", 0...10_000_000, true, "a non-negative integer", Double(SyntheticDefaults.rareModeSize)),
        ("common_test_size", 0...10_000_000, true, "a non-negative integer", Double(SyntheticDefaults.commonTestSize)),
        ("rare_test_size", 0...10_000_000, true, "a non-negative integer", Double(SyntheticDefaults.rareTestSize)),
        ("mode_scale", 1e-9...1e9, false, "a positive number", Double(SyntheticDefaults.modeScale)),
        ("spread", 0...1e9, false, "a non-negative number", Double(SyntheticDefaults.spread)),
        ("duplicates", 0...10_000_000, true, "a non-negative integer", Double(SyntheticDefaults.duplicates)),
    ]

    /// The most features (examples × dimension, over train, test and duplicates) a synthetic dataset may
    /// hold: 2^31 floats, 8 GiB.
    static let maximumSyntheticFloats = Double(1 << 31)

    /// The dataset section; relative paths resolve against `directory`, the sweep file's folder.
    static func parseDataset(_ reader: NodeReader, directory: URL) throws(SweepFileError) -> DatasetSpec {
        let map = try reader.mapping(allowed: datasetKeys)
        let families = DatasetSpec.families
        let name = try map.required("name").string(matching: "one of: \(families.joined(separator: ", "))") {
            families.contains($0)
        }
        let fileFamilies = DatasetSpec.fileFamilies
        let namedFamilies = families.filter { !fileFamilies.contains($0) && $0 != "synthetic" }
        let owners: [(key: String, families: [String])] = [
            ("path", namedFamilies), ("train", fileFamilies), ("test", fileFamilies), ("class_count", fileFamilies),
            ("label_base", fileFamilies), ("label_column", ["csv"]), ("header", ["csv"]), ("delimiter", ["csv"]),
            ("synthetic", ["synthetic"]),
        ]
        for (key, families) in owners where map.optional(key) != nil && !families.contains(name) {
            throw map.error(at: key, "only \(listing(families)) \(families.count == 1 ? "takes" : "take") \(key)")
        }
        var path = ""
        if namedFamilies.contains(name) {
            let given = try map.optional("path")?.string(
                matching: "a file or folder path", maxLength: maximumPathLength
            ) { !$0.isEmpty }
            guard let given = given ?? (name == "fashion-mnist" ? DatasetSpec.fashionMNISTDefaultPath : nil) else {
                throw map.error(at: "name", "\(name) needs a path to its files")
            }
            path = resolve(given, against: directory)
        }
        let testCount = try exampleCount(map, "test_count")
        let isOneSet = ["purchase100", "texas100"].contains(name)
        if isOneSet, testCount == nil {
            throw map.error(at: "name", "\(name) comes as one set: give test_count, the examples held out for test")
        }
        if !isOneSet, testCount != nil {
            throw map.error(at: "test_count", "only purchase100 and texas100 are split by test_count")
        }
        let coarse = try map.optional("coarse_labels")?.flag() ?? false
        if coarse, name != "cifar100" {
            throw map.error(at: "coarse_labels", "only cifar100 has coarse labels")
        }
        let trainLimit = try exampleCount(map, "train_limit")
        let validationSize = try exampleCount(map, "validation_size")
        if validationSize != nil, trainLimit == nil {
            throw map.error(
                at: "validation_size",
                "the studied examples are the whole training split (no train_limit), so none are left for "
                    + "validation; set train_limit")
        }
        let files = try fileFamilies.contains(name) ? parseFiles(map, family: name, directory: directory) : nil
        let synthetic = try name == "synthetic" ? parseSynthetic(map.optional("synthetic")) : nil
        let duplicates = try map.optional("duplicates")?.integer(in: 0...100_000, what: "a number of test examples in 0...100000")
        if name == "synthetic", (duplicates ?? 0) > 0 {
            throw map.error(at: "duplicates", "generated data plants its duplicates itself: use dataset.synthetic.duplicates")
        }
        return DatasetSpec(
            name: name, path: path, trainLimit: trainLimit,
            testLimit: try exampleCount(map, "test_limit"),
            labelNoise: try map.optional("label_noise")?.number(in: 0...0.9, what: "a fraction in [0, 0.9]") ?? 0,
            testCount: testCount, coarseLabels: coarse, validationSize: validationSize,
            files: files, synthetic: synthetic, duplicates: duplicates == 0 ? nil : duplicates)
    }

    /// `train`, `test` and how to read them, for `csv`, `npz` and `npy`.
    private static func parseFiles(
        _ map: MappingReader, family: String, directory: URL
    ) throws(SweepFileError) -> DatasetFiles {
        var splits: [(features: String, labels: String?)] = []
        for key in ["train", "test"] {
            let reader = try map.required(key)
            if family == "npy" {
                let pair = try reader.mapping(allowed: ["features", "labels"])
                splits.append(
                    (
                        try existingFile(pair.required("features"), directory: directory),
                        try existingFile(pair.required("labels"), directory: directory)
                    ))
            } else {
                splits.append((try existingFile(reader, directory: directory), nil))
            }
        }
        var files = DatasetFiles(
            train: splits[0].features, test: splits[1].features, trainLabels: splits[0].labels,
            testLabels: splits[1].labels,
            classCount: try map.required("class_count").integer(in: 1...1_000_000, what: "a positive integer"),
            labelBase: try map.optional("label_base")?.integer(in: -1_000_000...1_000_000, what: "an integer") ?? 0)
        guard family == "csv" else { return files }
        files.delimiter =
            try map.optional("delimiter")?.string(
                matching: "one ASCII character other than a digit, sign, dot or space, e.g. \";\""
            ) { $0.count == 1 && $0.allSatisfy { $0.isASCII && !$0.isNumber && !"+-. \r\n".contains($0) } } ?? ","
        let header = try map.optional("header")?.flag() ?? false
        files.header = header
        files.labelColumn = .first
        if let column = map.optional("label_column") {
            if column.node.int != nil {
                files.labelColumn = .index(try column.integer(in: 0...1_000_000, what: "a column index from 0"))
            } else {
                let text = try column.string(matching: "first, last, a column index or a header name") {
                    !$0.isEmpty
                }
                switch text {
                case "first": files.labelColumn = .first
                case "last": files.labelColumn = .last
                default:
                    guard header else {
                        throw column.error("a column named '\(text)' needs header: true (or use first, last or an index)")
                    }
                    files.labelColumn = .named(text)
                }
            }
        }
        return files
    }

    /// The generator's settings as canonical JSON, each checked against its range; "" for defaults.
    private static func parseSynthetic(_ reader: NodeReader?) throws(SweepFileError) -> String {
        guard let reader else { return "" }
        if let noise = try reader.mapping(allowed: nil).optional("label_noise") {
            throw noise.error("use dataset.label_noise, whose flips are recorded with the sweep and scored")
        }
        let map = try reader.mapping(allowed: syntheticKeys.map(\.key))
        var settings: [String: Double] = [:]
        for (key, range, integer, what, fallback) in syntheticKeys {
            guard let value = map.optional(key) else {
                settings[key] = fallback
                continue
            }
            settings[key] =
                integer
                ? Double(try value.integer(in: Int(range.lowerBound)...Int(range.upperBound), what: what))
                : try value.number(in: range, what: what)
        }
        let size = { (key: String) in settings[key] ?? 0 }
        let perClass =
            size("common_modes_per_class") * (size("common_mode_size") + size("common_test_size"))
            + size("rare_modes_per_class") * (size("rare_mode_size") + size("rare_test_size"))
        let floats = (size("class_count") * perClass + size("duplicates")) * size("dimension")
        guard floats <= maximumSyntheticFloats else {
            throw reader.error(
                "a dataset of at most 2^31 features in all (examples × dimension), these settings make "
                    + "\(String(format: "%.3g", floats))")
        }
        return try EngineOptions.canonicalJSON(map.entries, of: reader)
    }

    /// The optional example count `key` (a limit, test count or validation size), in 1...100000000.
    private static func exampleCount(_ map: MappingReader, _ key: String) throws(SweepFileError) -> Int? {
        try map.optional(key)?.integer(in: 1...100_000_000, what: "an integer in 1...100000000")
    }

    /// The path of an existing file, resolved against `directory` when relative.
    private static func existingFile(_ reader: NodeReader, directory: URL) throws(SweepFileError) -> String {
        let path = resolve(try reader.string(matching: "a file path", maxLength: maximumPathLength) {
            !$0.isEmpty
        }, against: directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw reader.error("no file at \(path)")
        }
        if isDirectory.boolValue { throw reader.error("\(path) is a folder, expected a file") }
        return path
    }

    private static func resolve(_ path: String, against directory: URL) -> String {
        URL(fileURLWithPath: path, relativeTo: directory).standardizedFileURL.path
    }

    /// `a`, `a and b`, `a, b and c`.
    private static func listing(_ items: [String]) -> String {
        items.count < 2 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items.last!
    }
}
