/// An attack an audit did not run, with what it needs: an output the sweep did not store, reference
/// runs, or code not built yet. Skipping is not an error.
public struct SkippedAttack: Sendable, Equatable, Encodable {
    public var attack: MembershipAttack
    /// What it would take, e.g. "logits or loss".
    public var needs: String

    public init(attack: MembershipAttack, needs: String) {
        self.attack = attack
        self.needs = needs
    }

    /// The sentence a report shows: "needs logits or loss", or "not built yet (…)".
    public var explanation: String {
        attack.notBuilt == nil ? "needs \(needs)" : needs
    }

    enum CodingKeys: String, CodingKey {
        case attack = "name"
        case needs
    }
}
