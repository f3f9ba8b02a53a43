/// How long the ranked lists of an export are.
public struct ExportSizes: Sendable, Equatable {
    /// The influence pairs `influence_top.csv` lists.
    public var topPairs: Int
    /// The training examples `influencers.csv` lists for each test example.
    public var influencers: Int

    public init(topPairs: Int = 1000, influencers: Int = 5) {
        self.topPairs = topPairs
        self.influencers = influencers
    }
}
