import Foundation
import MnemoAnalysis
import MnemoLearn
import MnemoLinalg
import MnemoReport
import MnemoStore

/// `mnemo-aggregate-bench`: the Feldman–Zhang aggregation of a trial read from a database (results read
/// from SQLite, masks drawn, bits regrouped by example, same-class `Mᵀ·C` by popcount, estimates)
/// against raw `sgemm` on the same block shapes (the GEMMs the same sums would take), timed in the
/// same run; and its peak memory, measured in a fresh
/// child process. Prints a Markdown table for `Benchmarks/README.md`.
///
///     swift run -c release mnemo-aggregate-bench --runs 4000 --train 50000 --test 10000 --classes 100
@main
struct AggregateBench {
    static let childFlag = "--measure-child"

    /// What one child measured.
    struct Measurement: Codable {
        var seconds: Double
        var peakBytes: Int
    }

    static func main() throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var shape = AggregateShape()
        var trials = 3
        var database: String?
        var full: String?
        let child = arguments.first == childFlag
        if child { arguments.removeFirst() }
        while !arguments.isEmpty {
            let flag = arguments.removeFirst()
            guard let value = arguments.first else { return fail("\(flag) needs a value") }
            arguments.removeFirst()
            switch flag {
            case "--runs": shape.runs = Int(value) ?? 0
            case "--train": shape.train = Int(value) ?? 0
            case "--test": shape.test = Int(value) ?? 0
            case "--classes": shape.classes = Int(value) ?? 0
            case "--trials": trials = Int(value) ?? 0
            case "--db": database = value
            case "--full": full = value
            default: return fail("unknown option \(flag); options: --runs --train --test --classes --trials --db --full FILE")
            }
        }
        guard shape.runs > 0, shape.train > 0, shape.test > 0, shape.classes > 0, trials > 0 else {
            return fail("--runs, --train, --test, --classes and --trials must be positive")
        }
        BLAS.setThreads(1)
        let path = database
            ?? FileManager.default.temporaryDirectory.appendingPathComponent(
                "mnemo-aggregate-\(shape.runs)-\(shape.train)-\(shape.test)-\(shape.classes).sqlite").path
        if child {
            let start = Date()
            let store = try Store.openReadOnly(path: path)
            if let full {
                try FullInfluenceExport.write(
                    store: store, sweepName: AggregateDatabase.sweepID, trialIndex: 0, to: URL(fileURLWithPath: full))
            } else {
                let analysis = try TrialAnalysis.load(store: store, sweepName: AggregateDatabase.sweepID, trialIndex: 0)
                precondition(analysis.runs == shape.runs, "read \(analysis.runs) runs")
            }
            let seconds = Date().timeIntervalSince(start)
            let measurement = Measurement(seconds: seconds, peakBytes: MemoryBound.peakResidentBytes())
            FileHandle.standardOutput.write(try JSONEncoder().encode(measurement))
            return
        }
        if !FileManager.default.fileExists(atPath: path) {
            let start = Date()
            try AggregateDatabase.generate(shape, at: path)
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            print("generated \(path) (\(size >> 20) MiB) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        }
        if let full {
            let measurement = try measureChild(shape: shape, database: path, full: full)
            let size = (try FileManager.default.attributesOfItem(atPath: full)[.size] as? Int) ?? 0
            let flops = 2 * Double(shape.runs) * Double(shape.train) * Double(shape.test)
            print("| shape | full influence matrix written in blocks | file | peak memory |")
            print("|---|---|---|---|")
            print(
                "| \(shape.description) | \(String(format: "%.1f", measurement.seconds)) s (\(String(format: "%.1f", flops / measurement.seconds / 1e9)) GFLOP/s) "
                    + "| \(size >> 20) MiB | \(measurement.peakBytes >> 20) MiB |")
            return
        }
        var pipeline: [Measurement] = []
        var reference: [Double] = []
        for _ in 0..<trials {
            pipeline.append(try measureChild(shape: shape, database: path))
            reference.append(GemmReference(shape: shape, blockRuns: TrialAnalysis.blockSize).seconds())
        }
        let seconds = median(pipeline.map(\.seconds))
        let gemm = median(reference)
        let peak = pipeline.map(\.peakBytes).max() ?? 0
        print("| shape | aggregation from the database | raw `sgemm`, same blocks | ratio | peak memory |")
        print("|---|---|---|---|---|")
        print(
            "| \(shape.description) | \(String(format: "%.2f", seconds)) s (\(String(format: "%.1f", shape.classBlockFlops / seconds / 1e9)) GFLOP/s) "
                + "| \(String(format: "%.2f", gemm)) s (\(String(format: "%.1f", shape.classBlockFlops / gemm / 1e9)) GFLOP/s) "
                + "| \(String(format: "%.0f", gemm / seconds * 100))% | \(peak >> 20) MiB |")
        print("median of \(trials) trials; 1 BLAS thread; the aggregation in a fresh process each time")
    }

    static func measureChild(shape: AggregateShape, database: String, full: String? = nil) throws -> Measurement {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = [
            childFlag, "--runs", "\(shape.runs)", "--train", "\(shape.train)", "--test", "\(shape.test)", "--classes",
            "\(shape.classes)", "--db", database,
        ] + (full.map { ["--full", $0] } ?? [])
        // One BLAS thread, and no idle BLAS threads spinning beside it.
        process.environment = ProcessInfo.processInfo.environment.merging(["OPENBLAS_NUM_THREADS": "1"]) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "the measuring child exited \(process.terminationStatus)"])
        }
        return try JSONDecoder().decode(Measurement.self, from: output)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
    }

    static func fail(_ message: String) {
        FileHandle.standardError.write(Data("mnemo-aggregate-bench: \(message)\n".utf8))
        exit(2)
    }
}
