import Foundation

extension RecipientImport {
    /// Reads a CSV upload (UTF-8, RFC 4180, a header row). See ``RecipientImport``.
    /// - Throws: ``RecipientImportFailure`` with every problem found.
    public static func csv(_ bytes: [UInt8], options: Options) throws(RecipientImportFailure) -> ImportedRecipients {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw RecipientImportFailure([RecipientRowError(row: nil, column: nil, "the upload is not UTF-8 text")])
        }
        // Excel's UTF-8 byte order mark is not part of the first column's name.
        var reader = CSVRecordReader(bytes: bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes[...])
        guard let header = reader.next(), header.malformed == nil,
              header.fields.contains(where: { !$0.allSatisfy(\.isWhitespace) })
        else { throw RecipientImportFailure([RecipientRowError(row: 1, column: nil, "the CSV has no header row")]) }
        guard header.fields.count <= maxColumns else {
            throw RecipientImportFailure([RecipientRowError(row: 1, column: nil,
                "the CSV has \(header.fields.count) columns; at most \(maxColumns)")])
        }

        var errors: [RecipientRowError] = []
        // Column index → name; nil for a column with no header name (which must stay empty).
        var names: [String?] = []
        for (index, cell) in header.fields.enumerated() {
            let trimmed = cell.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                names.append(nil)
            } else if let name = columnName(trimmed) {
                if names.contains(name) {
                    errors.append(RecipientRowError(row: 1, column: name, "the column \(name) appears twice in the header"))
                }
                names.append(name)
            } else {
                errors.append(RecipientRowError(row: 1, column: "column \(index + 1)",
                    "the header \"\(trimmed.prefix(50))\" is not a usable variable name (a letter, then letters, digits, spaces or _; at most \(ScriptTemplate.maxNameLength))"))
                names.append(nil)
            }
        }

        var rows: [Row] = []
        var rowCount = 0
        while let record = reader.next() {
            if record.fields.allSatisfy({ $0.allSatisfy(\.isWhitespace) }) { continue }
            rowCount += 1
            // A row that cannot be read is reported and not checked further.
            if let problem = record.malformed {
                errors.append(RecipientRowError(row: record.line, column: nil, problem))
                continue
            }
            guard record.fields.count == names.count else {
                errors.append(RecipientRowError(row: record.line, column: nil,
                    "the row has \(record.fields.count) fields, the header has \(names.count)"))
                continue
            }
            var values: [String: String] = [:]
            for (index, field) in record.fields.enumerated() {
                let value = field.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !value.isEmpty else { continue }
                guard let name = names[index] else {
                    errors.append(RecipientRowError(row: record.line, column: "column \(index + 1)",
                                                    "a value in a column with no usable header name"))
                    continue
                }
                values[name] = value
            }
            rows.append(Row(number: record.line, values: values))
        }
        return try assemble(rows, rowCount: rowCount, columns: names.compactMap { $0 }, options: options, errors: errors)
    }

    /// Reads a JSON upload: an array of objects. See ``RecipientImport``.
    /// - Throws: ``RecipientImportFailure`` with every problem found.
    public static func json(_ data: Data, options: Options) throws(RecipientImportFailure) -> ImportedRecipients {
        let elements: [JSONRecipientValue]
        do {
            elements = try JSONDecoder().decode([JSONRecipientValue].self, from: data)
        } catch {
            throw RecipientImportFailure([RecipientRowError(row: nil, column: nil,
                "the body is not a JSON array of objects (one object per recipient, e.g. [{\"phone_number\": \"+15551234567\", \"first_name\": \"Ana\"}])")])
        }
        var errors: [RecipientRowError] = []
        var columns: [String] = []
        var rows: [Row] = []
        for (index, element) in elements.enumerated() {
            let number = index + 1
            guard case .object(let object) = element else {
                errors.append(RecipientRowError(row: number, column: nil, "each recipient must be a JSON object"))
                continue
            }
            var values: [String: String] = [:]
            var readable = true
            for key in object.keys.sorted() {
                guard let name = columnName(key) else {
                    errors.append(RecipientRowError(row: number, column: String(key.prefix(50)),
                        "\"\(key.prefix(50))\" is not a usable variable name (a letter, then letters, digits or _; at most \(ScriptTemplate.maxNameLength))"))
                    readable = false
                    continue
                }
                if !columns.contains(name) {
                    guard columns.count < maxColumns else {
                        throw RecipientImportFailure([RecipientRowError(row: number, column: name,
                            "the recipients have more than \(maxColumns) different keys")])
                    }
                    columns.append(name)
                }
                switch object[key]! {
                case .text(let text):
                    let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
                    if !value.isEmpty { values[name] = value }
                case .null:
                    break
                case .object, .other:
                    errors.append(RecipientRowError(row: number, column: name,
                                                    "\(name) must be text, a number or true/false"))
                    readable = false
                }
            }
            if readable { rows.append(Row(number: number, values: values)) }
        }
        return try assemble(rows, rowCount: elements.count, columns: columns, options: options, errors: errors)
    }
}

/// One value of a JSON upload: scalars become text; objects are recipients (or a nested value, refused).
enum JSONRecipientValue: Decodable {
    case text(String)
    case null
    case object([String: JSONRecipientValue])
    /// An array: never a usable value.
    case other

    init(from decoder: any Decoder) throws {
        if let keyed = try? decoder.container(keyedBy: AnyKey.self) {
            var object: [String: JSONRecipientValue] = [:]
            for key in keyed.allKeys { object[key.stringValue] = try keyed.decode(JSONRecipientValue.self, forKey: key) }
            self = .object(object)
            return
        }
        if var list = try? decoder.unkeyedContainer() {
            while !list.isAtEnd { _ = try list.decode(JSONRecipientValue.self) }
            self = .other
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let flag = try? single.decode(Bool.self) {
            self = .text(flag ? "true" : "false")
        } else if let integer = try? single.decode(Int64.self) {
            self = .text(String(integer))
        } else if let number = try? single.decode(Double.self) {
            self = .text(number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number))
        } else {
            self = .text(try single.decode(String.self))
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
