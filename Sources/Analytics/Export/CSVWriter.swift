/// Writes CSV per RFC 4180 that opens cleanly in a spreadsheet, a row at a time, so exports stream with flat
/// memory: the server appends rows to a buffer and flushes it to the response body as it fills.
///
/// - Fields are quoted when they contain `,` `"` CR or LF, or start or end with a space or tab (which some
///   readers would trim); quotes inside are doubled. Everything else is written bare.
/// - Lines end in CRLF, including the last one; the first line is the header.
/// - Text is UTF-8. With ``Options/byteOrderMark`` the output starts with a BOM, which Excel needs to read UTF-8
///   (off by default: other tools show it as a stray character).
/// - Formula-injection guard (``Options/guardsFormulas``, on by default): a cell beginning with `=` `+` `-` `@`,
///   tab or CR — or their full-width forms, which some spreadsheets fold — is prefixed with an apostrophe, as
///   OWASP's "CSV Injection" guidance recommends, so a caller who says "=HYPERLINK(…)" cannot plant a formula in
///   the owner's spreadsheet. Negative numbers (`-12`, `-0.5`) are left alone so numeric columns stay numeric;
///   `+15551234567` is prefixed, which a spreadsheet shows as the text `+15551234567` — what a phone number wants.
///   The apostrophe is visible in non-spreadsheet readers; turn the guard off for machine-to-machine exports.
public struct CSVWriter: Sendable {
    /// How the output is written.
    public struct Options: Sendable, Equatable {
        /// Start the output (``CSVWriter/appendHeader(to:)``) with a UTF-8 byte order mark, for Excel.
        public var byteOrderMark: Bool
        /// Prefix cells that a spreadsheet would run as a formula with `'`.
        public var guardsFormulas: Bool

        public init(byteOrderMark: Bool = false, guardsFormulas: Bool = true) {
            self.byteOrderMark = byteOrderMark
            self.guardsFormulas = guardsFormulas
        }
    }

    /// The header row's names; every row has this many fields.
    public let columns: [String]
    public let options: Options

    public init(columns: [String], options: Options = Options()) {
        precondition(!columns.isEmpty, "a CSV needs at least one column")
        self.columns = columns
        self.options = options
    }

    /// Appends the BOM (when on) and the header row. Header names are escaped but never formula-guarded.
    public func appendHeader(to buffer: inout [UInt8]) {
        if options.byteOrderMark { buffer.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
        append(columns, guards: false, to: &buffer)
    }

    /// Appends one row; a nil field is an empty cell.
    /// - Precondition: `fields.count == columns.count`.
    public func appendRow(_ fields: [String?], to buffer: inout [UInt8]) {
        precondition(fields.count == columns.count, "row has \(fields.count) fields, header has \(columns.count)")
        append(fields, guards: options.guardsFormulas, to: &buffer)
    }

    /// The header row as text (with the BOM when on), ending in CRLF.
    public func header() -> String {
        var buffer: [UInt8] = []
        appendHeader(to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// One row as text, ending in CRLF.
    public func row(_ fields: [String?]) -> String {
        var buffer: [UInt8] = []
        appendRow(fields, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    private func append(_ fields: [String?], guards: Bool, to buffer: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            if let field { Self.appendField(field, guardsFormulas: guards, to: &buffer) }
        }
        buffer.append(contentsOf: [0x0D, 0x0A])
    }

    /// Appends one escaped field (no separator).
    public static func appendField(_ field: String, guardsFormulas: Bool, to buffer: inout [UInt8]) {
        var field = field
        if guardsFormulas, needsFormulaGuard(field) { field = "'" + field }
        let utf8 = field.utf8
        guard needsQuotes(utf8) else {
            buffer.append(contentsOf: utf8)
            return
        }
        buffer.append(UInt8(ascii: "\""))
        for byte in utf8 {
            if byte == UInt8(ascii: "\"") { buffer.append(byte) }
            buffer.append(byte)
        }
        buffer.append(UInt8(ascii: "\""))
    }

    /// One escaped field as text.
    public static func escape(_ field: String, guardsFormulas: Bool = true) -> String {
        var buffer: [UInt8] = []
        appendField(field, guardsFormulas: guardsFormulas, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    static func needsQuotes(_ utf8: String.UTF8View) -> Bool {
        guard let first = utf8.first, let last = utf8.last else { return false }
        if first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 { return true }
        return utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0D || $0 == 0x0A }
    }

    /// Characters a spreadsheet may start a formula with (OWASP), plus the full-width `＝ ＋ － ＠`.
    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}",
                                                     "\u{FF20}"]

    static func needsFormulaGuard(_ field: String) -> Bool {
        guard let first = field.unicodeScalars.first, formulaStarts.contains(first) else { return false }
        return !(first == "-" && isPlainNumber(field.utf8.dropFirst()))
    }

    /// Digits with at most one decimal point and an optional exponent: `12`, `0.5`, `.5`, `1e-3`.
    static func isPlainNumber(_ bytes: Substring.UTF8View) -> Bool {
        var digits = 0, dots = 0
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if (0x30...0x39).contains(byte) { digits += 1 } else if byte == UInt8(ascii: "."), dots == 0 { dots += 1 }
            else { break }
            index = bytes.index(after: index)
        }
        guard digits > 0 else { return false }
        if index == bytes.endIndex { return true }
        guard bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") else { return false }
        index = bytes.index(after: index)
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            index = bytes.index(after: index)
        }
        guard index < bytes.endIndex else { return false }
        return bytes[index...].allSatisfy { (0x30...0x39).contains($0) }
    }
}
