import Foundation
import MnemoStore
import MnemoTestSupport
import Testing

/// `mnemo report`: a self-contained page whose every chart has axes and its numbers in a CSV beside it,
/// pictures of examples for an image dataset (inline, and contact sheets that any PNG reader opens),
/// and, for a correctness-only sweep, the sections it can fill and the `outputs:` entry the others need.
@Suite(.serialized, .enabled(if: FileManager.default.fileExists(atPath: SweepFixture.fashionMNISTDirectory) && NumPy.isAvailable))
struct ReportCommandTests {
    static let sweep = """
        name: pictured
        seed: 3
        dataset: {name: fashion-mnist, train_limit: 600, test_limit: 200, label_noise: 0.05}
        model: {kind: mlp, hidden: [32]}
        training: {batch_size: 64, learning_rate: 0.05, max_epochs: 4}
        estimator: {subsets: 16, ratio: 0.5}
        outputs: [correctness, confidence, loss]
        grid:
          objective:
            - {kind: standard}
            - {kind: sam, rho: 0.05}
        """

    /// The `<svg>` elements of a page.
    static func charts(in html: String) -> [Substring] {
        html.components(separatedBy: "<svg").dropFirst().map { $0.prefix { _ in true }.split(separator: "</svg>", maxSplits: 1).first ?? "" }
    }

    /// Checks the page is self-contained and every chart has both axes, something drawn and a CSV.
    static func checkPage(_ html: String, in folder: String) throws {
        #expect(!html.contains("<script"), "no script")
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("url(http"), "nothing from the network")
        let charts = Self.charts(in: html)
        #expect(!charts.isEmpty)
        for chart in charts {
            #expect(chart.contains("class=\"axis x-axis\"") && chart.contains("class=\"axis y-axis\""), "\(chart.prefix(300))")
            #expect(chart.contains("<rect") || chart.contains("<circle") || chart.contains("<polyline"), "\(chart.prefix(300))")
        }
        let linked = html.components(separatedBy: "</svg><figcaption>").dropFirst().compactMap { caption in
            caption.components(separatedBy: "<a href=\"").dropFirst().first?.split(separator: "\"").first.map(String.init)
        }
        #expect(linked.count == charts.count, "every chart links its CSV")
        for name in linked {
            #expect(FileManager.default.fileExists(atPath: "\(folder)/\(name)"), "\(name)")
        }
    }

    @Test func anImageSweepsReportHasEveryChartPicturesAndTheNumbersOfExport() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(Self.sweep, to: "pictured.yaml")
        let run = try MnemoProcess.run(["run", sweep, "--workers", "2", "--no-progress"], in: dir, label: "run", timeout: 300)
        #expect(run.status == 0, "\(run.stderr)")
        let report = try MnemoProcess.run(["report", dir.path("pictured.sqlite"), "--out", dir.path("report")], in: dir, label: "report")
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: dir.path("report/report.html"), encoding: .utf8)
        try Self.checkPage(html, in: dir.path("report"))
        for section in ["Memorization, trial 0", "ROC, trial 1", "Test accuracy per bucket (raw)", "Test accuracy per bucket (thresholded)",
            "Paired difference against trial 0 (raw)", "Privacy–utility", "Confidence variance on non-members", "Convergence of the estimates"]
        {
            #expect(html.contains("<title>\(section)</title>"), "\(section)")
        }
        #expect(html.contains("<img alt=\"\" src=\"data:image/png;base64,"), "inline thumbnails")
        // Trials are named for reading, not in the JSON they are stored under.
        #expect(html.contains("Trial 1: objective=sam(rho 0.05)"), "\(html.prefix(4000))")
        #expect(html.contains("Trial 0: objective=standard"))
        // Every series of a chart has a colour of its own (the audit's nine attacks, chance and the marks too).
        for chart in Self.charts(in: html) {
            let legend = chart.components(separatedBy: "<g class=\"legend\">").dropFirst().first ?? ""
            let colours = legend.components(separatedBy: "fill=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
            #expect(Set(colours).count == colours.count, "repeated colours in \(chart.prefix(200))")
        }
        // Trial 0's most memorized: one picture per row of its CSV, planted flips (and only they) in red.
        let listed = try String(contentsOfFile: dir.path("report/trial-0-top-memorized.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst()
        let gallery = html.components(separatedBy: "Most memorized training examples")[1].components(separatedBy: "Strongest influence pairs")[0]
        #expect(listed.count > 0 && gallery.components(separatedBy: "<img").count - 1 == listed.count, "\(listed)")
        #expect(
            gallery.components(separatedBy: "class=\"example flipped\"").count - 1 == listed.filter { $0.contains(",true,") }.count,
            "\(listed)")

        // Independent checks, in NumPy: the histogram is a density (area 1) over the estimates that
        // `mnemo export` writes; the most memorized list is export's ranking among SE ≤ 0.25; the
        // contact sheets are valid PNGs of the documented size.
        let export = try MnemoProcess.run(["export", dir.path("pictured.sqlite"), "--out", dir.path("export")], in: dir, label: "export")
        #expect(export.status == 0, "\(export.stderr)")
        let out = try NumPy.run(
            """
            import csv, struct, sys, zlib
            import numpy as np
            report, export = sys.argv[1], sys.argv[2]
            rows = list(csv.DictReader(open(f"{report}/trial-0-memorization-histogram.csv")))
            area = sum(float(r["y"]) * (float(r["x2"]) - float(r["x"])) for r in rows)
            mem = [r for r in csv.DictReader(open(f"{export}/memorization.csv"))]
            values = np.array([float(r["mem"]) for r in mem])
            defined = values[~np.isnan(values)]
            counts = sum(round(float(r["y"]) * (float(r["x2"]) - float(r["x"])) * len(defined)) for r in rows)
            low, width = float(rows[0]["x"]), 0.05
            binned = np.bincount(np.minimum(len(rows) - 1, np.floor((defined - low) / width + 1e-9).astype(int)), minlength=len(rows))
            assert [round(float(r["y"]) * width * len(defined)) for r in rows] == binned.tolist(), "bins"
            se = np.array([float(r["mem_se"]) for r in mem])
            order = [i for i in np.lexsort((np.arange(len(values)), -np.nan_to_num(values, nan=-9))) if not np.isnan(values[i]) and se[i] <= 0.25][:12]
            top = [int(r["train_index"]) for r in csv.DictReader(open(f"{report}/trial-0-top-memorized.csv"))]
            def png(path):
                data = open(path, "rb").read()
                assert data[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
                pos, chunks = 8, {}
                while pos < len(data):
                    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
                    body = data[pos + 8:pos + 8 + length]
                    assert zlib.crc32(kind + body) == struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0], kind
                    chunks[kind] = chunks.get(kind, b"") + body
                    pos += 12 + length
                width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
                raw = zlib.decompress(chunks[b"IDAT"])
                assert len(raw) == height * (1 + 3 * width)
                return width, height
            print(round(area, 6), counts == len(defined), top == order, png(f"{report}/trial-0-top-memorized.png"), png(f"{report}/trial-1-top-pairs.png"))
            """, arguments: [dir.path("report"), dir.path("export")])
        // 12 examples in 6 columns of 28×2 + 2×2 pixels; 8 pairs in 8 columns (two rows).
        #expect(out.trimmingCharacters(in: .whitespacesAndNewlines) == "1.0 True True (360, 120) (480, 120)", "\(out)")
    }

    @Test func aStoppedSweepsReportIsASnapshotMarkedPartial() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(Self.sweep, to: "pictured.yaml")
        let db = dir.path("pictured.sqlite")
        let run = try MnemoProcess(["run", sweep, "--workers", "1", "--no-progress"], in: dir, label: "run")
        func done() -> Int {
            (try? Store.openReadOnly(path: db).progress(sweepID: "pictured").reduce(0) { $0 + $1.done }) ?? 0
        }
        #expect(eventually(timeout: 120) { done() >= 4 })
        run.kill(SIGTERM)
        _ = run.wait(timeout: 30)
        let finished = done()
        #expect(finished < 32, "stopped before the end")
        let report = try MnemoProcess.run(["report", db, "--out", dir.path("report")], in: dir, label: "report")
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: dir.path("report/report.html"), encoding: .utf8)
        #expect(html.contains("Snapshot of a running sweep (\(finished) of 32 tasks done): partial:"), "\(html.prefix(3000))")
        try Self.checkPage(html, in: dir.path("report"))
    }

    @Test func aCorrectnessOnlySweepStillShowsItsChartsAndNamesTheOutputsTheRestNeeds() throws {
        let dir = try TemporaryDirectory()
        let sweep = try SweepIdentityTests.csvStudy(in: dir, sweep: SweepIdentityTests.csvSweep(subsets: 24))
        let run = try MnemoProcess.run(["run", sweep, "--workers", "1", "--no-progress"], in: dir, label: "run", timeout: 120)
        #expect(run.status == 0, "\(run.stderr)")
        let report = try MnemoProcess.run(["report", dir.path("sweeps/held.sqlite"), "--out", dir.path("report")], in: dir, label: "report")
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: dir.path("report/report.html"), encoding: .utf8)
        try Self.checkPage(html, in: dir.path("report"))
        for section in ["Memorization, trial 0", "ROC, trial 0", "Test accuracy per bucket (raw)", "Privacy–utility", "Convergence of the estimates"] {
            #expect(html.contains("<title>\(section)</title>"), "\(section)")
        }
        #expect(html.contains("data-name=\"correctness\""), "the correctness attack's ROC")
        #expect(html.contains("add `outputs: [confidence]`"), "the variance section names what would fill it")
        #expect(
            html.contains("lira_offline: needs logits or loss; add it to the sweep's outputs, e.g. `outputs: [correctness, logits]`"),
            "a skipped attack names the outputs entry that would run it")
        #expect(html.contains("first features"), "a dataset without images shows rows of features")
        #expect(!FileManager.default.fileExists(atPath: dir.path("report/trial-0-top-memorized.png")), "no pictures without images")
    }
}
