import Foundation

/// CIFAR-10 (Krizhevsky 2009): 50,000 training and 10,000 test colour images of 32 × 32 pixels in
/// 10 classes, read from the binary version's folder `cifar-10-batches-bin`.
public enum CIFAR10 {
    /// Class names, by label.
    public static let classNames = [
        "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
    ]

    /// The five training batches, in order.
    public static let trainFileNames = (1...5).map { "data_batch_\($0).bin" }
    /// The test batch.
    public static let testFileName = "test_batch.bin"

    /// Loads the train and test sets from `directory`; features as in
    /// ``LabeledData/readCIFAR(batches:layout:)`` (3,072 values in CHW order, in [0, 1]).
    ///
    /// - Throws: ``DatasetError`` naming the missing or corrupt file and the offset of the problem.
    public static func load(directory: URL) throws(DatasetError) -> DatasetSplits {
        let train = try LabeledData.readCIFAR(
            batches: trainFileNames.map { directory.appendingPathComponent($0) }, layout: .cifar10)
        let test = try LabeledData.readCIFAR(
            batches: [directory.appendingPathComponent(testFileName)], layout: .cifar10)
        return DatasetSplits(source: directory.path, train: train, test: test)
    }
}
