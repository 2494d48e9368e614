import Foundation
import PostgresNIO

/// Rows of SQLite values as `COPY … FROM STDIN (FORMAT text)` data for one table: a line per row, columns separated
/// by tabs, `\N` for NULL, backslash, tab, newline and carriage return escaped. Each value is converted by its target
/// column's type, exactly:
/// - `boolean` ← SQLite's 0 / 1;
/// - `timestamptz` ← GRDB's date text (`yyyy-MM-dd HH:mm:ss.SSS`, UTC) with `+00` appended, so PostgreSQL parses the
///   very digits stored, whatever the session's time zone (no rounding through a floating-point `Date`);
/// - `bytea` ← a blob, in hex;
/// - `text` ← text, byte for byte (JSON columns are text on both sides);
/// - `bigint` / `integer` ← integers; `double precision` ← reals (the shortest text that reads back as the same
///   double) or integers.
/// Anything else (text in a date column that is no date, a NUL character PostgreSQL cannot store, 2 in a boolean)
/// throws `StorageMigration.Failure.unconvertible`, naming the table, column and the row's key.
struct PostgresCopyText: Sendable {
    let table: String
    let columns: [(name: String, type: PostgresImport.ColumnType)]

    /// `rows` as COPY text; each row holds one value per column, in `columns`' order.
    func encode(_ rows: [[StoredValue]]) throws -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: rows.count * columns.count * 16)
        for row in rows {
            precondition(row.count == columns.count, "a row of \(row.count) values for \(columns.count) columns")
            for (index, value) in row.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
                try write(value, column: index, of: row, into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "\n"))
        }
        return buffer
    }

    private func write(_ value: StoredValue, column index: Int, of row: [StoredValue],
                       into buffer: inout ByteBuffer) throws {
        let type = columns[index].type
        func refuse(_ problem: String) -> StorageMigration.Failure {
            .unconvertible(table: table, column: columns[index].name, row: key(of: row), problem: problem)
        }
        switch (type, value) {
        case (_, .null):
            buffer.writeStaticString("\\N")
        case (.text, .text(let text)):
            guard Self.writeEscaped(text, into: &buffer) else {
                throw refuse("the text contains a NUL character, which PostgreSQL cannot store")
            }
        case (.boolean, .integer(let flag)) where flag == 0 || flag == 1:
            buffer.writeInteger(UInt8(ascii: flag == 1 ? "t" : "f"))
        case (.timestamptz, .text(let text)):
            guard let zone = Self.dateZone(text) else {
                throw refuse("\"\(text.prefix(40))\" is not a date as FrontDesk stores dates (yyyy-MM-dd HH:mm:ss.SSS)")
            }
            buffer.writeString(text)
            switch zone {
            case .none: buffer.writeStaticString("+00")
            case .dateOnly: buffer.writeStaticString(" 00:00:00+00")
            case .given: break
            }
        case (.bytea, .blob(let data)):
            Self.writeHex(data, into: &buffer)
        case (.bigint, .integer(let integer)):
            buffer.writeString(String(integer))
        case (.integer, .integer(let integer)) where Int32(exactly: integer) != nil:
            buffer.writeString(String(integer))
        case (.doublePrecision, .real(let real)):
            buffer.writeString(Self.text(of: real))
        case (.doublePrecision, .integer(let integer)):
            buffer.writeString(String(integer))
        default:
            throw refuse("SQLite holds \(Self.kind(of: value)), which a column of type \(type.rawValue) cannot take")
        }
    }

    /// The row's first column (each FrontDesk table's key comes first), to name the row in an error.
    private func key(of row: [StoredValue]) -> String {
        let value: String
        switch row.first {
        case .integer(let integer): value = String(integer)
        case .text(let text): value = "\"\(text.prefix(80))\""
        default: value = "?"
        }
        return "\(columns.first?.name ?? "?") = \(value)"
    }

    private static func kind(of value: StoredValue) -> String {
        switch value {
        case .null: "NULL"
        case .integer(let integer): "the integer \(integer)"
        case .real(let real): "the real \(real)"
        case .text: "text"
        case .blob(let data): "a blob of \(data.count) bytes"
        }
    }

    /// A double as the shortest decimal that reads back as the same double (Swift's `description`), with
    /// PostgreSQL's spellings of the non-finite values.
    static func text(of real: Double) -> String {
        if real.isNaN { return "NaN" }
        if real.isInfinite { return real < 0 ? "-Infinity" : "Infinity" }
        return real.description
    }

    /// Writes `text` with COPY's escapes (one pass to count them, a second only when there are some); false, and
    /// nothing written, if it holds a NUL character.
    private static func writeEscaped(_ text: String, into buffer: inout ByteBuffer) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return true }
            var escapes = 0
            var index = 0
            while index < bytes.count {
                switch base[index] {
                case 0: return false
                case 0x5C, 0x09, 0x0A, 0x0D: escapes += 1
                default: break
                }
                index += 1
            }
            guard escapes > 0 else {
                buffer.writeBytes(UnsafeRawBufferPointer(bytes))
                return true
            }
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: bytes.count + escapes) { out in
                let target = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
                var written = 0
                for index in 0..<bytes.count {
                    let byte = base[index]
                    let escaped: UInt8? = switch byte {
                    case 0x5C: 0x5C
                    case 0x09: UInt8(ascii: "t")
                    case 0x0A: UInt8(ascii: "n")
                    case 0x0D: UInt8(ascii: "r")
                    default: nil
                    }
                    if let escaped {
                        target[written] = 0x5C
                        target[written + 1] = escaped
                        written += 2
                    } else {
                        target[written] = byte
                        written += 1
                    }
                }
                return written
            }
            return true
        }
    }

    /// Each byte's two lowercase hex digits, as they lie in memory.
    private static let hexPairs: [UInt16] = (0...255).map { byte in
        let digits = Array("0123456789abcdef".utf8)
        return (UInt16(digits[byte >> 4]) | UInt16(digits[byte & 0x0F]) << 8).littleEndian
    }

    /// bytea's hex input, `\x0a1b…`, with the backslash escaped for COPY text. (An embedding is 1,536 bytes: a
    /// table lookup per byte, two digits at a time.)
    private static func writeHex(_ data: Data, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("\\\\x")
        let count = data.count * 2
        hexPairs.withUnsafeBufferPointer { pairs in
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { out in
                data.withUnsafeBytes { bytes in
                    let target = out.baseAddress!
                    for index in 0..<bytes.count {
                        target.storeBytes(of: pairs[Int(bytes[index])], toByteOffset: 2 * index, as: UInt16.self)
                    }
                }
                return count
            }
        }
    }

    enum DateZone { case none, dateOnly, given }

    /// Whether `text` is a date as GRDB writes or reads it: `yyyy-MM-dd`, optionally followed by ` HH:mm`, `:ss`,
    /// `.SSS…` (a space or `T` between), optionally a zone `Z` / `±HH:mm` / `±HHmm`; and which of the three forms it
    /// is (nil for anything else: PostgreSQL would read words like `now` or `epoch` too).
    static func dateZone(_ text: String) -> DateZone? {
        var text = text
        return text.withUTF8(dateZone)
    }

    private static func dateZone(_ bytes: UnsafeBufferPointer<UInt8>) -> DateZone? {
        var index = 0
        func digits(_ count: Int) -> Bool {
            guard index + count <= bytes.count else { return false }
            for offset in index..<index + count where bytes[offset] < 0x30 || bytes[offset] > 0x39 { return false }
            index += count
            return true
        }
        func literal(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard digits(4), literal(0x2D), digits(2), literal(0x2D), digits(2) else { return nil }
        if index == bytes.count { return .dateOnly }
        guard literal(0x20) || literal(0x54), digits(2), literal(0x3A), digits(2) else { return nil }
        if literal(0x3A) {
            guard digits(2) else { return nil }
            if literal(0x2E) {
                guard digits(1) else { return nil }
                while digits(1) {}
            }
        }
        if index == bytes.count { return DateZone.none }
        if literal(0x5A) { return index == bytes.count ? .given : nil }  // Z
        guard literal(0x2B) || literal(0x2D), digits(2) else { return nil }
        _ = literal(0x3A)
        guard digits(2), index == bytes.count else { return nil }
        return .given
    }
}
