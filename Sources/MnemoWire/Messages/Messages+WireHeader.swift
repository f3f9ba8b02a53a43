import Foundation
import MnemoCore

// The hand-written codecs of the per-task messages. Field names and order are those of the `Codable`
// forms (snake_case, sorted); `WireHeaderTests` checks both forms against each other.

extension Ack: WireHeader {
    public init(headerJSON: Data) throws(FrameError) {
        self.init(taskIds: try Self.fields(of: headerJSON).strings("task_ids"))
    }

    public func headerJSON() throws(FrameError) -> Data {
        try Self.written { writer in
            writer.beginObject()
            writer.key("task_ids")
            writer.beginArray()
            for id in taskIds { writer.string(id) }
            writer.endArray()
            writer.endObject()
        }
    }
}

extension ResultBatch: WireHeader {
    public init(headerJSON: Data) throws(FrameError) {
        let outcomes = try Self.fields(of: headerJSON).objects("outcomes")
        self.init(outcomes: try outcomes.map { fields throws(FrameError) in try TaskOutcome(fields) })
    }

    public func headerJSON() throws(FrameError) -> Data {
        try Self.written { writer in
            writer.beginObject()
            writer.key("outcomes")
            writer.beginArray()
            for outcome in outcomes { outcome.write(to: &writer) }
            writer.endArray()
            writer.endObject()
        }
    }
}

extension TaskOutcome {
    init(_ fields: HeaderFields) throws(FrameError) {
        var failure: TaskFailure?
        if let object = try fields.object("failure") {
            let kindName = try object.string("kind")
            guard let kind = TaskFailure.Kind(rawValue: kindName) else {
                throw FrameError(
                    .headerDecodingFailed(type: fields.type, detail: "unknown failure kind \"\(kindName)\" at \(object.place("kind"))"))
            }
            failure = TaskFailure(kind, try object.string("reason"))
        }
        var arrays: [ResultArrayHeader]?
        if fields.fields["arrays"] != nil, try fields.optionalArray("arrays") != nil {
            arrays = try fields.objects("arrays").map { array throws(FrameError) in
                let shape = try array.array("shape").enumerated().map { index, node throws(FrameError) in
                    try HeaderFields.int(node, at: "\(array.place("shape")).\(index)", type: fields.type)
                }
                return ResultArrayHeader(name: try array.string("name"), shape: shape)
            }
        }
        var metrics: [String: Double]?
        if let object = try fields.object("metrics") {
            var values: [String: Double] = [:]
            for (name, node) in object.fields {
                values[name] = try HeaderFields.double(node, at: object.place(name), type: fields.type)
            }
            metrics = values
        }
        self.init(
            taskId: try fields.string("task_id"), attempt: try fields.int("attempt"), failure: failure,
            trainCount: try fields.int("train_count"), testCount: try fields.int("test_count"),
            payloadOffset: try fields.int("payload_offset"), subsetAccuracy: try fields.double("subset_accuracy"),
            testAccuracy: try fields.double("test_accuracy"), epochs: try fields.int("epochs"),
            seconds: try fields.double("seconds"), arrays: arrays, metrics: metrics)
    }

    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        if let arrays {
            writer.key("arrays")
            writer.beginArray()
            for array in arrays {
                writer.beginObject()
                writer.field("name", array.name)
                writer.key("shape")
                writer.beginArray()
                for size in array.shape { writer.int(size) }
                writer.endArray()
                writer.endObject()
            }
            writer.endArray()
        }
        writer.field("attempt", attempt)
        writer.field("epochs", epochs)
        if let failure {
            writer.key("failure")
            writer.beginObject()
            writer.field("kind", failure.kind.rawValue)
            writer.field("reason", failure.reason)
            writer.endObject()
        }
        if let metrics {
            writer.key("metrics")
            writer.beginObject()
            for (name, value) in metrics.sorted(by: { $0.key < $1.key }) { writer.field(name, value) }
            writer.endObject()
        }
        writer.field("payload_offset", payloadOffset)
        writer.field("seconds", seconds)
        writer.field("subset_accuracy", subsetAccuracy)
        writer.field("task_id", taskId)
        writer.field("test_accuracy", testAccuracy)
        writer.field("test_count", testCount)
        writer.field("train_count", trainCount)
        writer.endObject()
    }
}

extension Lease: WireHeader {
    public init(headerJSON: Data) throws(FrameError) {
        try self.init(headerJSON: headerJSON) { json throws(FrameError) in try Self.decodeTemplate(json) }
    }

    /// Decodes a lease, turning each template's JSON into a spec with `template` (which may remember
    /// specs already seen: a worker gets the same few templates in every lease).
    init(headerJSON: Data, template: (Data) throws(FrameError) -> TaskSpec) throws(FrameError) {
        let fields = try Self.fields(of: headerJSON)
        let entries = try fields.objects("entries").map { entry throws(FrameError) in
            Entry(
                taskId: try entry.string("task_id"), attempt: try entry.int("attempt"), template: try entry.int("template"),
                subset: try entry.int("subset"))
        }
        let templates = try fields.array("templates").map { node throws(FrameError) in
            try template(headerJSON.subdata(in: headerJSON.startIndex + node.range.lowerBound..<headerJSON.startIndex + node.range.upperBound))
        }
        self.init(templates: templates, entries: entries)
    }

    public func headerJSON() throws(FrameError) -> Data {
        let templates = try templates.map { template throws(FrameError) in try Self.encodeTemplate(template) }
        return try Self.headerJSON(entries: entries, templateJSON: templates)
    }

    /// A lease's header from its entries and its templates already encoded (by ``encodeTemplate(_:)``),
    /// so that a coordinator encodes each trial's template once, not once per lease.
    public static func headerJSON(entries: [Entry], templateJSON: [Data]) throws(FrameError) -> Data {
        try written { writer in
            writer.beginObject()
            writer.key("entries")
            writer.beginArray()
            for entry in entries {
                writer.beginObject()
                writer.field("attempt", entry.attempt)
                writer.field("subset", entry.subset)
                writer.field("task_id", entry.taskId)
                writer.field("template", entry.template)
                writer.endObject()
            }
            writer.endArray()
            writer.key("templates")
            writer.beginArray()
            for json in templateJSON { writer.raw(json) }
            writer.endArray()
            writer.endObject()
        }
    }

    /// A template's JSON as it travels in a lease (the header encoder's form of the spec).
    public static func encodeTemplate(_ spec: TaskSpec) throws(FrameError) -> Data {
        do {
            return try HeaderCoding.makeEncoder().encode(spec)
        } catch {
            throw FrameError(.headerEncodingFailed(type: "TaskSpec", detail: "\(error)"))
        }
    }

    static func decodeTemplate(_ json: Data) throws(FrameError) -> TaskSpec {
        do {
            return try HeaderCoding.makeDecoder().decode(TaskSpec.self, from: json)
        } catch let error as DecodingError {
            throw FrameError(.headerDecodingFailed(type: "Lease", detail: "template: \(HeaderCoding.describe(error))"))
        } catch {
            throw FrameError(.headerDecodingFailed(type: "Lease", detail: "template: \(error)"))
        }
    }
}
