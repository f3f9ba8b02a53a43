import MnemoLinalg

/// Feldman–Zhang influence of a set of training examples (rows) on a set of test examples (columns):
/// one same-class block `infl_c` (N_c × T_c), or the full n × t matrix.
///
/// Holds the sufficient statistics (influence sums, per-row n_in, per-column correct counts, runs), computes
/// the estimates at construction and their standard errors on demand.
public struct InfluenceMatrix: Sendable, Equatable {
    /// The class of a same-class block; nil for the full matrix.
    public let classIndex: Int?
    /// `trainIndices[row]`: the training example of each row.
    public let trainIndices: [Int]
    /// `testIndices[column]`: the test example of each column.
    public let testIndices: [Int]
    /// The number of runs behind the estimates.
    public let runs: Int
    /// `inSums[row, column]`: runs that trained on the row's example and classified the column's correctly.
    public let inSums: Matrix<Double>
    /// Per row, the runs whose subset contained its training example (n_in).
    public let trainInCounts: [Int]
    /// Per column, the runs that classified its test example correctly.
    public let testCorrectCounts: [Int]
    /// `values[row, column]` = infl = in_sum / n_in − (correct − in_sum) / (runs − n_in); NaN where the row's
    /// example was in every run or in none.
    public let values: Matrix<Double>

    /// An influence matrix from its sufficient statistics.
    ///
    /// - Parameters:
    ///   - classIndex: the class of a same-class block, nil for the full matrix.
    ///   - trainIndices: the training example of each row.
    ///   - testIndices: the test example of each column.
    ///   - runs: the number of runs.
    ///   - inSums: `Σ_k M_k[i]·C_k[j]`, rows × columns.
    ///   - trainInCounts: n_in of each row.
    ///   - testCorrectCounts: total correct runs of each column.
    public init(
        classIndex: Int?, trainIndices: [Int], testIndices: [Int], runs: Int, inSums: Matrix<Double>,
        trainInCounts: [Int], testCorrectCounts: [Int]
    ) {
        precondition(inSums.rows == trainIndices.count && inSums.columns == testIndices.count, "inSums shape")
        precondition(trainInCounts.count == trainIndices.count, "one n_in per row")
        precondition(testCorrectCounts.count == testIndices.count, "one correct count per column")
        self.classIndex = classIndex
        self.trainIndices = trainIndices
        self.testIndices = testIndices
        self.runs = runs
        self.inSums = inSums
        self.trainInCounts = trainInCounts
        self.testCorrectCounts = testCorrectCounts
        let columns = inSums.columns
        let correct = testCorrectCounts.map(Double.init)
        var values = Matrix<Double>(rows: inSums.rows, columns: columns)
        values.storage.withUnsafeMutableBufferPointer { target in
            inSums.storage.withUnsafeBufferPointer { sums in
                for row in 0..<inSums.rows {
                    let inCount = Double(trainInCounts[row])
                    let outCount = Double(runs - trainInCounts[row])
                    for column in 0..<columns {
                        let inCorrect = sums[row * columns + column]
                        target[row * columns + column] = FeldmanZhang.estimate(
                            inCorrect: inCorrect, inCount: inCount, outCorrect: correct[column] - inCorrect,
                            outCount: outCount)
                    }
                }
            }
        }
        self.values = values
    }

    /// The standard error of `values[row, column]`; NaN where the value is.
    public func standardError(row: Int, column: Int) -> Double {
        let inCorrect = inSums[row, column]
        return FeldmanZhang.standardError(
            inCorrect: inCorrect, inCount: Double(trainInCounts[row]),
            outCorrect: Double(testCorrectCounts[column]) - inCorrect, outCount: Double(runs - trainInCounts[row]))
    }

    /// The standard errors of every entry, same shape as ``values``.
    public func standardErrors() -> Matrix<Double> {
        var errors = Matrix<Double>(rows: inSums.rows, columns: inSums.columns)
        for row in 0..<inSums.rows {
            for column in 0..<inSums.columns {
                errors[row, column] = standardError(row: row, column: column)
            }
        }
        return errors
    }
}
