import MnemoCore

/// The sizes a fixed-size format always has, for planning a sweep before its files are at hand (a
/// recipe for a cluster where the data lives): Fashion-MNIST (60,000 / 10,000 images, 10 classes),
/// CIFAR-10 and CIFAR-100 (50,000 / 10,000 images of 3 × 32 × 32; 10, 100 or 20 coarse classes).
public enum FormatSizes {
    /// Training and test examples a sweep of `spec` studies (its limits and planted duplicates applied)
    /// and its classes, or nil for a format whose sizes depend on its files.
    public static func of(_ spec: DatasetSpec) -> (train: Int, test: Int, classes: Int)? {
        let full: (train: Int, test: Int, classes: Int)
        switch spec.name {
        case "fashion-mnist": full = (60_000, 10_000, 10)
        case "cifar10": full = (50_000, 10_000, 10)
        case "cifar100": full = (50_000, 10_000, spec.coarseLabels ? 20 : 100)
        default: return nil
        }
        let train = min(spec.trainLimit ?? full.train, full.train) + (spec.duplicates ?? 0)
        return (train, min(spec.testLimit ?? full.test, full.test), full.classes)
    }
}
