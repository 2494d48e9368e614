import Foundation
import Testing
@testable import Analytics

/// A strict RFC 4180 reader, independent of the writer: records of fields, quoted fields may hold anything,
/// `""` is a quote inside quotes, records end in CRLF. Throws on anything RFC 4180 does not allow.
struct RFC4180Reader {
    struct Malformed: Error { var offset: Int; var reason: String }

    static func parse(_ text: String) throws -> [[String]] {
        let scalars = Array(text.unicodeScalars)
        var records: [[String]] = []
        var record: [String] = []
        var field = String.UnicodeScalarView()
        var i = 0
        var atFieldStart = true
        while i < scalars.count {
            let c = scalars[i]
            if atFieldStart, c == "\"" {
                i += 1
                while true {
                    guard i < scalars.count else { throw Malformed(offset: i, reason: "unterminated quote") }
                    if scalars[i] == "\"" {
                        if i + 1 < scalars.count, scalars[i + 1] == "\"" { field.append("\""); i += 2; continue }
                        i += 1
                        break
                    }
                    field.append(scalars[i]); i += 1
                }
                atFieldStart = false
                guard i < scalars.count, scalars[i] == "," || scalars[i] == "\r" else {
                    throw Malformed(offset: i, reason: "text after a closing quote")
                }
                continue
            }
            switch c {
            case ",":
                record.append(String(field)); field = .init(); atFieldStart = true; i += 1
            case "\r":
                guard i + 1 < scalars.count, scalars[i + 1] == "\n" else { throw Malformed(offset: i, reason: "bare CR") }
                record.append(String(field)); records.append(record)
                record = []; field = .init(); atFieldStart = true; i += 2
            case "\n":
                throw Malformed(offset: i, reason: "bare LF")
            case "\"":
                throw Malformed(offset: i, reason: "quote inside an unquoted field")
            default:
                field.append(c); atFieldStart = false; i += 1
            }
        }
        guard record.isEmpty, field.isEmpty else { throw Malformed(offset: i, reason: "last record without CRLF") }
        return records
    }
}

@Suite struct CSVWriterTests {
    static let awkward: [String] = [
        "plain",
        "comma, inside",
        "a \"quoted\" word",
        "line one\nline two",
        "windows\r\nline",
        "  leading and trailing  ",
        "\ttabbed",
        "café — 日本語 👩‍🔧 emoji",
        "",
        "\"",
        "trailing comma,",
    ]

    @Test func roundTripsAwkwardFieldsWithoutTheGuard() throws {
        let writer = CSVWriter(columns: ["id", "text"], options: .init(guardsFormulas: false))
        var buffer: [UInt8] = []
        writer.appendHeader(to: &buffer)
        for (index, text) in Self.awkward.enumerated() { writer.appendRow([String(index), text], to: &buffer) }
        let text = try #require(String(validating: buffer, as: UTF8.self))
        let records = try RFC4180Reader.parse(text)
        #expect(records.first == ["id", "text"])
        #expect(records.dropFirst().map { $0[1] } == Self.awkward)
        #expect(records.allSatisfy { $0.count == 2 })
        #expect(text.hasSuffix("\r\n"))
    }

    @Test func quotesOnlyWhatNeedsQuoting() {
        #expect(CSVWriter.escape("plain") == "plain")
        #expect(CSVWriter.escape("a,b") == "\"a,b\"")
        #expect(CSVWriter.escape("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVWriter.escape("two\nlines") == "\"two\nlines\"")
        #expect(CSVWriter.escape(" padded") == "\" padded\"")
        #expect(CSVWriter.escape("padded ") == "\"padded \"")
        #expect(CSVWriter.escape("日本語") == "日本語")
        #expect(CSVWriter.escape("") == "")
    }

    @Test func nilIsAnEmptyCellAndRowsEndInCRLF() {
        let writer = CSVWriter(columns: ["a", "b", "c"])
        #expect(writer.header() == "a,b,c\r\n")
        #expect(writer.row(["1", nil, "x y"]) == "1,,x y\r\n")
    }

    @Test(arguments: [
        ("=HYPERLINK(\"http://evil\",\"click\")", "\"'=HYPERLINK(\"\"http://evil\"\",\"\"click\"\")\""),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "\"'\r=1\""),
        ("＝1+1", "'＝1+1"),
        ("+15551234567", "'+15551234567"),
        ("-12", "-12"),
        ("-0.25", "-0.25"),
        ("-1e-3", "-1e-3"),
        ("-", "'-"),
        ("a=b", "a=b"),
        ("email@example.com", "email@example.com"),
    ])
    func formulaGuard(_ input: String, _ expected: String) {
        #expect(CSVWriter.escape(input) == expected)
    }

    @Test func guardedCellsRoundTripWithTheirApostrophe() throws {
        let writer = CSVWriter(columns: ["text"])
        var buffer: [UInt8] = []
        writer.appendHeader(to: &buffer)
        let cells = ["=1+1", "-3", "@x,y", "safe"]
        for cell in cells { writer.appendRow([cell], to: &buffer) }
        let records = try RFC4180Reader.parse(String(decoding: buffer, as: UTF8.self))
        #expect(records.dropFirst().map { $0[0] } == ["'=1+1", "-3", "'@x,y", "safe"])
    }

    @Test func headerIsNeverGuardedAndBOMIsOptional() {
        let plain = CSVWriter(columns: ["-score", "name"])
        #expect(plain.header() == "-score,name\r\n")
        var buffer: [UInt8] = []
        CSVWriter(columns: ["a"], options: .init(byteOrderMark: true)).appendHeader(to: &buffer)
        #expect(buffer == [0xEF, 0xBB, 0xBF, UInt8(ascii: "a"), 0x0D, 0x0A])
        buffer = []
        plain.appendHeader(to: &buffer)
        #expect(buffer.first == UInt8(ascii: "-"))
    }

    @Test func ndjsonIsOneRecordPerLine() throws {
        struct Row: Codable, Equatable { var sid: String; var text: String; var at: Date }
        let writer = NDJSONWriter()
        let rows = [Row(sid: "CA1", text: "line one\nline two, \"quoted\"", at: Date(timeIntervalSince1970: 0)),
                    Row(sid: "CA2", text: "café 👩‍🔧", at: Date(timeIntervalSince1970: 86_400))]
        var buffer: [UInt8] = []
        for row in rows { try writer.append(row, to: &buffer) }
        let lines = String(decoding: buffer, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines.last == "")
        #expect(lines[0] == #"{"at":"1970-01-01T00:00:00Z","sid":"CA1","text":"line one\nline two, \"quoted\""}"#)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        #expect(try lines.dropLast().map { try decoder.decode(Row.self, from: Data($0.utf8)) } == rows)
    }
}
