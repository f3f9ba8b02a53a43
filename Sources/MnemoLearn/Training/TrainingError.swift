/// Why a training run did not produce a model.
///
/// Prints as `diverged at epoch 3: the training loss is not finite`. Compare with the static
/// constructors (`error == .diverged(epoch: 3)`) or ask ``isDivergence``.
public struct TrainingError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Equatable {
        case diverged(epoch: Int)
        case exploded(epoch: Int, meanLoss: Double, limit: Double)
        case invalidConfiguration(field: String, problem: String)
        case invalidSubset(problem: String)
        case cancelled(epoch: Int)
    }

    private let code: Code

    /// The loss became NaN or infinite during `epoch` (1-based).
    public static func diverged(epoch: Int) -> TrainingError { TrainingError(code: .diverged(epoch: epoch)) }

    /// The mean training loss of `epoch` exceeded `limit`, far above a uniform guess's: the
    /// objective is driving the loss up (SharpReg with too large a ξ does this) without overflowing.
    public static func exploded(epoch: Int, meanLoss: Double, limit: Double) -> TrainingError {
        TrainingError(code: .exploded(epoch: epoch, meanLoss: meanLoss, limit: limit))
    }

    /// A hyperparameter is out of range.
    public static func invalidConfiguration(field: String, problem: String) -> TrainingError {
        TrainingError(code: .invalidConfiguration(field: field, problem: problem))
    }

    /// The training subset is empty or names examples the data does not have.
    public static func invalidSubset(problem: String) -> TrainingError {
        TrainingError(code: .invalidSubset(problem: problem))
    }

    /// The surrounding task was cancelled; training stopped before `epoch`.
    public static func cancelled(epoch: Int) -> TrainingError { TrainingError(code: .cancelled(epoch: epoch)) }

    /// Whether the run diverged (an application failure of the hyperparameters, not of the machine).
    public var isDivergence: Bool {
        switch code {
        case .diverged, .exploded: return true
        case .invalidConfiguration, .invalidSubset, .cancelled: return false
        }
    }

    /// Whether the run was cancelled rather than failed.
    public var isCancellation: Bool {
        if case .cancelled = code { return true }
        return false
    }

    public var description: String {
        switch code {
        case .diverged(let epoch): "diverged at epoch \(epoch): the training loss is not finite"
        case .exploded(let epoch, let meanLoss, let limit):
            "diverged at epoch \(epoch): the mean training loss \(meanLoss) exceeds \(limit) (20 × max(1, ln classes))"
        case .invalidConfiguration(let field, let problem): "training.\(field): \(problem)"
        case .invalidSubset(let problem): "training subset: \(problem)"
        case .cancelled(let epoch): "cancelled before epoch \(epoch)"
        }
    }
}
