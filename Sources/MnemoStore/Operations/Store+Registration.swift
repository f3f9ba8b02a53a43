import Foundation

extension Store {
    /// Records that a registration of `sweepID` has begun storing tasks.
    ///
    /// - Throws: ``StoreError``.
    public func beginRegistration(sweepID: String, _ marker: RegistrationMarker) throws {
        try putArtifact(sweepID: sweepID, name: RegistrationMarker.artifactName, data: try JSONEncoder().encode(marker))
    }

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
}
