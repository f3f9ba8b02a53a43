import Foundation
import MnemoCore
import Testing

@testable import MnemoWire

/// The hand-written codecs of `result`, `ack` and `lease` read and write what the `Codable` forms do.
@Suite struct WireHeaderTests {
    static let outcomes = [
        TaskOutcome(
            taskId: "a1", attempt: 2, failure: nil, trainCount: 10, testCount: 5, payloadOffset: 0, subsetAccuracy: 0.5,
            testAccuracy: 1, epochs: 3, seconds: 1.25e-5),
        TaskOutcome(
            taskId: "b2", attempt: 1, failure: TaskFailure(.deterministic, "diverged: \"loss\" = nan\n\tat épоch 3 \u{1}/ ✓ 🎉"),
            trainCount: 0, testCount: 0, payloadOffset: 3, subsetAccuracy: 0, testAccuracy: 0, epochs: 0, seconds: 0),
        TaskOutcome(
            taskId: "c3", attempt: 7, failure: nil, trainCount: 10, testCount: 5, payloadOffset: 3, subsetAccuracy: 0.1,
            testAccuracy: 0.30000000000000004, epochs: 1, seconds: 12_345.678,
            arrays: [ResultArrayHeader(name: "margin_train", shape: [10]), ResultArrayHeader(name: "logits_test", shape: [5, 3])],
            metrics: ["val_loss": -0.25, "top5": 1e-300, "z": 3]),
    ]

    static func codableJSON(_ value: some Encodable) throws -> Data {
        try HeaderCoding.makeEncoder().encode(value)
    }

    static func codableValue<T: Decodable>(_ type: T.Type, _ json: Data) throws -> T {
        try HeaderCoding.makeDecoder().decode(type, from: json)
    }

    @Test func resultBatchesAgreeWithTheirCodableForm() throws {
        let batch = ResultBatch(outcomes: Self.outcomes)
        #expect(try Self.codableValue(ResultBatch.self, batch.headerJSON()) == batch)
        #expect(try ResultBatch(headerJSON: Self.codableJSON(batch)) == batch)
        let fromCodable = try JSONSerialization.jsonObject(with: Self.codableJSON(batch)) as? NSDictionary
        let fromWriter = try JSONSerialization.jsonObject(with: batch.headerJSON()) as? NSDictionary
        #expect(fromCodable == fromWriter)
    }

    @Test func acksAgreeWithTheirCodableForm() throws {
        for ack in [Ack(taskIds: []), Ack(taskIds: ["x"]), Ack(taskIds: ["a\"b", "c\\d", "e"])] {
            #expect(try ack.headerJSON() == Self.codableJSON(ack))
            #expect(try Ack(headerJSON: Self.codableJSON(ack)) == ack)
        }
    }

    @Test func leasesAgreeWithTheirCodableFormAndTheReaderRemembersTemplates() throws {
        let tasks = [LeaseTests.task(trial: 0, subset: 0), LeaseTests.task(trial: 1, subset: 3), LeaseTests.task(trial: 0, subset: 2)]
        let lease = Lease(tasks: tasks)
        #expect(try lease.headerJSON() == Self.codableJSON(lease))
        #expect(try Lease(headerJSON: Self.codableJSON(lease)) == lease)
        let envelope = try Envelope.decode(Envelope(type: .lease, header: lease).encode())
        var reader = LeaseReader()
        #expect(try reader.tasks(in: envelope) == tasks)
        #expect(try reader.tasks(in: envelope) == tasks)
    }

    @Test func aMissingOrMistypedFieldIsNamedWithItsPlace() throws {
        let cases: [(json: String, detail: String)] = [
            (#"{"outcomes":[{"attempt":1}]}"#, "missing field \"task_id\" in outcomes.0"),
            (#"{"outcomes":[{"task_id":"t","attempt":"1"}]}"#, "expected Int at outcomes.0.attempt"),
            (#"{"outcomes":[{"task_id":"t","attempt":1.5}]}"#, "outcomes.0.attempt: 1.5 is not an integer"),
            (#"{"outcomes":{}}"#, "expected an array at outcomes"),
            (#"{"outcomes":[3]}"#, "expected an object at outcomes.0, found a number"),
            (#"{}"#, "missing field \"outcomes\""),
            (#"[1]"#, "expected an object at top level, found an array"),
            (#"{"outcomes":[{"task_id":"t","attempt":1,"failure":{"kind":"cosmic","reason":"r"}}]}"#, "unknown failure kind \"cosmic\""),
            (#"{"outcomes":[{"task_id":"t","attempt":1,"train_count":1,"test_count":1,"payload_offset":0,"subset_accuracy":1e999}]}"#, "1e999 is out of range"),
        ]
        for (json, detail) in cases {
            let error = try #require(throws: FrameError.self) { try ResultBatch(headerJSON: Data(json.utf8)) }
            guard case .headerDecodingFailed(let type, let text) = error.reason else {
                Issue.record("unexpected \(error.reason) for \(json)")
                continue
            }
            #expect(type == "ResultBatch")
            #expect(text.contains(detail), "\(text) for \(json)")
        }
    }

    @Test func aNonFiniteNumberIsRefusedWhenWriting() {
        var outcome = Self.outcomes[0]
        outcome.seconds = .nan
        let error = #expect(throws: FrameError.self) { try ResultBatch(outcomes: [outcome]).headerJSON() }
        #expect(error?.description.contains("seconds") == true)
    }

    @Test func nullAndUnknownFieldsAreTolerated() throws {
        let json = #"{"task_ids":["a"],"extra":{"deep":[1,2,{"x":null}]}}"#
        #expect(try Ack(headerJSON: Data(json.utf8)) == Ack(taskIds: ["a"]))
        let outcome = #"{"outcomes":[{"task_id":"t","attempt":1,"failure":null,"arrays":null,"metrics":null,"train_count":1,"test_count":1,"payload_offset":0,"subset_accuracy":1,"test_accuracy":1,"epochs":1,"seconds":1}]}"#
        let batch = try ResultBatch(headerJSON: Data(outcome.utf8))
        #expect(batch.outcomes[0].failure == nil && batch.outcomes[0].arrays == nil && batch.outcomes[0].metrics == nil)
    }
}

/// The strict JSON parser under the hand-written codecs.
@Suite struct JSONNodeTests {
    @Test(arguments: [
        "", " ", "{", "{\"a\":1,}", "[1,]", "01", "1.", ".5", "+1", "-", "1e", "1e+", "tru", "nul", "\"\\x\"",
        "\"\u{1}\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\u12G4\"", "{\"a\" 1}", "{1:2}", "[1 2]", "{} {}", "\"abc",
        "{\"a\":1,\"a\":2}", "[\"\\u+123\"]", "NaN", "Infinity",
    ])
    func invalidJSONIsRefused(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONNode.parse(Data(text.utf8)) }
    }

    @Test func invalidUTF8InAStringIsRefused() {
        #expect(throws: JSONSyntaxError.self) { try JSONNode.parse(Data([0x22, 0xFF, 0x22])) }
        #expect(throws: JSONSyntaxError.self) { try JSONNode.parse(Data([0x22, 0x5C, 0x6E, 0xC3, 0x22])) }
    }

    @Test func nestingIsBounded() throws {
        let limit = JSONNode.maximumDepth
        _ = try JSONNode.parse(Data((String(repeating: "[", count: limit) + String(repeating: "]", count: limit)).utf8))
        let tooDeep = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
        #expect(throws: JSONSyntaxError.self) { try JSONNode.parse(Data(tooDeep.utf8)) }
        // A deep but unterminated prefix is refused without recursing past the limit.
        #expect(throws: JSONSyntaxError.self) { try JSONNode.parse(Data(String(repeating: "{\"a\":", count: 100_000).utf8)) }
    }

    @Test func stringsAndNumbersAreRead() throws {
        let node = try JSONNode.parse(Data(#" {"s":"a\"b\\c\/d\n\u00e9\ud83c\udf89","n":-1.5e3,"t":true,"f":false,"z":null,"e":[]} "#.utf8))
        guard case .object(let fields) = node.value else {
            Issue.record("not an object")
            return
        }
        guard case .string(let text) = fields["s"]?.value, case .number(let number) = fields["n"]?.value else {
            Issue.record("wrong kinds")
            return
        }
        #expect(text == "a\"b\\c/d\né🎉")
        #expect(Double(number) == -1500)
        #expect(node.range == 1..<(#" {"s":"a\"b\\c\/d\n\u00e9\ud83c\udf89","n":-1.5e3,"t":true,"f":false,"z":null,"e":[]} "#.utf8.count - 1))
    }

    static let structural = Array(#"{}[],:"\0e-."#.utf8)

    /// Random corruptions of a valid header: the parser never traps, and accepts exactly what
    /// Foundation's parser accepts (duplicate keys aside, which it refuses and Foundation does not).
    @Test func agreesWithFoundationOnCorruptedInput() throws {
        let base = Array(
            #"{"outcomes":[{"task_id":"t1","attempt":12,"seconds":0.5,"failure":{"kind":"transient","reason":"é\n"}}],"ok":[true,false,null,-0.0e+1]}"#
                .utf8)
        var rng = CounterRNG(key: 0x15_0A, stream: 1)
        var agreed = 0
        for _ in 0..<4000 {
            var bytes = base
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let index = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 3 {
                case 0: bytes[index] = UInt8(truncatingIfNeeded: rng.next())
                case 1: bytes.remove(at: index)
                default: bytes.insert(Self.structural[Int(rng.next() % UInt64(Self.structural.count))], at: index)
                }
            }
            let data = Data(bytes)
            let ours = (try? JSONNode.parse(data)) != nil
            let foundation = (try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)) != nil
            if ours == foundation { agreed += 1 } else { #expect(!ours, "accepted what Foundation refuses: \(String(decoding: data, as: UTF8.self))") }
        }
        #expect(agreed > 3900)
    }
}
