import Foundation

/// CIFAR-100 (Krizhevsky 2009): 50,000 training and 10,000 test colour images of 32 × 32 pixels in
/// 100 fine classes grouped into 20 coarse ones, read from the binary version's folder
/// `cifar-100-binary`.
public enum CIFAR100 {
    /// The training file.
    public static let trainFileName = "train.bin"
    /// The test file.
    public static let testFileName = "test.bin"

    /// Loads the train and test sets from `directory`; features as in
    /// ``LabeledData/readCIFAR(batches:layout:)`` (3,072 values in CHW order, in [0, 1]).
    ///
    /// - Parameter coarse: use the 20 coarse labels instead of the 100 fine ones.
    /// - Throws: ``DatasetError`` naming the missing or corrupt file and the offset of the problem.
    public static func load(directory: URL, coarse: Bool = false) throws(DatasetError) -> DatasetSplits {
        let layout: CIFARLayout = coarse ? .cifar100Coarse : .cifar100Fine
        let train = try LabeledData.readCIFAR(
            batches: [directory.appendingPathComponent(trainFileName)], layout: layout)
        let test = try LabeledData.readCIFAR(batches: [directory.appendingPathComponent(testFileName)], layout: layout)
        return DatasetSplits(source: directory.path, train: train, test: test)
    }
}
