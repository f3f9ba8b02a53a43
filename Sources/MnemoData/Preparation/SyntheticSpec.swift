import MnemoCore

/// The shape of a generated dataset with a known memorization structure (see ``SyntheticDataset``).
///
/// Each class is a mixture of subpopulations ("modes"): a few common modes with many training
/// examples each, and rare modes with one or two, so that a rare mode's test examples can only be
/// classified right by a model that memorized its training examples (Feldman 2020's long tail).
/// Encoded with snake-case keys (`class_count`, `common_modes_per_class`, …) for sweep files; a
/// missing key decodes to the initializer's default.
public struct SyntheticSpec: Codable, Sendable, Equatable, Hashable {
    /// Number of classes.
    public var classCount: Int
    /// Features per example.
    public var dimension: Int
    /// Common modes per class.
    public var commonModesPerClass: Int
    /// Training examples per common mode.
    public var commonModeSize: Int
    /// Rare modes per class.
    public var rareModesPerClass: Int
    /// Training examples per rare mode (1 or 2 in the papers' sense of the long tail).
    public var rareModeSize: Int
    /// Test examples per common mode.
    public var commonTestSize: Int
    /// Test examples per rare mode.
    public var rareTestSize: Int
    /// Standard deviation of each coordinate of a mode's centre.
    public var modeScale: Float
    /// Standard deviation of each coordinate of an example around its mode's centre.
    public var spread: Float
    /// Test examples copied into the training set, both copies given the same random other label.
    public var duplicates: Int
    /// Fraction of the generated training examples (not the duplicates) whose label is flipped to a
    /// random other class, in [0, 1).
    public var labelNoise: Double

    /// A specification; check it with ``validate()`` (``SyntheticDataset/generate(_:seed:)`` does).
    public init(
        classCount: Int = SyntheticDefaults.classCount, dimension: Int = SyntheticDefaults.dimension,
        commonModesPerClass: Int = SyntheticDefaults.commonModesPerClass,
        commonModeSize: Int = SyntheticDefaults.commonModeSize,
        rareModesPerClass: Int = SyntheticDefaults.rareModesPerClass, rareModeSize: Int = SyntheticDefaults.rareModeSize,
        commonTestSize: Int = SyntheticDefaults.commonTestSize, rareTestSize: Int = SyntheticDefaults.rareTestSize,
        modeScale: Float = SyntheticDefaults.modeScale, spread: Float = SyntheticDefaults.spread,
        duplicates: Int = SyntheticDefaults.duplicates, labelNoise: Double = 0
    ) {
        self.classCount = classCount
        self.dimension = dimension
        self.commonModesPerClass = commonModesPerClass
        self.commonModeSize = commonModeSize
        self.rareModesPerClass = rareModesPerClass
        self.rareModeSize = rareModeSize
        self.commonTestSize = commonTestSize
        self.rareTestSize = rareTestSize
        self.modeScale = modeScale
        self.spread = spread
        self.duplicates = duplicates
        self.labelNoise = labelNoise
    }

    /// Modes per class, common ones first.
    public var modesPerClass: Int { commonModesPerClass + rareModesPerClass }

    /// Checks every field's range.
    ///
    /// - Throws: ``DatasetError`` (file `synthetic`) naming the first invalid field.
    public func validate() throws(DatasetError) {
        func fail(_ field: String, _ problem: String) -> DatasetError {
            DatasetError(file: "synthetic", reason: "\(field): \(problem)")
        }
        guard classCount >= 2 else { throw fail("class_count", "\(classCount) is below 2") }
        guard dimension >= 1 else { throw fail("dimension", "\(dimension) is not a positive integer") }
        for (field, value) in [
            ("common_modes_per_class", commonModesPerClass), ("common_mode_size", commonModeSize),
            ("rare_modes_per_class", rareModesPerClass), ("rare_mode_size", rareModeSize),
            ("common_test_size", commonTestSize), ("rare_test_size", rareTestSize), ("duplicates", duplicates),
        ] where value < 0 {
            throw fail(field, "\(value) is negative")
        }
        guard modesPerClass >= 1 else { throw fail("common_modes_per_class", "no modes at all") }
        guard modeScale.isFinite, modeScale > 0 else { throw fail("mode_scale", "\(modeScale) is not positive") }
        guard spread.isFinite, spread >= 0 else { throw fail("spread", "\(spread) is not a non-negative number") }
        guard labelNoise >= 0, labelNoise < 1 else { throw fail("label_noise", "\(labelNoise) is outside [0, 1)") }
        let trainCount = classCount * (commonModesPerClass * commonModeSize + rareModesPerClass * rareModeSize)
        let testCount = classCount * (commonModesPerClass * commonTestSize + rareModesPerClass * rareTestSize)
        guard trainCount >= 1 else { throw fail("common_mode_size", "no training examples") }
        guard testCount >= 1 else { throw fail("common_test_size", "no test examples") }
        guard duplicates <= testCount else {
            throw fail("duplicates", "\(duplicates) exceeds the \(testCount) test examples")
        }
    }

    private enum CodingKeys: String, CodingKey {
        case classCount = "class_count"
        case dimension
        case commonModesPerClass = "common_modes_per_class"
        case commonModeSize = "common_mode_size"
        case rareModesPerClass = "rare_modes_per_class"
        case rareModeSize = "rare_mode_size"
        case commonTestSize = "common_test_size"
        case rareTestSize = "rare_test_size"
        case modeScale = "mode_scale"
        case spread
        case duplicates
        case labelNoise = "label_noise"
    }
}

extension SyntheticSpec {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = SyntheticSpec()
        func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
            try container.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        self.init(
            classCount: try value(.classCount, defaults.classCount), dimension: try value(.dimension, defaults.dimension),
            commonModesPerClass: try value(.commonModesPerClass, defaults.commonModesPerClass),
            commonModeSize: try value(.commonModeSize, defaults.commonModeSize),
            rareModesPerClass: try value(.rareModesPerClass, defaults.rareModesPerClass),
            rareModeSize: try value(.rareModeSize, defaults.rareModeSize),
            commonTestSize: try value(.commonTestSize, defaults.commonTestSize),
            rareTestSize: try value(.rareTestSize, defaults.rareTestSize),
            modeScale: try value(.modeScale, defaults.modeScale), spread: try value(.spread, defaults.spread),
            duplicates: try value(.duplicates, defaults.duplicates), labelNoise: try value(.labelNoise, defaults.labelNoise))
    }
}
