/// The per-run scratch memory of a ``Sequential`` model for batches of up to `capacity` rows:
/// a gathered input batch with its labels, each layer's output and, for training, each layer's
/// output gradient. Allocated once; the hot loop only reads and writes it.
final class Workspace {
    /// Maximum rows per batch.
    let capacity: Int
    /// A gathered input batch, `capacity × inputWidth`.
    let input: FloatBuffer
    /// The labels of the gathered batch.
    let labels: UnsafeMutablePointer<Int32>
    /// Output of layer l, `capacity × outputWidth(l)`.
    let activations: [FloatBuffer]
    /// ∂loss/∂output of layer l, same shapes; empty for an inference-only workspace.
    let gradients: [FloatBuffer]
    /// Scratch memory shared by the layers (each uses it only within one call).
    let scratch: FloatBuffer

    /// Scratch memory for `model` and batches of up to `capacity` rows.
    init(model: Sequential, capacity: Int, training: Bool) {
        precondition(capacity > 0, "batch capacity must be positive")
        self.capacity = capacity
        input = FloatBuffer(count: capacity * model.inputWidth)
        labels = .allocate(capacity: capacity)
        labels.initialize(repeating: 0, count: capacity)
        activations = model.layers.map { FloatBuffer(count: capacity * $0.outputWidth) }
        gradients = training ? model.layers.map { FloatBuffer(count: capacity * $0.outputWidth) } : []
        scratch = FloatBuffer(count: model.layers.map(\.scratchCount).max() ?? 0)
    }

    /// The bytes a workspace for `model` and `capacity` rows allocates.
    static func byteCount(model: Sequential, capacity: Int, training: Bool) -> Int {
        let outputs = model.layers.reduce(0) { $0 + $1.outputWidth }
        let floats = capacity * (model.inputWidth + (training ? 2 : 1) * outputs)
            + (model.layers.map(\.scratchCount).max() ?? 0)
        return floats * MemoryLayout<Float>.stride + capacity * MemoryLayout<Int32>.stride
    }

    deinit {
        labels.deinitialize(count: capacity)
        labels.deallocate()
    }

    /// Copies rows `indices` of `data` (n × width, row-major) and their labels into the batch.
    func gather(
        _ indices: UnsafeBufferPointer<Int>, from features: UnsafePointer<Float>, labels source: UnsafePointer<Int32>,
        width: Int
    ) {
        precondition(indices.count <= capacity, "batch larger than the workspace")
        for (row, index) in indices.enumerated() {
            (input.pointer + row &* width).update(from: features + index &* width, count: width)
            labels[row] = source[index]
        }
    }
}
