/// What a sweep's data planted, numbered as the sweep trains and tests on its examples, so planted
/// effects can be checked from its exports alone: for generated (synthetic) data the subpopulation
/// ("mode") of every example and which modes are rare; for any data the planted memorization pairs
/// (`dataset.duplicates`, or the generator's). Data whose structure is unknown has no modes.
public struct GroundTruth: Codable, Sendable, Equatable {
    /// The mode of each training example (a duplicate carries its test example's mode). Mode m belongs
    /// to class `m / modesPerClass`. Empty for data that was not generated.
    public var trainModes: [Int]
    /// The mode of each test example (empty for data that was not generated).
    public var testModes: [Int]
    /// Modes per class: the first `commonModesPerClass` of each class are common, the others rare.
    public var modesPerClass: Int
    public var commonModesPerClass: Int
    /// The planted pairs whose copy and test example were both selected, by test index.
    public var duplicates: [DuplicatePair]

    public init(
        trainModes: [Int], testModes: [Int], modesPerClass: Int, commonModesPerClass: Int, duplicates: [DuplicatePair]
    ) {
        self.trainModes = trainModes
        self.testModes = testModes
        self.modesPerClass = modesPerClass
        self.commonModesPerClass = commonModesPerClass
        self.duplicates = duplicates
    }

    /// Whether `mode` is one of the rare subpopulations (Feldman's long tail).
    public func isRare(mode: Int) -> Bool {
        mode % modesPerClass >= commonModesPerClass
    }
}

extension GroundTruth {
    /// The ground truth of data that was not generated: planted pairs only.
    public init(duplicates: [DuplicatePair]) {
        self.init(trainModes: [], testModes: [], modesPerClass: 1, commonModesPerClass: 1, duplicates: duplicates)
    }

    /// Whether the modes of the examples are known (generated data).
    public var hasModes: Bool { !trainModes.isEmpty || !testModes.isEmpty }
}
