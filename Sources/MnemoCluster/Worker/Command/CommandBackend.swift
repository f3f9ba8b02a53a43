import Foundation
import MnemoCore
import MnemoData
import MnemoLearn
import MnemoWire

/// Runs leased tasks with the sweep's own command (`trainer: {kind: command}`): writes the run's
/// inputs (the dataset's `.npz` once per dataset, the mask, the params), runs the command under a
/// ``SupervisedCommand``, reads its outputs, and classifies what went wrong:
///
/// | what happened | failure class |
/// |---|---|
/// | exit 0, outputs valid | success |
/// | exit 75 (EX_TEMPFAIL) | transient: retried within the task's budget |
/// | any other exit, a crash signal, a bad output file, the timeout | deterministic (retried only with `retries: N`) |
/// | SIGKILL not sent by Mnemo (the out-of-memory killer) | killed: counts toward the crash budget |
/// | the program, a script or the dataset missing on this worker | infrastructure: the worker is excluded |
struct CommandBackend: TaskBackend {
    let datasets: PreparedDatasets
    let cache: TrainerCache
    /// The GPU this slot owns (`CUDA_VISIBLE_DEVICES` and `{gpu}`), or nil.
    let gpu: String?

    /// The exit status a command uses to say "try again later" (sysexits' EX_TEMPFAIL).
    static let transientExitStatus: Int32 = 75
    /// How much of the command's standard error a failure record keeps (its end), leaving room in the
    /// coordinator's 4,096 characters for the reason and the run folder.
    static let stderrTail = 3 * 1024

    func run(_ task: LeasedTask, cancellation: TrainingCancellation) -> FinishedTask? {
        let start = Date()
        func failure(_ kind: TaskFailure.Kind, _ reason: String) -> FinishedTask {
            .failure(of: task, TaskFailure(kind, reason), after: Date().timeIntervalSince(start))
        }
        let spec = task.spec
        guard let trainer = spec.trainer?.command, let params = spec.params else {
            return failure(.deterministic, "the lease names no command trainer")
        }
        let data: DatasetExamples
        do {
            (data, _) = try datasets.dataset(for: spec, cancellation: cancellation)
        } catch {
            if error is DatasetFetchCancelled { return nil }
            return failure(.infrastructure, "\(error)")
        }
        if let mismatch = BuiltinEngineBackend.specMismatch(spec, data: data) {
            return failure(.deterministic, mismatch)
        }
        if let missing = Self.checkFiles(of: trainer) {
            return failure(.infrastructure, missing)
        }
        let folder: URL
        let arguments: [String]
        let environment: [String: String]
        do {
            let dataFile = try cache.dataFile(for: data, hash: spec.datasetHash, imageShape: data.imageShape(datasetName: spec.dataset.name))
            folder = try cache.taskFolder(taskID: task.taskId, attempt: task.attempt)
            let maskFile = folder.appendingPathComponent("mask.npy")
            try NpyArray(name: "mask", shape: [spec.trainCount], values: spec.mask.isMember).write(to: maskFile)
            let paramsFile = folder.appendingPathComponent("params.json")
            try Self.paramsJSON(params, spec: spec, classCount: data.train.classCount).write(to: paramsFile)
            let template = try CommandTemplate(parsing: trainer.template)
            var values = [
                "data": dataFile.path, "mask": maskFile.path, "params": paramsFile.path,
                "out": folder.appendingPathComponent("out").path, "seed": "\(spec.trainingSeed)",
                "trial": "\(spec.trialIndex)", "subset": "\(spec.subset)", "gpu": gpu ?? "",
            ]
            if template.usedPlaceholders.contains("checkpoint") {
                values["checkpoint"] = try cache.checkpointFolder(taskID: task.taskId).path
            }
            arguments = template.expanded(values)
            var env = ProcessInfo.processInfo.environment.merging(trainer.environment) { $1 }
            if let gpu { env["CUDA_VISIBLE_DEVICES"] = gpu }
            environment = env
        } catch {
            // A full disk or an unwritable cache on this worker: its fault, not the task's.
            return failure(.infrastructure, "cannot prepare the run's inputs in \(cache.root.path): \(error)")
        }
        guard let program = Self.locate(arguments[0], workdir: trainer.workdir, path: environment["PATH"]) else {
            return failure(.infrastructure, "cannot find the program '\(arguments[0])' on this worker (PATH=\(environment["PATH"] ?? ""))")
        }
        let command = SupervisedCommand(
            executable: program, arguments: arguments, environment: environment, workdir: trainer.workdir,
            stdoutPath: folder.appendingPathComponent("stdout.log").path,
            stderrPath: folder.appendingPathComponent("stderr.log").path)
        let run: SupervisedCommand.Outcome
        do {
            run = try command.run(timeout: trainer.timeout, cancellation: cancellation)
        } catch {
            // No pipe or process for the supervisor: this worker is at fault (out of file descriptors or
            // processes), not the task.
            return failure(.infrastructure, error.description)
        }
        let tail = Self.tail(of: folder.appendingPathComponent("stderr.log"))
        func failed(_ kind: TaskFailure.Kind, _ reason: String) -> FinishedTask {
            cache.failed(folder: folder)
            return failure(kind, reason + (tail.isEmpty ? "" : "; stderr ends: \(tail)") + " (run folder \(folder.path))")
        }
        switch run.effective {
        case .cancelled:
            // The run goes back to the coordinator and may be retaken here: its checkpoint stays.
            cache.discard(folder: folder)
            return nil
        case .couldNotStart(let reason):
            return failed(.infrastructure, reason)
        case .timedOut:
            return failed(.deterministic, "timed out after \(Self.seconds(trainer.timeout ?? 0)) (the whole process group was killed)")
        case .signalled(let signal) where signal == SIGKILL:
            return failed(.killed, "the command was killed by SIGKILL from outside Mnemo (the out-of-memory killer?)")
        case .signalled(let signal):
            return failed(.deterministic, "the command was killed by signal \(signal) (\(String(cString: strsignal(signal))))")
        case .exited(Self.transientExitStatus):
            return failed(.transient, "the command exited with status 75 (transient: it will be retried)")
        case .exited(let status) where status != 0:
            return failed(.deterministic, "the command exited with status \(status)")
        case .exited:
            break
        }
        let outputs: CommandOutputs
        do {
            outputs = try CommandOutputs.read(
                from: folder.appendingPathComponent("out"), trainCount: data.train.count, testCount: data.test.count,
                classes: data.train.classCount, outputs: spec.outputs ?? [])
        } catch {
            if run.stopped {
                // Stopped before it could write its outputs (a trainer that exits 0 on SIGTERM).
                cache.discard(folder: folder)
                return nil
            }
            return failed(.deterministic, "bad output: \(error.description)")
        }
        cache.finished(taskID: task.taskId, folder: folder)
        let members = spec.mask.members
        let memberCount = members.count
        let subsetHits = members.filter { outputs.trainCorrect[$0] }.count
        let outcome = TaskOutcome(
            taskId: task.taskId, attempt: task.attempt, failure: nil, trainCount: data.train.count,
            testCount: data.test.count, payloadOffset: 0,
            subsetAccuracy: outputs.metrics["train_subset_accuracy"]
                ?? (memberCount == 0 ? 0 : Double(subsetHits) / Double(memberCount)),
            testAccuracy: outputs.metrics["test_accuracy"]
                ?? Double(outputs.testCorrect.filter { $0 }.count) / Double(max(1, outputs.testCorrect.count)),
            epochs: Int(exactly: (outputs.metrics["epochs"] ?? 0).rounded()).map { min(max($0, 0), 1_000_000_000) } ?? 0,
            seconds: Date().timeIntervalSince(start),
            arrays: outputs.arrays.headers.isEmpty ? nil : outputs.arrays.headers,
            metrics: Self.furtherMetrics(outputs.metrics))
        return FinishedTask(
            outcome: outcome, trainBits: BitVector(outputs.trainCorrect).data, testBits: BitVector(outputs.testCorrect).data,
            arrays: outputs.arrays.data)
    }

    /// The `{params}` file: the trial's settings plus `trial`, `subset`, `seed`, `class_count` and
    /// `outputs`.
    static func paramsJSON(_ params: String, spec: TaskSpec, classCount: Int) throws -> Data {
        var object = (try JSONSerialization.jsonObject(with: Data(params.utf8)) as? [String: Any]) ?? [:]
        object["trial"] = spec.trialIndex
        object["subset"] = spec.subset
        object["seed"] = spec.trainingSeed
        object["class_count"] = classCount
        object["outputs"] = (spec.outputs.map { [RunOutput.correctness] + $0 } ?? [.correctness]).map(\.rawValue)
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
    }

    /// The metrics a result carries beside its own fields (see ``TaskOutcome/validMetrics(_:)``); nil
    /// when none is left.
    static func furtherMetrics(_ metrics: [String: Double]) -> [String: Double]? {
        let valid = TaskOutcome.validMetrics(metrics)
        return valid.isEmpty ? nil : valid
    }

    /// Whether every file the command names is here, with the content the sweep was registered with
    /// (when it recorded hashes); the problem in words, or nil.
    static func checkFiles(of trainer: CommandTrainer) -> String? {
        for file in trainer.files {
            let path = trainer.resolve(file.path)
            guard FileManager.default.isReadableFile(atPath: path) else {
                return "the command's file \(file.path) is missing on this worker (at \(path))"
            }
            if !file.sha256.isEmpty, let found = try? DatasetFileCache.sha256(of: URL(fileURLWithPath: path)), found != file.sha256 {
                return "the command's file \(file.path) on this worker has SHA-256 \(found.prefix(16))…, the sweep was "
                    + "registered with \(file.sha256.prefix(16))…; install the same version on every worker"
            }
        }
        return nil
    }

    /// The program's absolute path: as given when it holds a '/', else the first match on `path`.
    static func locate(_ program: String, workdir: String, path: String?) -> String? {
        if program.contains("/") {
            let absolute = program.hasPrefix("/") ? program : URL(fileURLWithPath: workdir).appendingPathComponent(program).path
            return FileManager.default.isExecutableFile(atPath: absolute) ? absolute : nil
        }
        for folder in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(folder)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The last ``stderrTail`` bytes of a log, trimmed.
    static func tail(of file: URL) -> String {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > UInt64(stderrTail) ? size - UInt64(stderrTail) : 0)
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func seconds(_ value: Double) -> String {
        value >= 3_600 ? String(format: "%.1fh", value / 3_600) : value >= 60 ? String(format: "%.1fm", value / 60) : String(format: "%.1fs", value)
    }
}
