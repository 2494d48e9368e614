import Foundation

extension KnowledgeChunk {
    /// Float32 little-endian bytes of `vector` (4 bytes per component), bit-exact: NaN payloads and −0 survive.
    public static func encodeEmbedding(_ vector: [Float]) -> Data {
        var data = Data(count: vector.count * MemoryLayout<UInt32>.size)
        data.withUnsafeMutableBytes { raw in
            for (index, value) in vector.enumerated() {
                raw.storeBytes(
                    of: value.bitPattern.littleEndian, toByteOffset: index * 4, as: UInt32.self)
            }
        }
        return data
    }

    /// The floats in `data` (Float32 little-endian); trailing bytes short of a whole float are ignored
    /// (the schema's CHECK keeps stored blobs a multiple of 4).
    public static func decodeEmbedding(_ data: Data) -> [Float] {
        let count = data.count / 4
        return data.withUnsafeBytes { raw in
            (0..<count).map { index in
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
            }
        }
    }
}
