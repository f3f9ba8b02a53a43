import MnemoLinalg
import Testing

@Suite struct BLASTests {
    /// A deterministic pseudo-random matrix with small integer entries, so Float products are exact.
    static func matrix(_ rows: Int, _ columns: Int, salt: Int) -> [Float] {
        (0..<rows * columns).map { Float(($0 * 7 + salt * 13) % 11) - 5 }
    }

    static func naive(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transA: Bool, transB: Bool) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = 0
                for p in 0..<k {
                    sum += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j])
                }
                c[i * n + j] = sum
            }
        }
        return c
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func sgemmMatchesANaiveProductForEveryTransposition(transA: Bool, transB: Bool) {
        let (m, n, k) = (5, 7, 3)
        let a = Self.matrix(transA ? k : m, transA ? m : k, salt: 1)
        let b = Self.matrix(transB ? n : k, transB ? k : n, salt: 2)
        var c = [Float](repeating: 1, count: m * n)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    BLAS.sgemm(
                        transA ? .transposed : .none, transB ? .transposed : .none, m: m, n: n, k: k,
                        a: a.baseAddress!, lda: transA ? m : k, b: b.baseAddress!, ldb: transB ? k : n,
                        beta: 0, c: c.baseAddress!, ldc: n)
                }
            }
        }
        #expect(c == Self.naive(a, b, m: m, n: n, k: k, transA: transA, transB: transB))
    }

    @Test func dgemmAccumulatesWithBeta() {
        let a: [Double] = [1, 2, 3, 4]
        let b: [Double] = [5, 6, 7, 8]
        var c: [Double] = [1, 1, 1, 1]
        BLAS.dgemm(.none, .none, m: 2, n: 2, k: 2, a: a, lda: 2, b: b, ldb: 2, beta: 1, c: &c, ldc: 2)
        // [1 2; 3 4]·[5 6; 7 8] = [19 22; 43 50], plus the ones already in C.
        #expect(c == [20, 23, 44, 51])
    }

    @Test func threadSettingTakesEffect() {
        BLAS.setThreads(1)
        #expect(BLAS.threads == 1)
    }
}
