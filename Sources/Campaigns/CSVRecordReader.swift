import Foundation

/// One CSV record and the 1-based line it starts on.
public struct CSVRecord: Sendable, Equatable {
    public var fields: [String]
    /// The line the record starts on (the header is line 1); a spreadsheet's row number when no field holds a
    /// line break.
    public var line: Int
    /// Why the record could not be read as written (it is still returned, so the reader can go on).
    public var malformed: String?
}

/// Reads RFC 4180 records from UTF-8 bytes in one pass: fields separated by commas, records by CRLF, LF or a lone
/// CR; a quoted field may hold commas, line breaks and doubled quotes. The delimiters are ASCII, so scanning bytes is
/// safe for any UTF-8 text and each field is decoded once. A byte order mark is the caller's to drop.
///
/// The one CSV reader: campaign recipients and the server's knowledge import both read with it.
public struct CSVRecordReader {
    private let bytes: ArraySlice<UInt8>
    private var position: ArraySlice<UInt8>.Index
    /// The line the reader is on, counting newlines inside quoted fields too.
    private var line = 1

    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    public init(bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    /// The next record, or nil at the end of the input.
    public mutating func next() -> CSVRecord? {
        guard position < bytes.endIndex else { return nil }
        var record = CSVRecord(fields: [], line: line)
        var field: [UInt8] = []
        var quoted = false

        func finishField() {
            record.fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }

        while position < bytes.endIndex {
            let byte = bytes[position]
            position += 1
            if quoted {
                switch byte {
                case Self.quote:
                    if position < bytes.endIndex, bytes[position] == Self.quote {
                        field.append(Self.quote)
                        position += 1
                    } else {
                        quoted = false
                        if position < bytes.endIndex, ![Self.comma, Self.cr, Self.lf].contains(bytes[position]) {
                            record.malformed = record.malformed
                                ?? "field \(record.fields.count + 1): text after a closing quote"
                        }
                    }
                case Self.lf:
                    line += 1
                    field.append(byte)
                case Self.cr:
                    if position >= bytes.endIndex || bytes[position] != Self.lf { line += 1 }
                    field.append(byte)
                default:
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case Self.quote where field.isEmpty:
                quoted = true
            case Self.comma:
                finishField()
            case Self.lf:
                line += 1
                finishField()
                return record
            case Self.cr:
                if position < bytes.endIndex, bytes[position] == Self.lf { position += 1 }
                line += 1
                finishField()
                return record
            default:
                // A quote inside an unquoted field is kept as text, as spreadsheets do.
                field.append(byte)
            }
        }
        if quoted {
            record.malformed = "field \(record.fields.count + 1): quoted field is not closed"
        }
        finishField()
        return record
    }
}
