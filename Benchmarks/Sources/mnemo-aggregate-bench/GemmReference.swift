import Foundation
import MnemoLinalg

/// Raw `sgemm` on the shapes the aggregation uses: per block of runs and per class, `M_cᵀ · C_c` with
/// `M_c` (block × N_c) and `C_c` (block × T_c) of random 0/1 floats, accumulated into N_c × T_c.
struct GemmReference {
    let shape: AggregateShape
    let blockRuns: Int

    /// Seconds for every product of a trial (buffers filled beforehand, not timed).
    func seconds() -> Double {
        var generator = SystemRandomNumberGenerator()
        let maxRows = shape.count(of: 0, in: shape.train)
        let maxColumns = shape.count(of: 0, in: shape.test)
        let a = (0..<(blockRuns * maxRows)).map { _ in Float(UInt8.random(in: 0...1, using: &generator)) }
        let b = (0..<(blockRuns * maxColumns)).map { _ in Float(UInt8.random(in: 0...1, using: &generator)) }
        var c = [Float](repeating: 0, count: shape.classes * maxRows * maxColumns)
        let start = Date()
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    for blockStart in stride(from: 0, to: shape.runs, by: blockRuns) {
                        let k = min(blockRuns, shape.runs - blockStart)
                        for cls in 0..<shape.classes {
                            let rows = shape.count(of: cls, in: shape.train)
                            let columns = shape.count(of: cls, in: shape.test)
                            BLAS.sgemm(
                                .transposed, .none, m: rows, n: columns, k: k, a: a.baseAddress!, lda: rows,
                                b: b.baseAddress!, ldb: columns, beta: 1, c: c.baseAddress! + cls * maxRows * maxColumns,
                                ldc: columns)
                        }
                    }
                }
            }
        }
        return Date().timeIntervalSince(start)
    }
}
