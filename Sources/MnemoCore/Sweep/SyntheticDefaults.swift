/// The synthetic generator's settings when a sweep's `dataset.synthetic` leaves them out.
///
/// One place for them: MnemoData's `SyntheticSpec` defaults to these, and ``SweepParser`` sizes
/// a synthetic dataset with them to refuse one that could not be held in memory.
public enum SyntheticDefaults {
    /// Number of classes.
    public static let classCount = 10
    /// Features per example.
    public static let dimension = 64
    /// Common modes per class.
    public static let commonModesPerClass = 2
    /// Training examples per common mode.
    public static let commonModeSize = 50
    /// Rare modes per class.
    public static let rareModesPerClass = 5
    /// Training examples per rare mode.
    public static let rareModeSize = 1
    /// Test examples per common mode.
    public static let commonTestSize = 10
    /// Test examples per rare mode.
    public static let rareTestSize = 1
    /// Standard deviation of each coordinate of a mode's centre.
    public static let modeScale: Float = 1
    /// Standard deviation of each coordinate of an example around its mode's centre.
    public static let spread: Float = 0.3
    /// Test examples copied into the training set.
    public static let duplicates = 0
}
