import Foundation
import MnemoAnalysis
import MnemoCore
import MnemoData
import MnemoStore

extension SweepReport {
    /// The density of memorization estimates (the SAM paper's form): bins of 0.05, area 1.
    static func memorizationHistogram(_ scores: TrialScores, trial: Int, into page: inout HTMLDocument, files: inout ReportFiles) {
        let values = scores.analysis.memorization.values.filter { !$0.isNaN }
        guard !values.isEmpty else {
            page.missing("No memorization estimate is defined yet: every example was in every subset, or in none.")
            return
        }
        let width = 0.05
        let low = min(0, (values.min()! / width).rounded(.down) * width)
        let bins = Int(((1 + width - low) / width).rounded())
        var counts = [Int](repeating: 0, count: bins)
        // Estimates are differences of fractions and often fall on a bin edge: a hair of slack keeps
        // them in the bin they start (0.15 / 0.05 is 2.9999999999999996 in floating point).
        for value in values { counts[min(bins - 1, max(0, Int(((value - low) / width + 1e-9).rounded(.down))))] += 1 }
        let points = counts.enumerated().map { index, count in
            Chart.Point(x: low + Double(index) * width, y: Double(count) / (Double(values.count) * width), x2: low + Double(index + 1) * width)
        }
        var chart = Chart(
            title: "Memorization, trial \(trial)", xLabel: "memorization estimate mem(i)", yLabel: "density",
            series: [Chart.Series("training examples", .bars, points)])
        chart.xRange = low...(1 + width)
        files.add(chart, as: "trial-\(trial)-memorization-histogram.csv", to: &page,
            caption: "Density of the \(values.count) defined estimates (bins of \(width)); undefined ones (NaN) left out.")
    }

    /// The most memorized training examples and the strongest influence pairs: thumbnails for image
    /// datasets (with contact sheets beside the page), feature rows otherwise.
    static func topExamples(
        _ scores: TrialScores, trial: Int, examples: DatasetExamples?, gallery: ExampleGallery?, into page: inout HTMLDocument,
        files: inout ReportFiles
    ) throws {
        let dataset = scores.analysis.dataset
        let flipped = Set(dataset.flippedIndices)
        let (top, leftOut) = scores.topMemorized(topCount, maximumSE: TrialScores.defaultMaximumSE)
        page.heading("Most memorized training examples", level: 3)
        if leftOut > 0 {
            page.paragraph("\(leftOut) examples that would rank among these were left out: their SE is above \(TrialScores.defaultMaximumSE).")
        }
        if top.isEmpty {
            page.missing("No estimate has an SE of at most \(TrialScores.defaultMaximumSE) yet: more runs will fill this list.")
        }
        var csv = ["rank,train_index,label,original_label,flipped,mem,se"]
        for (rank, entry) in top.enumerated() {
            csv.append("\(rank),\(entry.index),\(dataset.trainLabels[entry.index]),\(dataset.originalTrainLabels[entry.index]),\(flipped.contains(entry.index)),\(entry.mem),\(entry.se)")
        }
        try files.write(csv.joined(separator: "\n") + "\n", to: "trial-\(trial)-top-memorized.csv")
        if let gallery, !top.isEmpty {
            var html = "<div class=\"gallery\">"
            for entry in top {
                let mark = flipped.contains(entry.index) ? " flipped" : ""
                let caption = "#\(entry.index) label \(dataset.trainLabels[entry.index])"
                    + (mark.isEmpty ? "" : " (was \(dataset.originalTrainLabels[entry.index]), flipped)")
                    + String(format: "<br>mem %.2f ± %.2f", entry.mem, entry.se)
                html += "<div class=\"example\(mark)\">\(image(gallery.thumbnail(train: true, index: entry.index)))<br>\(caption)</div>"
            }
            page.raw(html + "</div>")
            let marked = Set(top.enumerated().filter { flipped.contains($0.element.index) }.map(\.offset))
            let sheet = gallery.sheet(top.map { (true, $0.index) }, columns: 6, marked: marked)
            try files.write(sheet.encoded(), to: "trial-\(trial)-top-memorized.png")
            page.paragraph("Red border: a planted label flip. Contact sheet: trial-\(trial)-top-memorized.png (order as in trial-\(trial)-top-memorized.csv).")
        } else if let examples, !top.isEmpty {
            page.table(
                header: ["train index", "label", "mem ± SE", "first features"],
                rows: top.map { entry in
                    [
                        "\(entry.index)\(flipped.contains(entry.index) ? " (flipped)" : "")", "\(dataset.trainLabels[entry.index])",
                        String(format: "%.3f ± %.3f", entry.mem, entry.se), features(examples.train, entry.index),
                    ]
                })
        } else if !top.isEmpty {
            page.table(
                header: ["train index", "label", "mem ± SE"],
                rows: top.map { ["\($0.index)", "\(dataset.trainLabels[$0.index])", String(format: "%.3f ± %.3f", $0.mem, $0.se)] })
        }

        let pairs = scores.topPairs(pairCount, maximumSE: TrialScores.defaultMaximumSE)
        page.heading("Strongest influence pairs (training example → test example of its class)", level: 3)
        var pairCSV = ["rank,train_index,test_index,label,infl,se"]
        for (rank, pair) in pairs.enumerated() {
            pairCSV.append("\(rank),\(pair.train),\(pair.test),\(dataset.testLabels[pair.test]),\(pair.influence),\(pair.standardError)")
        }
        try files.write(pairCSV.joined(separator: "\n") + "\n", to: "trial-\(trial)-top-pairs.csv")
        if pairs.isEmpty {
            page.missing("No influence estimate has an SE of at most \(TrialScores.defaultMaximumSE) yet: more runs will fill this list.")
        } else if let gallery {
            var html = "<div class=\"gallery\">"
            for pair in pairs {
                html += "<div class=\"pair\"><div class=\"example\(flipped.contains(pair.train) ? " flipped" : "")\">"
                    + "\(image(gallery.thumbnail(train: true, index: pair.train)))<br>train #\(pair.train) label \(dataset.trainLabels[pair.train])</div>"
                    + "<div class=\"example\">\(image(gallery.thumbnail(train: false, index: pair.test)))<br>test #\(pair.test) label \(dataset.testLabels[pair.test])"
                    + String(format: "<br>infl %.2f ± %.2f", pair.influence, pair.standardError) + "</div></div>"
            }
            page.raw(html + "</div>")
            let items = pairs.flatMap { [(true, $0.train), (false, $0.test)] }
            let marked = Set(pairs.enumerated().filter { flipped.contains($0.element.train) }.map { 2 * $0.offset })
            try files.write(gallery.sheet(items, columns: 8, marked: marked).encoded(), to: "trial-\(trial)-top-pairs.png")
            page.paragraph("Contact sheet: trial-\(trial)-top-pairs.png, training and test example side by side, pairs in the order of trial-\(trial)-top-pairs.csv.")
        } else {
            page.table(
                header: ["train index", "test index", "label", "infl ± SE"],
                rows: pairs.map { pair in
                    ["\(pair.train)", "\(pair.test)", "\(dataset.testLabels[pair.test])", String(format: "%.3f ± %.3f", pair.influence, pair.standardError)]
                })
        }
    }

    /// Every trial's test accuracy per bucket with 95% intervals (the SAM paper's Figure 5 form), and the
    /// paired differences against the reference trial, for both bucket schemes.
    static func bucketCharts(
        store: Store, sweep: String, spec: SweepSpec, trials: [SweepComparison.Row], into page: inout HTMLDocument,
        files: inout ReportFiles
    ) throws {
        let table = try BucketAccuracyTable.load(store: store, sweepName: sweep)
        let reference = table.referenceTrial
        page.paragraph("Buckets from the influence estimates of the reference trial \(reference) (analysis.reference_trial); every trial's accuracy on the same test examples.")
        let others = trials.filter { $0.index != reference }
        var paired: [(SweepComparison.Row, PairedComparison)] = []
        for row in others {
            if let comparison = try? PairedComparison.load(
                store: store, sweepName: sweep, a: TrialSelector(trialIndex: reference), b: TrialSelector(trialIndex: row.index))
            {
                paired.append((row, comparison))
            }
        }
        let ticks = (1...ReferenceBuckets.bucketCount).map { (Double($0), "\($0)") }
        let labels = Dictionary(trials.map { ($0.index, TrialLabel.of($0)) }, uniquingKeysWith: { first, _ in first })
        for scheme in ReferenceBuckets.Scheme.allCases {
            guard let buckets = table.schemes[scheme] else { continue }
            var chart = Chart(
                title: "Test accuracy per bucket (\(scheme.rawValue))", xLabel: "\(scheme.rawValue) influence-entropy bucket", yLabel: "test accuracy",
                series: buckets.trials.map { row in
                    Chart.Series("trial \(row.index): \(labels[row.index] ?? row.name)", .intervals, row.accuracy.enumerated().map { bucket, value in
                        Chart.Point(x: Double(bucket + 1), y: value.mean, low: value.low, high: value.high)
                    })
                })
            chart.xTicks = ticks
            files.add(chart, as: "all-bucket-accuracy-\(scheme.rawValue).csv", to: &page,
                caption: "Buckets: \(scheme.legend). Mean over runs with 95% intervals; bucket sizes \(buckets.examples.map(String.init).joined(separator: " / ")).")
            guard !paired.isEmpty else { continue }
            var differences = Chart(
                title: "Paired difference against trial \(reference) (\(scheme.rawValue))", xLabel: "\(scheme.rawValue) influence-entropy bucket",
                yLabel: "accuracy − trial \(reference)",
                series: paired.map { row, comparison in
                    Chart.Series("trial \(row.index) − trial \(reference)", .intervals, (comparison.buckets[scheme] ?? []).map { bucket in
                        Chart.Point(x: Double(bucket.bucket), y: bucket.difference.mean, low: bucket.difference.low, high: bucket.difference.high)
                    })
                })
            differences.xTicks = ticks
            files.add(differences, as: "all-bucket-paired-\(scheme.rawValue).csv", to: &page,
                caption: "Over the runs both trials share (same subsets and seeds); an interval that excludes 0 is a resolved difference.")
        }
        if paired.isEmpty, trials.count > 1 {
            page.missing("No paired differences: the trials share no runs (different seeds or masks).")
        }
    }

    /// Mean SE of memorization against the number of runs, per trial.
    static func convergenceChart(_ trials: [(String, TrialConvergence)], into page: inout HTMLDocument, files: inout ReportFiles) {
        let chart = Chart(
            title: "Convergence of the estimates", xLabel: "runs", yLabel: "mean SE of mem",
            series: trials.map { name, convergence in
                Chart.Series(name, .line, convergence.checkpoints.map { Chart.Point(x: Double($0.runs), y: $0.meanMemSE) })
            })
        guard !chart.isEmpty else {
            page.missing("Too few runs for a convergence curve: it needs estimates at two numbers of runs at least.")
            return
        }
        files.add(chart, as: "all-convergence.csv", to: &page,
            caption: "Mean standard error of the defined memorization estimates after each block of runs (convergence.csv of `mnemo export` has the significance changes too).")
    }

    static func image(_ png: PNGImage) -> String {
        "<img alt=\"\" src=\"data:image/png;base64,\(png.encoded().base64EncodedString())\">"
    }

    private static func features(_ split: LabeledData, _ index: Int) -> String {
        let row = split.features[(index * split.dimension)..<(index * split.dimension + min(8, split.dimension))]
        return row.map { String(format: "%.3g", $0) }.joined(separator: ", ") + (split.dimension > 8 ? ", …" : "")
    }
}

extension ReportFiles {
    /// Writes the chart's numbers to `name` and puts the chart on the page.
    mutating func add(_ chart: Chart, as name: String, to page: inout HTMLDocument, caption: String) {
        do {
            try write(chart.csv(), to: name)
            page.figure(chart, csv: name, caption: caption)
        } catch {
            page.missing("Could not write \(name): \(error).")
        }
    }
}
