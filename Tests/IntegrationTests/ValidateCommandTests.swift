import Foundation
import MnemoTestSupport
import Testing

/// `mnemo validate`: 0 and a summary for a valid file, 65 and the located error (with a suggestion for
/// a misspelt key, and for checks that need the data) otherwise; nothing is registered.
@Suite struct ValidateCommandTests {
    @Test func validFilesSummarizeAndInvalidOnesExit65WithTheirPlace() throws {
        let dir = try TemporaryDirectory()
        let good = try dir.write(SweepFixture.synthetic(name: "good", subsets: 6), to: "good.yaml")
        let valid = try MnemoProcess.run(["validate", good], in: dir, label: "valid")
        #expect(valid.status == 0, "\(valid.stderr)")
        #expect(valid.stdout.contains("good.yaml: valid") && valid.stdout.contains("6 runs"), "\(valid.stdout)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("good.sqlite")), "validate registers nothing")

        let typo = try dir.write(
            SweepFixture.synthetic(name: "typo", subsets: 6).replacingOccurrences(of: "subsets:", with: "subsest:"), to: "typo.yaml")
        let misspelt = try MnemoProcess.run(["validate", typo], in: dir, label: "typo")
        #expect(misspelt.status == 65, "\(misspelt.stderr)")
        #expect(misspelt.stderr.contains("typo.yaml:") && misspelt.stderr.contains("did you mean 'subsets'?"), "\(misspelt.stderr)")

        // A check that needs the data: indices of a stop rule beyond the examples studied.
        let outside = try dir.write(
            SweepFixture.synthetic(name: "outside", subsets: 6)
                .replacingOccurrences(of: "subsets: 6", with: "subsets: 6, stop_when: {mem_se_below: 0.1, examples: [100000]}"),
            to: "outside.yaml")
        let refused = try MnemoProcess.run(["validate", outside], in: dir, label: "outside")
        #expect(refused.status == 65 && refused.stderr.contains("estimator.stop_when.examples"), "\(refused.stderr)")
    }

    @Test func planSaysTasksDiskMemoryAndWithCalibrationCPUHours() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write(SweepFixture.synthetic(name: "planned", subsets: 6), to: "planned.yaml")
        let plan = try MnemoProcess.run(["plan", file], in: dir, label: "plan")
        #expect(plan.status == 0, "\(plan.stderr)")
        for line in ["sweep planned: 1 trial × 6 runs = 6 tasks", "disk: about", "memory: at most", "add --calibrate"] {
            #expect(plan.stdout.contains(line), "\(line): \(plan.stdout)")
        }
        let calibrated = try MnemoProcess.run(["plan", file, "--calibrate"], in: dir, label: "calibrated")
        #expect(calibrated.status == 0 && calibrated.stdout.contains("CPU-hours: about"), "\(calibrated.stdout)\(calibrated.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("planned.sqlite")), "plan registers nothing")
        let bad = try dir.write("name: x\n", to: "bad.yaml")
        #expect(try MnemoProcess.run(["plan", bad], in: dir, label: "bad").status == 65)
    }
}
