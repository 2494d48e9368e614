import Foundation

/// Why a safetensors file could not be read.
public enum SafeTensorsError: Error, Equatable, CustomStringConvertible {
    /// The file is shorter than its 8-byte header length, or than the header it announces.
    case truncated(fileSize: Int, needed: Int)
    /// The announced JSON header length is larger than the limit or than the file.
    case headerLengthAbsurd(UInt64)
    /// The header is not a JSON object of `{name: {dtype, shape, data_offsets}}`.
    case badHeader(String)
    /// A tensor's `data_offsets` fall outside the data section, are reversed, or disagree with shape × dtype.
    case badOffsets(tensor: String, reason: String)
    /// Two tensors claim the same bytes.
    case overlappingTensors(String, String)
    /// A tensor the caller asked for is not in the file.
    case missingTensor(String)
    /// A tensor exists but has a different shape from the one the caller expects.
    case wrongShape(tensor: String, expected: [Int], got: [Int])
    /// The dtype is unknown to the format, or not the one this reader converts (only F32 is read).
    case unsupportedDType(tensor: String, dtype: String)

    public var description: String {
        switch self {
        case let .truncated(size, needed):
            "safetensors file truncated: \(size) bytes, needs at least \(needed)"
        case let .headerLengthAbsurd(n):
            "safetensors header length \(n) is absurd (larger than the file or the \(SafeTensorsFile.maxHeaderLength)-byte limit)"
        case let .badHeader(why):
            "safetensors header is not valid: \(why)"
        case let .badOffsets(name, why):
            "safetensors tensor '\(name)' has bad data_offsets: \(why)"
        case let .overlappingTensors(a, b):
            "safetensors tensors '\(a)' and '\(b)' overlap"
        case let .missingTensor(name):
            "safetensors file has no tensor '\(name)'"
        case let .wrongShape(name, expected, got):
            "safetensors tensor '\(name)' has shape \(got), expected \(expected)"
        case let .unsupportedDType(name, dtype):
            "safetensors tensor '\(name)' has unsupported dtype \(dtype)"
        }
    }
}

/// A read-only, memory-mapped [safetensors](https://github.com/huggingface/safetensors) file.
///
/// Layout: an 8-byte little-endian header length `n`, `n` bytes of JSON
/// (`{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}`),
/// then the data section; offsets are relative to the data section. The whole header is validated in `init`
/// (every tensor in bounds, no overlaps, byte size = shape × dtype size), so reads afterwards only check the
/// name, shape and dtype the caller expects.
public struct SafeTensorsFile: Sendable {
    /// One tensor's header entry.
    public struct TensorInfo: Sendable, Equatable {
        public var dtype: String
        public var shape: [Int]
        /// Byte range inside the data section.
        public var dataRange: Range<Int>
    }

    /// Headers above this size are treated as corrupt (real ones are a few kB to a few MB).
    public static let maxHeaderLength: UInt64 = 100 << 20

    /// Bytes per element of each dtype the format defines.
    static let dtypeSizes: [String: Int] = [
        "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1,
        "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
        "I32": 4, "U32": 4, "F32": 4,
        "I64": 8, "U64": 8, "F64": 8,
    ]

    private let data: Data  // memory-mapped; immutable
    private let dataStart: Int
    private let tensors: [String: TensorInfo]

    /// Maps and validates the file at `url`.
    /// - Throws: `SafeTensorsError` for any malformed content; file-system errors from `Data(contentsOf:)`.
    public init(url: URL) throws {
        try self.init(data: Data(contentsOf: url, options: .alwaysMapped))
    }

    /// Validates safetensors bytes already in memory (the mapped file, or a test's buffer).
    public init(data: Data) throws {
        self.data = data
        let size = data.count
        guard size >= 8 else { throw SafeTensorsError.truncated(fileSize: size, needed: 8) }
        let headerLength = data.withUnsafeBytes { raw in
            UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        }
        guard headerLength <= Self.maxHeaderLength else { throw SafeTensorsError.headerLengthAbsurd(headerLength) }
        guard UInt64(size - 8) >= headerLength else {
            throw SafeTensorsError.truncated(fileSize: size, needed: 8 + Int(headerLength))
        }
        dataStart = 8 + Int(headerLength)
        let start = data.startIndex
        tensors = try Self.parseHeader(data[(start + 8)..<(start + dataStart)], dataSize: size - dataStart)
    }

    /// Names of all tensors in the file (any dtype), sorted.
    public var tensorNames: [String] { tensors.keys.sorted() }

    /// Header entry of `name`, or nil.
    public func info(_ name: String) -> TensorInfo? { tensors[name] }

    /// Reads an F32 tensor into a new array, checking its shape.
    /// - Parameter expected: the shape the caller needs, e.g. `[384, 384]` for a PyTorch `Linear` `[out, in]`.
    public func floats(_ name: String, shape expected: [Int]) throws -> [Float] {
        let count = try checkedF32(name, shape: expected).shape.reduce(1, *)
        return try [Float](unsafeUninitializedCapacity: count) { buffer, initialised in
            try copyFloats(name, shape: expected, into: UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
            initialised = count
        }
    }

    /// Copies an F32 tensor into `destination`, which must hold exactly shape-product floats.
    public func copyFloats(_ name: String, shape expected: [Int], into destination: UnsafeMutableBufferPointer<Float>) throws {
        let info = try checkedF32(name, shape: expected)
        precondition(destination.count * 4 == info.dataRange.count, "destination size does not match tensor '\(name)'")
        data.withUnsafeBytes { raw in
            // Offsets are not necessarily 4-byte aligned in the file: copy bytes, not floats.
            let source = UnsafeRawBufferPointer(rebasing: raw[(dataStart + info.dataRange.lowerBound)..<(dataStart + info.dataRange.upperBound)])
            UnsafeMutableRawBufferPointer(destination).copyMemory(from: source)
        }
        #if _endian(big)
        for i in destination.indices { destination[i] = Float(bitPattern: UInt32(littleEndian: destination[i].bitPattern)) }
        #endif
    }

    private func checkedF32(_ name: String, shape expected: [Int]) throws -> TensorInfo {
        guard let info = tensors[name] else { throw SafeTensorsError.missingTensor(name) }
        guard info.dtype == "F32" else { throw SafeTensorsError.unsupportedDType(tensor: name, dtype: info.dtype) }
        guard info.shape == expected else { throw SafeTensorsError.wrongShape(tensor: name, expected: expected, got: info.shape) }
        return info
    }

    private static func parseHeader(_ json: Data, dataSize: Int) throws -> [String: TensorInfo] {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: json)
        } catch {
            throw SafeTensorsError.badHeader("not JSON (\(error.localizedDescription))")
        }
        guard let entries = object as? [String: Any] else { throw SafeTensorsError.badHeader("top level is not an object") }

        var tensors: [String: TensorInfo] = [:]
        for (name, value) in entries where name != "__metadata__" {
            guard let entry = value as? [String: Any],
                  let dtype = entry["dtype"] as? String,
                  let shapeValues = entry["shape"] as? [Any],
                  let offsetValues = entry["data_offsets"] as? [Any]
            else { throw SafeTensorsError.badHeader("entry '\(name)' lacks dtype, shape or data_offsets") }
            guard let shape = integers(shapeValues), shape.allSatisfy({ $0 >= 0 }) else {
                throw SafeTensorsError.badHeader("entry '\(name)' has a non-integer or negative shape")
            }
            guard let offsets = integers(offsetValues), offsets.count == 2 else {
                throw SafeTensorsError.badOffsets(tensor: name, reason: "not two integers")
            }
            guard let elementSize = dtypeSizes[dtype] else { throw SafeTensorsError.unsupportedDType(tensor: name, dtype: dtype) }
            let (begin, end) = (offsets[0], offsets[1])
            guard 0 <= begin, begin <= end else { throw SafeTensorsError.badOffsets(tensor: name, reason: "[\(begin), \(end)] is not a range") }
            guard end <= dataSize else {
                throw SafeTensorsError.badOffsets(tensor: name, reason: "end \(end) beyond the \(dataSize)-byte data section")
            }
            var bytes = elementSize
            for dim in shape {
                let (product, overflow) = bytes.multipliedReportingOverflow(by: dim)
                guard !overflow else { throw SafeTensorsError.badOffsets(tensor: name, reason: "shape \(shape) overflows") }
                bytes = product
            }
            guard bytes == end - begin else {
                throw SafeTensorsError.badOffsets(tensor: name, reason: "\(end - begin) bytes but \(dtype) \(shape) needs \(bytes)")
            }
            tensors[name] = TensorInfo(dtype: dtype, shape: shape, dataRange: begin..<end)
        }

        let byStart = tensors.sorted { ($0.value.dataRange.lowerBound, $0.key) < ($1.value.dataRange.lowerBound, $1.key) }
        for (a, b) in zip(byStart, byStart.dropFirst()) where a.value.dataRange.overlaps(b.value.dataRange) {
            throw SafeTensorsError.overlappingTensors(a.key, b.key)
        }
        return tensors
    }

    /// JSON numbers as exact integers, or nil if any is fractional or not a number.
    private static func integers(_ values: [Any]) -> [Int]? {
        var result: [Int] = []
        result.reserveCapacity(values.count)
        for value in values {
            guard let number = value as? NSNumber, let int = Int(exactly: number.doubleValue) else { return nil }
            result.append(int)
        }
        return result
    }
}
