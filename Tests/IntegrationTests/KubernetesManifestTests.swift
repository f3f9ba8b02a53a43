import Foundation
import MnemoTestSupport
import Testing

/// The Kubernetes manifests in `cluster/kubernetes/` validate against the API schemas with
/// `kubernetes-validate --strict` (from PyPI, in a virtual environment made on first use).
@Suite struct KubernetesManifestTests {
    @Test func everyManifestValidatesStrictly() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["cluster/kubernetes/validate.sh"]
        process.currentDirectoryURL = root
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        let manifests = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("cluster/kubernetes").path)
            .filter { $0.hasSuffix(".yaml") }
        #expect(manifests.count >= 5)
        for manifest in manifests {
            #expect(text.contains("cluster/kubernetes/\(manifest) passed"), "\(manifest) was not checked: \(text)")
        }
    }
}
