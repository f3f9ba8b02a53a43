/// One run of a trial as the attacks see it: which training examples it trained on and the membership
/// signals of its training and test examples.
public struct RunSignals: Sendable {
    /// The run's subset index k.
    public var subset: Int
    /// `isMember[i]`: whether training example i was in the run's subset.
    public var isMember: [Bool]
    /// Signals over the training examples.
    public var train: [MembershipSignal: [Double]]
    /// Signals over the test examples (the population samples of RMIA).
    public var test: [MembershipSignal: [Double]]
    /// The training examples' sorted probability vectors (n × classes), for the NN attack: kept for the
    /// target only, when it stored probabilities or logits.
    public var sortedProbabilities: [Float]?

    /// A run from signals computed elsewhere.
    public init(subset: Int, isMember: [Bool], train: [MembershipSignal: [Double]], test: [MembershipSignal: [Double]]) {
        self.subset = subset
        self.isMember = isMember
        self.train = train
        self.test = test
    }

    /// A run whose `signals` are derived from its stored outputs; those its outputs cannot give are
    /// left out.
    public init(subset: Int, isMember: [Bool], train: StoredOutputs, test: StoredOutputs, signals: Set<MembershipSignal>) {
        precondition(isMember.count == train.labels.count, "one membership flag per training example")
        self.subset = subset
        self.isMember = isMember
        self.train = Dictionary(uniqueKeysWithValues: signals.compactMap { signal in train.signal(signal).map { (signal, $0) } })
        self.test = Dictionary(uniqueKeysWithValues: signals.compactMap { signal in test.signal(signal).map { (signal, $0) } })
    }
}
