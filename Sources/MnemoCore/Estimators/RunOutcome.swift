/// What one subset run contributes to the estimators: which training examples it trained on and which
/// training and test examples it then classified correctly.
public struct RunOutcome: Sendable, Equatable {
    /// Bit i set when training example i was in the run's subset (n bits).
    public let membership: BitVector
    /// Bit i set when the trained model classified training example i correctly (n bits).
    public let trainCorrect: BitVector
    /// Bit j set when the trained model classified test example j correctly (t bits).
    public let testCorrect: BitVector

    /// A run from its three bit vectors; their lengths are checked when the run is added to an accumulator.
    public init(membership: BitVector, trainCorrect: BitVector, testCorrect: BitVector) {
        self.membership = membership
        self.trainCorrect = trainCorrect
        self.testCorrect = testCorrect
    }

    /// A run whose membership is the subset mask it was trained on.
    public init(mask: SubsetMask, trainCorrect: BitVector, testCorrect: BitVector) {
        self.init(membership: BitVector(mask.isMember), trainCorrect: trainCorrect, testCorrect: testCorrect)
    }
}
