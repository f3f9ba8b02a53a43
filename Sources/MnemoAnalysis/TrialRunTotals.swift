/// What a trial's runs reported about themselves, summed over its runs: the headline's accuracies and
/// epochs, and how many runs fell short of the sweep's `until_train_accuracy`.
public struct TrialRunTotals: Sendable, Codable, Equatable {
    /// Runs counted.
    public private(set) var runs = 0
    /// Sums over the runs of the accuracy on their own subsets, the test accuracy and the epochs.
    public private(set) var subsetAccuracySum = 0.0
    public private(set) var testAccuracySum = 0.0
    public private(set) var epochsSum = 0.0
    /// Runs whose subset accuracy is below the trial's fit target.
    public private(set) var belowFitTarget = 0
    /// The lowest subset accuracy reported, nil before any run.
    public private(set) var lowestSubsetAccuracy: Double?

    /// No run yet.
    public init() {}

    /// Counts one run, measured against `fitTarget` (the trial's `until_train_accuracy`, if any).
    public mutating func add(subsetAccuracy: Double, testAccuracy: Double, epochs: Int, fitTarget: Double?) {
        runs += 1
        subsetAccuracySum += subsetAccuracy
        testAccuracySum += testAccuracy
        epochsSum += Double(epochs)
        if let fitTarget, subsetAccuracy < fitTarget { belowFitTarget += 1 }
        lowestSubsetAccuracy = min(lowestSubsetAccuracy ?? subsetAccuracy, subsetAccuracy)
    }

    /// The mean of a sum over the runs (0 before any run).
    func mean(_ sum: Double) -> Double {
        sum / Double(max(runs, 1))
    }
}
