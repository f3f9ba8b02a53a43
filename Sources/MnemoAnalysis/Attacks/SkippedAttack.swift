/// An attack an audit did not run, with what it needs: an output the sweep did not store, reference
/// runs, or data of another kind. Skipping is not an error.
public struct SkippedAttack: Sendable, Equatable, Encodable {
    public var attack: MembershipAttack
    /// What it would take, e.g. "logits or loss".
    public var needs: String

    public init(attack: MembershipAttack, needs: String) {
        self.attack = attack
        self.needs = needs
    }

    /// The sentence a report shows: "needs logits or loss".
    public var explanation: String { "needs \(needs)" }

    enum CodingKeys: String, CodingKey {
        case attack = "name"
        case needs
    }
}
