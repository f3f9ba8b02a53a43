import Foundation
import MnemoAnalysis
import MnemoCore
import MnemoStore

extension SweepReport {
    /// What a trial's membership audit gave: the audit (nil when it could not run) and the variance of
    /// the true-class confidence on non-members (nil without a confidence signal).
    typealias TrialAudit = (row: SweepComparison.Row, audit: MembershipAudit?, variance: MeanInterval?)

    /// The most points a ROC curve keeps (evenly spaced along the curve, ends included).
    static let rocPoints = 400

    /// `mnemo attack`'s default audit of one trial: run 0 as target, the trial's other runs as
    /// reference; ROC curves on log–log axes with TPR at 0.1% FPR marked, the metrics table, the attacks
    /// that could not run with what they need.
    static func audit(
        store: Store, sweep: String, row: SweepComparison.Row, into page: inout HTMLDocument, files: inout ReportFiles
    ) -> TrialAudit {
        page.heading("Membership audit (run 0 as target, \(max(0, row.runs - 1)) reference runs)", level: 3)
        let inputs: AuditInputs
        let audit: MembershipAudit
        do {
            inputs = try AuditInputs.load(store: store, sweepName: sweep, trialIndex: row.index, targetIndex: 0)
            audit = try MembershipAudit.run(inputs)
        } catch {
            page.missing("The audit cannot run: \(error).")
            return (row, nil, nil)
        }
        guard audit.evaluatedPerSide > 1 else {
            page.missing("Too few examples evaluated per side (\(audit.evaluatedPerSide)) for a ROC curve.")
            return (row, audit, nonMemberConfidenceVariance(inputs))
        }
        let floor = max(1e-4, 1 / Double(audit.evaluatedPerSide))
        var series = audit.results.map { result in
            Chart.Series(result.attack.rawValue, .line, thinned(result.firstSplit.curve).filter { $0.x >= floor && $0.y >= floor })
        }
        series.append(Chart.Series("chance", .dashed, [Chart.Point(x: floor, y: floor), Chart.Point(x: 1, y: 1)], color: "#444"))
        // With fewer than 1,000 non-members the lowest false-positive rate measured is 1/n: the mark sits there.
        let markX = max(0.001, floor)
        let marks = audit.results.compactMap { result -> Chart.Point? in
            let tpr = result.mean.tprAtPointOnePercentFPR
            return tpr >= floor
                ? Chart.Point(x: markX, y: tpr, label: result.attack.rawValue + String(format: " %.1f%%", tpr * 100)) : nil
        }
        if !marks.isEmpty { series.append(Chart.Series("TPR at 0.1% FPR (mean over splits)", .markers, marks, color: "#000")) }
        var chart = Chart(title: "ROC, trial \(row.index)", xLabel: "false-positive rate", yLabel: "true-positive rate", series: series)
        chart.xScale = .log
        chart.yScale = .log
        chart.xRange = floor...1
        chart.yRange = floor...1
        files.add(chart, as: "trial-\(row.index)-roc.csv", to: &page,
            caption: "First of \(audit.results.first?.splits ?? 0) splits, \(audit.evaluatedPerSide) members against as many non-members; log–log axes (the low-FPR regime LiRA argues for)."
                + (markX > 0.001 ? String(format: " With %d non-members the lowest FPR measured is %.4f: TPR at 0.1%% FPR is marked there.", audit.evaluatedPerSide, markX) : ""))
        page.table(
            header: ["attack", "AUC", "advantage", "TPR at 0.1% FPR", "TPR at 1% FPR", "accuracy"],
            rows: audit.results.map { result in
                [result.attack.rawValue] + AttackMetrics.fields.map { field in
                    String(format: "%.3f ± %.3f", result.mean[keyPath: field.path], result.std[keyPath: field.path])
                }
            })
        for skipped in audit.skipped {
            var line = "\(skipped.attack.rawValue): \(skipped.explanation)"
            // An output the sweep did not store: name the `outputs:` entry that would fill it.
            if let signal = skipped.attack.signal, skipped.needs == signal.needs, let first = signal.sources.first {
                line += "; add it to the sweep's outputs, e.g. `outputs: [correctness, \(first.rawValue)]`"
            }
            page.missing(line)
        }
        return (row, audit, nonMemberConfidenceVariance(inputs))
    }

    /// Test accuracy against attack advantage, one point per trial and attack (the PAST paper's
    /// Figure 3 form), and the non-member confidence variance per trial.
    static func privacyUtility(_ audits: [TrialAudit], into page: inout HTMLDocument, files: inout ReportFiles) {
        let attacks = Array(Set(audits.flatMap { $0.audit?.results.map(\.attack) ?? [] })).sorted { $0.rawValue < $1.rawValue }
        var chart = Chart(
            title: "Privacy–utility", xLabel: "attack advantage (TPR − FPR at the best threshold)", yLabel: "test accuracy",
            series: attacks.map { attack in
                Chart.Series(attack.rawValue, .markers, audits.compactMap { entry in
                    guard let result = entry.audit?.results.first(where: { $0.attack == attack }),
                        let accuracy = entry.row.metrics["test_accuracy"]?.mean
                    else { return nil }
                    return Chart.Point(x: result.mean.advantage, y: accuracy, label: "trial \(entry.row.index)")
                })
            })
        // Accuracies stay within [0, 1]: a margin around them, not a range fitted past 1.
        let accuracies = chart.series.flatMap { $0.points.map(\.y) }.filter(\.isFinite)
        if let low = accuracies.min(), let high = accuracies.max() {
            chart.yRange = max(0, low - 0.05)...min(1, max(high + 0.05, low - 0.05 + 0.1))
        }
        if chart.isEmpty {
            page.missing("No trial could be audited: each needs at least \(MembershipAudit.minimumReferenceRuns + 1) runs.")
        } else {
            files.add(chart, as: "all-privacy-utility.csv", to: &page,
                caption: "Each trial's mean test accuracy against each attack's mean advantage over its splits.")
        }
        let variances = audits.compactMap { entry in entry.variance.map { (entry.row, $0) } }
        guard !variances.isEmpty else {
            page.missing("Non-member confidence variance: needs the true-class confidence of every run; add `outputs: [confidence]` (or loss, probability or logits) to the sweep.")
            return
        }
        var spread = Chart(
            title: "Confidence variance on non-members", xLabel: "trial", yLabel: "variance of true-class confidence",
            series: [
                Chart.Series("mean over runs, 95% interval", .intervals, variances.map { row, value in
                    Chart.Point(x: Double(row.index), y: value.mean, low: value.low, high: value.high, label: TrialLabel.of(row))
                })
            ])
        spread.xTicks = variances.map { (Double($0.0.index), "\($0.0.index)") }
        files.add(spread, as: "all-nonmember-confidence-variance.csv", to: &page,
            caption: "Variance of each run's true-class confidence over the training examples outside its subset (the SAM paper's variance-contraction argument), per trial.")
    }

    /// The variance of the true-class confidence over each run's non-members, as an interval over the
    /// runs that have the signal.
    static func nonMemberConfidenceVariance(_ inputs: AuditInputs) -> MeanInterval? {
        let variances = ([inputs.target] + inputs.references).compactMap { run -> Double? in
            guard let confidence = run.train[.confidence] else { return nil }
            let outside = confidence.indices.filter { !run.isMember[$0] }.map { confidence[$0] }
            guard outside.count > 1 else { return nil }
            let mean = outside.reduce(0, +) / Double(outside.count)
            return outside.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(outside.count - 1)
        }
        return variances.count > 1 ? MeanInterval(of: variances) : nil
    }

    /// At most ``rocPoints`` points of a curve, evenly spaced along it.
    private static func thinned(_ curve: ROCCurve) -> [Chart.Point] {
        let count = curve.falsePositiveRates.count
        let step = max(1, count / rocPoints)
        let indices = Array(stride(from: 0, to: count, by: step)) + (count > 0 && (count - 1) % step != 0 ? [count - 1] : [])
        return indices.map { Chart.Point(x: curve.falsePositiveRates[$0], y: curve.truePositiveRates[$0]) }
    }
}
