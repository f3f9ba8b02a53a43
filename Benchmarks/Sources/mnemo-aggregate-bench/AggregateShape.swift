/// The shape of an aggregation benchmark: runs × training examples × test examples, over classes with
/// labels `i mod classes` (so every class has n / classes training and t / classes test examples).
struct AggregateShape: Codable, Equatable {
    var runs = 4000
    var train = 50_000
    var test = 10_000
    var classes = 100

    /// `runs × train × test, classes classes`, as the README writes it.
    var description: String {
        "\(runs.formatted()) × \(train.formatted()) × \(test.formatted()), \(classes) classes"
    }

    /// Floating-point operations of the same-class products: 2 · runs · Σ_c N_c · T_c.
    var classBlockFlops: Double {
        (0..<classes).reduce(0.0) { total, c in
            total + 2 * Double(runs) * Double(count(of: c, in: train)) * Double(count(of: c, in: test))
        }
    }

    /// Examples of class `c` among `total` labelled `i mod classes`.
    func count(of c: Int, in total: Int) -> Int {
        total / classes + (c < total % classes ? 1 : 0)
    }
}

extension Int {
    /// 50,000: thousands separated by commas.
    func formatted() -> String {
        let digits = String(self)
        var out = ""
        for (position, character) in digits.enumerated() {
            if position > 0, (digits.count - position) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return out
    }
}
