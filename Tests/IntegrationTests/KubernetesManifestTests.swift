import Foundation
import MnemoTestSupport
import Testing

/// The Kubernetes manifests in `cluster/kubernetes/` validate against the API schemas with
/// `kubernetes-validate --strict` (from PyPI, in a virtual environment made on first use).
@Suite struct KubernetesManifestTests {
    @Test func everyManifestValidatesStrictly() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let run = try ChildProcess.run("/bin/bash", ["cluster/kubernetes/validate.sh"], directory: root.path, timeout: 900)
        let text = run.stdout + run.stderr
        #expect(run.status == 0, "\(text)")
        let manifests = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("cluster/kubernetes").path)
            .filter { $0.hasSuffix(".yaml") }
        #expect(manifests.count >= 5)
        for manifest in manifests {
            #expect(text.contains("cluster/kubernetes/\(manifest) passed"), "\(manifest) was not checked: \(text)")
        }
    }
}
