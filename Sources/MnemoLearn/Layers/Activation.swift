/// The element-wise function a layer applies to its affine output.
enum Activation: Sendable, Equatable {
    /// No function: the output is the affine map (logits).
    case identity
    /// `max(x, 0)`; its derivative is taken as 0 at 0, as PyTorch does.
    case relu
}
