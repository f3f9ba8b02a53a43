import Foundation

/// Fashion-MNIST (Xiao et al. 2017): 60,000 training and 10,000 test images of 28 × 28 grey pixels
/// in 10 classes, read from the gzipped IDX files of the Debian package `dataset-fashion-mnist`.
public enum FashionMNIST {
    /// Where `dataset-fashion-mnist` installs the files.
    public static let defaultDirectory = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")

    /// Number of classes.
    public static let classCount = 10

    /// Class names, by label.
    public static let classNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// The four file names inside the folder: train images, train labels, test images, test labels.
    public static let fileNames = [
        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
    ]

    /// Loads the train and test sets from `directory`.
    ///
    /// - Throws: ``DatasetError``: a missing file is named with its full path and the package that
    ///   provides it; corrupt files name the file and offset.
    public static func load(directory: URL = defaultDirectory) throws(DatasetError) -> DatasetSplits {
        let urls = fileNames.map { directory.appendingPathComponent($0) }
        for url in urls where !FileManager.default.fileExists(atPath: url.path) {
            throw DatasetError(
                file: url.path,
                reason: "no such file; Fashion-MNIST comes from the Debian package: apt-get install dataset-fashion-mnist")
        }
        let train = try LabeledData.readIDX(images: urls[0], labels: urls[1], classCount: classCount)
        let test = try LabeledData.readIDX(images: urls[2], labels: urls[3], classCount: classCount)
        guard train.dimension == test.dimension else {
            throw DatasetError(
                file: urls[2].path,
                reason: "test images have \(test.dimension) pixels, training images \(train.dimension)")
        }
        return DatasetSplits(source: directory.path, train: train, test: test)
    }
}
