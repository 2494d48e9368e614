import Foundation
import Testing
@testable import VectorIndex

/// Builds safetensors bytes: `tensors` are (name, dtype, shape, raw bytes), laid out in order.
private func safetensors(_ tensors: [(String, String, [Int], [UInt8])], metadata: [String: String]? = ["format": "pt"],
                         headerOverride: String? = nil) -> Data {
    var entries: [String] = []
    var offset = 0
    for (name, dtype, shape, bytes) in tensors {
        entries.append("\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":[\(offset),\(offset + bytes.count)]}")
        offset += bytes.count
    }
    if let metadata {
        let fields = metadata.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",")
        entries.insert("\"__metadata__\":{\(fields)}", at: 0)
    }
    let header = Array((headerOverride ?? "{" + entries.joined(separator: ",") + "}").utf8)
    var data = Data()
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
    data.append(contentsOf: header)
    for tensor in tensors { data.append(contentsOf: tensor.3) }
    return data
}

private func bytes(_ floats: [Float]) -> [UInt8] {
    floats.flatMap { f in withUnsafeBytes(of: f.bitPattern.littleEndian) { Array($0) } }
}

private func expectError(_ expected: SafeTensorsError, _ data: Data, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(throws: expected, sourceLocation: sourceLocation) { try SafeTensorsFile(data: data) }
}

@Suite struct SafeTensorsTests {
    let matrix: [Float] = [1, 2, 3, -4, 5.5, 6]

    @Test func readsTensorsFromAMappedFile() throws {
        let data = safetensors([
            ("w", "F32", [2, 3], bytes(matrix)),
            ("ids", "I64", [2], Array(repeating: 0, count: 16)),
            ("b", "F32", [1], bytes([0.25])),
        ])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID().uuidString).safetensors")
        try data.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }

        let file = try SafeTensorsFile(url: url)
        #expect(file.tensorNames == ["b", "ids", "w"])  // __metadata__ is not a tensor
        #expect(try file.floats("w", shape: [2, 3]) == matrix)
        #expect(try file.floats("b", shape: [1]) == [0.25])  // starts at an offset that is not 4-byte aligned
        #expect(file.info("ids")?.dtype == "I64")
    }

    @Test func nameAndShapeErrorsNameTheTensor() throws {
        let file = try SafeTensorsFile(data: safetensors([("w", "F32", [2, 3], bytes(matrix)), ("ids", "I64", [1], Array(repeating: 0, count: 8))]))
        #expect(throws: SafeTensorsError.missingTensor("v")) { try file.floats("v", shape: [2, 3]) }
        #expect(throws: SafeTensorsError.wrongShape(tensor: "w", expected: [3, 2], got: [2, 3])) { try file.floats("w", shape: [3, 2]) }
        #expect(throws: SafeTensorsError.unsupportedDType(tensor: "ids", dtype: "I64")) { try file.floats("ids", shape: [1]) }
        #expect("\(SafeTensorsError.wrongShape(tensor: "w", expected: [3, 2], got: [2, 3]))".contains("'w'"))
    }

    @Test func truncatedFiles() {
        expectError(.truncated(fileSize: 5, needed: 8), Data([1, 0, 0, 0, 0]))
        let full = safetensors([("w", "F32", [2, 3], bytes(matrix))])
        let headerLength = Int(full[0])  // < 256 here
        // cut inside the header
        expectError(.truncated(fileSize: 20, needed: 8 + headerLength), full.prefix(20))
        // cut inside the data: the header's offsets now run past the end
        #expect(throws: SafeTensorsError.self) { try SafeTensorsFile(data: full.prefix(full.count - 4)) }
        do {
            _ = try SafeTensorsFile(data: full.prefix(full.count - 4))
        } catch let SafeTensorsError.badOffsets(tensor, _) {
            #expect(tensor == "w")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func absurdHeaderLength() {
        var data = Data()
        withUnsafeBytes(of: UInt64.max.littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array("{}".utf8))
        expectError(.headerLengthAbsurd(UInt64.max), data)
    }

    @Test func malformedHeaders() {
        for header in ["{not json", "[1, 2]", "{\"w\": 3}", "{\"w\": {\"dtype\": \"F32\", \"shape\": [2]}}",
                       "{\"w\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 0]}}",
                       "{\"w\": {\"dtype\": \"F32\", \"shape\": [1.5], \"data_offsets\": [0, 4]}}"] {
            #expect(throws: SafeTensorsError.self, "\(header)") { try SafeTensorsFile(data: safetensors([], headerOverride: header)) }
            do {
                _ = try SafeTensorsFile(data: safetensors([], headerOverride: header))
            } catch SafeTensorsError.badHeader {
            } catch {
                Issue.record("\(header): expected badHeader, got \(error)")
            }
        }
    }

    @Test func offsetsOutOfBoundsReversedOrMismatched() {
        let data24 = Array(repeating: UInt8(0), count: 24)
        func file(_ entry: String) -> Data {
            var data = safetensors([], metadata: nil, headerOverride: "{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": \(entry)}}")
            data.append(contentsOf: data24)
            return data
        }
        for entry in ["[0, 28]", "[8, 0]", "[0, 20]", "[4, 24]", "[0]", "[-4, 20]"] {
            do {
                _ = try SafeTensorsFile(data: file(entry))
                Issue.record("\(entry) accepted")
            } catch let SafeTensorsError.badOffsets(tensor, _) {
                #expect(tensor == "w")
            } catch {
                Issue.record("\(entry): expected badOffsets, got \(error)")
            }
        }
        #expect(throws: Never.self) { try SafeTensorsFile(data: file("[0, 24]")) }
    }

    @Test func overlappingTensors() {
        let header = """
        {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}
        """
        var data = safetensors([], metadata: nil, headerOverride: header)
        data.append(contentsOf: Array(repeating: 0, count: 12))
        expectError(.overlappingTensors("a", "b"), data)
    }

    @Test func unknownDType() {
        let header = "{\"w\": {\"dtype\": \"F12\", \"shape\": [1], \"data_offsets\": [0, 4]}}"
        var data = safetensors([], metadata: nil, headerOverride: header)
        data.append(contentsOf: [0, 0, 0, 0])
        expectError(.unsupportedDType(tensor: "w", dtype: "F12"), data)
    }

    @Test func readsTheMiniLMFile() throws {
        try TestModel.requireFiles()
        let file = try SafeTensorsFile(url: TestModel.directory.appendingPathComponent("model.safetensors"))
        #expect(file.tensorNames.count == 104)  // 105 header entries, one of them __metadata__
        #expect(file.info("embeddings.position_ids")?.dtype == "I64")
        let word = try file.floats("embeddings.word_embeddings.weight", shape: [30522, 384])
        #expect(word.count == 30522 * 384)
        #expect(word.allSatisfy { $0.isFinite })
    }
}
