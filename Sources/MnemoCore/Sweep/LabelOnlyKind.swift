/// What a run's `label_only` output measures, fixed by the dataset: the label-only membership signal of
/// each example, higher meaning more robust, as members tend to be (Choquette-Choo et al. 2021,
/// "Label-Only Membership Inference Attacks"; the SAM paper runs both).
///
/// - ``augmentation``, for the image datasets (Fashion-MNIST, CIFAR-10/100): the fraction of 162
///   augmented copies of the example — every shift by (dy, dx) ∈ [−4, 4]² with zero fill, each plain
///   and mirrored left–right — that the model classifies right.
/// - ``featureFlip``, for every other dataset, whose features must all be 0 or 1 (Purchase-100,
///   Texas-100): how many of its d features must be flipped (x → 1 − x, along a random order) for
///   the prediction to turn wrong, over d + 1 — 0 for an example already misclassified, 1 when flipping
///   all of them never does — averaged over 8 orders, fixed per example and the same for every run.
///   Each count is found by doubling, then bisecting between the last right and the first wrong count
///   (about 2⌈log₂ d⌉ + 1 queries per order), so where the prediction changes more than once along an
///   order it is one crossing, not always the first.
public enum LabelOnlyKind: String, Sendable, Equatable {
    case augmentation
    case featureFlip = "feature_flip"

    /// The measurement of a dataset named `datasetName` (the sweep file's `dataset.name`).
    public static func of(datasetName: String) -> LabelOnlyKind {
        imageDatasets.contains(datasetName) ? .augmentation : .featureFlip
    }

    /// The datasets whose examples are images.
    public static let imageDatasets: Set<String> = ["fashion-mnist", "cifar10", "cifar100"]

    /// The largest shift of the augmentation attack, in pixels.
    public static let maximumShift = 4

    /// The augmentation attack's queries per example: (2 · 4 + 1)² shifts × 2 mirrorings = 162.
    public static let augmentationQueries = (2 * maximumShift + 1) * (2 * maximumShift + 1) * 2

    /// The random orders of the feature-flip distance averaged per example.
    public static let flipOrders = 8

    /// The random stream of each example's feature-flip orders (keyed by the example's index).
    public static let flipOrderKey: UInt64 = 0x6C61_6265_6C5F_6F6E
}
