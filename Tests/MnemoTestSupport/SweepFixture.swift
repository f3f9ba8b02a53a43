/// Sweep files for tests: small Fashion-MNIST studies that finish in seconds.
public enum SweepFixture {
    /// Where the Debian package installs Fashion-MNIST.
    public static let fashionMNISTDirectory = "/usr/share/datasets/fashion-mnist"

    /// A tiny sweep YAML.
    public static func tiny(
        name: String = "tiny", subsets: Int = 16, trainLimit: Int = 400, testLimit: Int = 200, hidden: Int = 32,
        maxEpochs: Int = 10, labelNoise: Double = 0.05, seed: Int = 11
    ) -> String {
        """
        name: \(name)
        seed: \(seed)
        dataset:
          name: fashion-mnist
          train_limit: \(trainLimit)
          test_limit: \(testLimit)
          label_noise: \(labelNoise)
        model:
          kind: mlp
          hidden: [\(hidden)]
        training:
          batch_size: 64
          learning_rate: 0.1
          max_epochs: \(maxEpochs)
          until_train_accuracy: 0.99
        estimator:
          subsets: \(subsets)
          ratio: 0.7
        """
    }

    /// A sweep of `subsets` tiny tasks (softmax regression on a 10-example synthetic dataset, one
    /// epoch): milliseconds each, for tests of the orchestration rather than of training.
    public static func synthetic(name: String, subsets: Int, seed: Int = 3) -> String {
        """
        name: \(name)
        seed: \(seed)
        dataset:
          name: synthetic
          synthetic: {class_count: 2, dimension: 4, common_modes_per_class: 1, common_mode_size: 5, rare_modes_per_class: 0, common_test_size: 5}
        model: {kind: softmax}
        training: {batch_size: 10, learning_rate: 0.1, max_epochs: 1}
        estimator: {subsets: \(subsets), ratio: 0.5}
        """
    }

    /// The smallest valid sweep around a dataset section: `datasetLines` are its indented lines.
    public static func withDataset(_ datasetLines: String) -> String {
        """
        name: d
        seed: 1
        dataset:
        \(datasetLines)
        model: {kind: softmax}
        training: {learning_rate: 0.1, max_epochs: 1}
        estimator: {subsets: 2}
        """
    }

    /// The head of a sweep named `held` whose dataset is `../data/train.csv` and `../data/test.csv`
    /// beside the sweep's folder (3 classes, label in the last column); more dataset lines may follow.
    public static let csvBesideData = """
        name: held
        seed: 3
        dataset:
          name: csv
          train: ../data/train.csv
          test: ../data/test.csv
          class_count: 3
          label_column: last
        """
}
