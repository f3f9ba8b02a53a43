import Foundation
import MnemoCore
import MnemoData
import Testing

@testable import MnemoLearn

/// The worker's memory: no second copy of the examples, one batch of scratch, and issue 4's bound.
@Suite struct MemoryBoundTests {
    let data = SyntheticData.noise(count: 300, classes: 3, dimension: 10, seed: 5)

    func storage(_ data: LabeledData) -> UnsafePointer<Float>? {
        data.features.withUnsafeBufferPointer(\.baseAddress)
    }

    @Test func selectingEveryExampleSharesTheStorageAndOtherSelectionsCopy() {
        let all = data.selecting(Array(0..<data.count))
        #expect(all == data)
        #expect(storage(all) == storage(data))
        let reversed = data.selecting(Array((0..<data.count).reversed()))
        #expect(storage(reversed) != storage(data))
        #expect(Array(reversed.features.prefix(10)) == Array(data.features.suffix(10)))
        #expect(reversed.labels.first == data.labels.last)
    }

    @Test func preparingWithoutACacheMatchesTheCachedResultAndFullSelectionsShareStorage() throws {
        let source = DatasetSource.synthetic(SyntheticSpec(classCount: 3, dimension: 8, commonModeSize: 20, rareModesPerClass: 2))
        let cache = DatasetCache()
        let cached = try PreparedDataset.make(
            source: source, trainLimit: nil, testLimit: nil, seed: 3, labelNoise: 0, cache: cache)
        let uncached = try PreparedDataset.make(
            source: source, trainLimit: nil, testLimit: nil, seed: 3, labelNoise: 0, cache: nil)
        #expect(uncached.contentHash == cached.contentHash)
        let splits = try cache.splits(for: source, seed: 3)
        // With every example selected, the prepared data is the cached splits' storage, not a copy
        // (a second load would have storage of its own).
        #expect(storage(cached.train) == storage(splits.train))
        #expect(storage(cached.test) == storage(splits.test))
    }

    @Test func workspaceByteCountIsWhatAWorkspaceAllocates() {
        var config = TrainingConfig(hiddenSizes: [], learningRate: 0.1, batchSize: 16, maxEpochs: 1)
        config.convolution = ConvolutionSpec(inputShape: ImageShape(channels: 1, height: 6, width: 6), channels: [4, 8])
        config.hiddenSizes = [12]
        let model = config.model(inputWidth: 36, classCount: 3)
        for training in [true, false] {
            let workspace = Workspace(model: model, capacity: 16, training: training)
            let floats = workspace.input.count + (workspace.activations + workspace.gradients).map(\.count).reduce(0, +)
                + workspace.scratch.count
            #expect(Workspace.byteCount(model: model, capacity: 16, training: training) == floats * 4 + 16 * 4)
        }
        let run = TrainingRun(config: config, seed: 1, data: SyntheticData.noise(count: 40, classes: 3, dimension: 36, seed: 1), trained: Array(0..<40))
        #expect(run.workspace.capacity == 16)
    }

    @Test func boundAddsTheDatasetSixParameterCopiesTheLargerWorkspaceAnd64MiB() {
        let config = TrainingConfig(hiddenSizes: [32], learningRate: 0.1, batchSize: 16, maxEpochs: 1)
        let test = data.selecting(Array(0..<50))
        let bound = MemoryBound(config: config, train: data, test: test)
        let model = config.model(inputWidth: 10, classCount: 3)
        #expect(bound.datasetBytes == (300 + 50) * (10 + 1) * 4)
        #expect(bound.parameterBytes == 6 * model.parameterCount * 4)
        #expect(
            bound.activationBytes
                == max(
                    Workspace.byteCount(model: model, capacity: 16, training: true),
                    Workspace.byteCount(model: model, capacity: TrainedModel.evaluationBatch, training: false)))
        #expect(bound.totalBytes == bound.datasetBytes + bound.parameterBytes + bound.activationBytes + 64 << 20)
    }

    @Test func peakResidentMemoryCountsWhatThisProcessTouched() {
        let before = MemoryBound.peakResidentBytes()
        let size = 96 << 20
        let block = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        block.initialize(repeating: 1, count: size)
        let after = MemoryBound.peakResidentBytes()
        block.deallocate()
        #expect(before > 0)
        #expect(after >= size)
        #expect(after >= before)
    }
}
