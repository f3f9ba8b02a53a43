import Foundation
import MnemoCore
import MnemoWire
import Testing

@Suite struct EnvelopeTests {
    struct Hello: Codable, Equatable {
        var workerId: String
        var cores: Int
        var trainerKinds: [String]
    }

    struct Lease: Codable, Equatable {
        var taskIds: [String]
        var attempt: Int
        var deadline: Date
    }

    static func payload(_ count: Int, stream: UInt64 = 7) -> Data {
        var rng = CounterRNG(key: 0x51DE, stream: stream)
        return Data((0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
    }

    static func headerObject(_ envelope: Envelope) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: envelope.header) as? [String: Any])
    }
}

extension EnvelopeTests {
    @Test func roundTripWithoutPayload() throws {
        let hello = Hello(workerId: "node-3/pid-77", cores: 16, trainerKinds: ["builtin", "external"])
        let envelope = try Envelope(type: .hello, header: hello)
        let frames = envelope.encode()

        #expect(frames.count == 3)
        #expect(frames[0] == Data([1]))
        #expect(frames[1] == Data("hello".utf8))
        let decoded = try Envelope.decode(frames)
        #expect(decoded == envelope)
        #expect(decoded.payload == nil)
        #expect(try decoded.decodeHeader(Hello.self) == hello)
    }

    @Test func roundTripWithPayloadAnnouncesLengthAndChecksum() throws {
        let payload = Self.payload(10_000)
        let lease = Lease(taskIds: ["a1", "b2"], attempt: 3, deadline: Date(timeIntervalSince1970: 1_700_000_000.123))
        let envelope = try Envelope(type: .lease, header: lease, payload: payload)
        let frames = envelope.encode()

        #expect(frames.count == 4)
        #expect(frames[3] == payload)
        let object = try Self.headerObject(envelope)
        #expect(object["payload_length"] as? Int == payload.count)
        #expect(object["payload_crc32c"] as? Int == Int(CRC32C.checksum(payload)))
        let decoded = try Envelope.decode(frames)
        #expect(decoded == envelope)
        #expect(decoded.payload == payload)
        #expect(try decoded.decodeHeader(Lease.self) == lease)
    }

    @Test func emptyPayloadIsAnnouncedAndSurvives() throws {
        let envelope = try Envelope(type: .chunk, header: ["dataset": "abc"], payload: Data())
        let decoded = try Envelope.decode(envelope.encode())
        #expect(decoded.payload == Data())
        #expect(try Self.headerObject(decoded)["payload_length"] as? Int == 0)
    }

    @Test func emptyHeaderObjectWithPayload() throws {
        let envelope = try Envelope(type: .result, header: [String: Int](), payload: Data([1, 2, 3]))
        #expect(try Envelope.decode(envelope.encode()) == envelope)
        #expect(try Self.headerObject(envelope).keys.sorted() == ["payload_crc32c", "payload_length"])
    }

    @Test(arguments: MessageType.allCases) func everyTypeRoundTrips(type: MessageType) throws {
        let envelope = try Envelope(type: type, header: ["n": 1])
        #expect(try Envelope.decode(envelope.encode()).type == type)
    }

    @Test func wireFieldNamesAreSnakeCaseAndDatesAreMilliseconds() throws {
        let lease = Lease(taskIds: ["t"], attempt: 1, deadline: Date(timeIntervalSince1970: 12.5))
        let object = try Self.headerObject(Envelope(type: .lease, header: lease))
        #expect(object.keys.sorted() == ["attempt", "deadline", "task_ids"])
        #expect(object["deadline"] as? Int == 12_500)
    }

    @Test func headerThatIsNotAnObjectIsRefused() {
        #expect(throws: FrameError(.headerNotObject)) {
            try Envelope(type: .ack, header: [1, 2, 3])
        }
    }

    @Test func headerMayNotSetTheReservedPayloadFields() {
        #expect(throws: FrameError(.reservedHeaderField("payload_length"))) {
            try Envelope(type: .result, header: ["payload_length": 3, "payload_crc32c": 0], payload: Data([1, 2, 3]))
        }
    }

    @Test func headerThatCannotBeEncodedIsReported() throws {
        let error = try #require(throws: FrameError.self) {
            try Envelope(type: .result, header: ["margin": Double.nan])
        }
        guard case .headerEncodingFailed(let type, _) = error.reason else {
            Issue.record("unexpected reason \(error.reason)")
            return
        }
        #expect(type.contains("Dictionary"))
    }

    @Test func decodingIntoTheWrongHeaderTypeNamesTheMissingField() throws {
        let envelope = try Envelope(type: .hello, header: ["cores": 4])
        let error = try #require(throws: FrameError.self) { try envelope.decodeHeader(Hello.self) }
        guard case .headerDecodingFailed(let type, let detail) = error.reason else {
            Issue.record("unexpected reason \(error.reason)")
            return
        }
        #expect(type == "Hello")
        #expect(detail.contains("worker"))
    }

    @Test func outgoingHeaderAndPayloadRespectLimits() {
        let limits = FrameLimits(maxHeaderBytes: 64, maxPayloadBytes: 16)
        #expect(throws: FrameError(.frameTooLarge(.payload, size: 17, limit: 16))) {
            try Envelope(type: .result, header: ["a": 1], payload: Self.payload(17), limits: limits)
        }
        let longName = String(repeating: "x", count: 100)
        // `{"w":"` + name + `"}`
        #expect(throws: FrameError(.frameTooLarge(.header, size: 8 + longName.count, limit: 64))) {
            try Envelope(type: .result, header: ["w": longName], limits: limits)
        }
    }

    @Test func incomingFramesOverTheLimitsAreRejectedBeforeParsing() throws {
        let frames = try Envelope(type: .chunk, header: ["part": 1], payload: Self.payload(100)).encode()
        #expect(throws: FrameError(.frameTooLarge(.payload, size: 100, limit: 99))) {
            try Envelope.decode(frames, limits: FrameLimits(maxHeaderBytes: 1000, maxPayloadBytes: 99))
        }
        let headerSize = frames[2].count
        #expect(throws: FrameError(.frameTooLarge(.header, size: headerSize, limit: headerSize - 1))) {
            try Envelope.decode(frames, limits: FrameLimits(maxHeaderBytes: headerSize - 1, maxPayloadBytes: 1000))
        }
        #expect(FrameLimits(maxHeaderBytes: 10, maxPayloadBytes: 30).maxFrameBytes == 30)
    }

    @Test func routedEnvelopeSplitsTheIdentityAndNamesThePeerInErrors() throws {
        let envelope = try Envelope(type: .heartbeat, header: ["seq": 9])
        let routed = RoutedEnvelope(peer: PeerIdentity("worker-9"), envelope: envelope)
        let frames = routed.encode()
        #expect(frames.first == Data("worker-9".utf8))
        #expect(try RoutedEnvelope.decode(frames) == routed)

        var bad = frames
        bad[1] = Data([2])
        let error = try #require(throws: FrameError.self) { try RoutedEnvelope.decode(bad) }
        #expect(error == FrameError(.unsupportedVersion(2), peer: PeerIdentity("worker-9")))
        #expect(
            error.description == "malformed message from worker-9: unsupported protocol version 2 (this build speaks 1)"
        )

        #expect(throws: FrameError(.missingIdentity)) { try RoutedEnvelope.decode([]) }
        #expect(throws: FrameError(.emptyFrame(.identity))) { try RoutedEnvelope.decode([Data()] + envelope.encode()) }
        #expect(throws: FrameError(.frameCount(0), peer: PeerIdentity("w"))) {
            try RoutedEnvelope.decode([Data("w".utf8)])
        }
    }

    @Test func peerIdentityPrintsTextOrHex() {
        #expect(PeerIdentity("worker-1").description == "worker-1")
        #expect(PeerIdentity(Data([0, 0x80, 0x00, 0x41, 0xA7])).description == "0x008000" + "41a7")
        #expect(PeerIdentity(Data("a\nb".utf8)).description == "0x610a62")
    }
}
