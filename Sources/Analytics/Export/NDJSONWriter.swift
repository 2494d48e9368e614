import Foundation

/// Writes newline-delimited JSON (one compact JSON object per line, `\n` line ends), a value at a time, for
/// exports that another program reads. JSON escapes newlines inside strings, so a line is always one record.
public struct NDJSONWriter: Sendable {
    private let encoder: JSONEncoder

    /// - Parameter sortedKeys: write object keys in order, so the same value is always the same bytes.
    ///   Dates are written as ISO 8601 with a time zone (`2024-03-10T05:30:00Z`).
    public init(sortedKeys: Bool = true) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = sortedKeys ? [.sortedKeys, .withoutEscapingSlashes] : [.withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        self.encoder = encoder
    }

    /// Appends `value` as one line.
    public func append(_ value: some Encodable, to buffer: inout [UInt8]) throws {
        buffer.append(contentsOf: try encoder.encode(value))
        buffer.append(0x0A)
    }

    /// `value` as one line of text, ending in `\n`.
    public func line(_ value: some Encodable) throws -> String {
        var buffer: [UInt8] = []
        try append(value, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
