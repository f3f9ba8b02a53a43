import Foundation

extension Store {
    /// Records that every task of `sweepID` is stored.
    ///
    /// - Throws: ``StoreError``.
    public func endRegistration(sweepID: String) throws {
        try removeArtifact(sweepID: sweepID, name: RegistrationMarker.artifactName)
    }

    /// The marker of a registration of `sweepID` cut short, or nil when its registration is complete.
    ///
    /// - Throws: ``StoreError``, or a decoding error for a damaged marker.
    public func registrationInProgress(sweepID: String) throws -> RegistrationMarker? {
        try artifact(sweepID: sweepID, name: RegistrationMarker.artifactName).map {
            try JSONDecoder().decode(RegistrationMarker.self, from: $0)
        }
    }

    /// ``progress(sweepID:)`` with each trial's total raised to the runs a registration in progress (or
    /// cut short) stores per trial: a reader must not take the tasks stored so far for the whole trial.
    ///
    /// - Throws: ``StoreError``.
    public func plannedProgress(sweepID: String) throws -> [TrialProgress] {
        var progress = try self.progress(sweepID: sweepID)
        guard let marker = try registrationInProgress(sweepID: sweepID) else { return progress }
        for index in progress.indices { progress[index].total = max(progress[index].total, marker.runsPerTrial) }
        return progress
    }
}
