import Events
import Foundation

/// One problem in an upload of recipients: which row (CSV: the line the record starts on, the header being line 1;
/// JSON: the object's 1-based position in the array; nil for the upload as a whole), which column, what is wrong.
public struct RecipientRowError: Error, Codable, Sendable, Equatable, CustomStringConvertible {
    public let row: Int?
    public let column: String?
    public let message: String

    public init(row: Int?, column: String?, _ message: String) {
        self.row = row
        self.column = column
        self.message = message
    }

    public var description: String { (row.map { "row \($0): " } ?? "") + message }
}

/// An upload was refused: every problem found, in row order. Nothing of it may be stored.
public struct RecipientImportFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let errors: [RecipientRowError]

    public init(_ errors: [RecipientRowError]) { self.errors = errors }

    public var description: String {
        "\(errors.count) problem(s) in the upload; first: \(errors.first.map(\.description) ?? "none")"
    }
}

/// A recipient an upload adds: one per phone number, rows with the same number merged.
public struct RecipientDraft: Sendable, Equatable {
    /// E.164.
    public var phone: String
    /// Every column but `phone_number`, by variable name, trimmed; a blank cell is absent.
    public var variables: [String: String]
    public var timeZone: String
    public var zoneSource: ZoneSource
    /// The upload's rows this recipient came from (more than one when merged).
    public var rows: [Int]
}

/// Rows of one upload that had the same phone number and became one recipient: the first row's values are kept,
/// and later rows fill only its blank cells.
public struct RecipientMerge: Codable, Sendable, Equatable {
    public let phone: String
    /// Every row of the number, in order; the first is the one kept.
    public let rows: [Int]
    /// Columns blank in the first row that a later row filled.
    public let filled: [String]
    /// Columns where a later row had a different value from the one kept: that later value was dropped.
    public let conflicting: [String]

    public init(phone: String, rows: [Int], filled: [String], conflicting: [String]) {
        self.phone = phone
        self.rows = rows
        self.filled = filled
        self.conflicting = conflicting
    }
}

/// What an upload adds: its recipients and how duplicates were merged.
public struct ImportedRecipients: Sendable, Equatable {
    /// In the order their first row appears.
    public var recipients: [RecipientDraft]
    /// Data rows read (blank rows not counted).
    public var rows: Int
    /// The numbers that appeared on more than one row.
    public var merges: [RecipientMerge]
    /// The upload's columns as variable names, in the order given (`phone_number` not included).
    public var columns: [String]
}

/// Reads an upload of recipients (CSV or JSON) into ``RecipientDraft``s, all or nothing.
///
/// - CSV (RFC 4180): a header row; `phone_number` is required; every other column becomes a variable named after
///   its header (trimmed, lower-cased, spaces and `-` as `_`: "First Name" → `first_name`). `timezone` (an IANA name)
///   and `postcode` (a US ZIP code, for +1 numbers) also decide the recipient's time zone (``RecipientTimeZone``).
///   Blank rows are skipped; a column with no header name must stay empty.
/// - JSON: an array of objects with the same keys; values are text, numbers or true/false (null or absent: blank).
///
/// Phone numbers must be E.164 (spaces, dashes, dots and parentheses are ignored: "+1 (555) 010-2000"); the same
/// number on several rows is one recipient (``RecipientMerge``). Each recipient must have a non-blank value for every
/// variable the script uses, and the upload must have a column for each (else an error names the variable). At
/// most ``maxRows`` rows. Every problem is reported with its row and column; any problem refuses the whole upload.
public enum RecipientImport {
    public static let maxRows = 10_000
    public static let maxColumns = 50
    /// The longest value of a variable, in characters.
    public static let maxValueLength = 200
    public static let phoneColumn = "phone_number"
    public static let timezoneColumn = "timezone"
    public static let postcodeColumn = "postcode"

    /// What an upload is checked against.
    public struct Options: Sendable, Equatable {
        /// The variables the campaign's script needs of each recipient (``CampaignScript/recipientVariables``).
        public var requiredVariables: [String]
        /// The business's IANA zone: the zone of a recipient with no `timezone` and no usable `postcode`.
        public var businessTimeZone: String

        public init(requiredVariables: [String], businessTimeZone: String) {
            self.requiredVariables = requiredVariables
            self.businessTimeZone = businessTimeZone
        }
    }

    /// One data row as read: its number and its cells by column (trimmed; blank cells absent).
    struct Row {
        var number: Int
        var values: [String: String]
    }

    /// A header cell as a variable name: trimmed, lower-cased, spaces and `-` as `_`; nil when it is not a name.
    public static func columnName(_ header: String) -> String? {
        let name = header.trimmingCharacters(in: .whitespaces).lowercased()
            .replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
        return ScriptTemplate.variableName(name)
    }

    /// `raw` as E.164 with separators removed, or nil.
    public static func phone(_ raw: String) -> String? {
        let ignored: Set<Character> = [" ", "-", ".", "(", ")", "\u{00A0}"]
        let compact = String(raw.trimmingCharacters(in: .whitespacesAndNewlines).filter { !ignored.contains($0) })
        return E164.isValid(compact) ? compact : nil
    }

    /// Checks the columns, merges rows by phone number, checks each recipient and resolves its zone.
    /// - Parameters:
    ///   - rows: the rows that could be read (`initial` holds the errors of those that could not).
    ///   - rowCount: every data row, readable or not: what the limit counts.
    static func assemble(_ rows: [Row], rowCount: Int, columns: [String], options: Options,
                         errors initial: [RecipientRowError]) throws(RecipientImportFailure) -> ImportedRecipients {
        var errors = initial
        if rowCount > maxRows {
            throw RecipientImportFailure([RecipientRowError(row: nil, column: nil,
                "the upload has \(rowCount) rows; at most \(maxRows) per upload (split it and upload each part)")])
        }
        guard columns.contains(phoneColumn) else {
            throw RecipientImportFailure([RecipientRowError(row: nil, column: phoneColumn,
                "the upload has no phone_number column; found: \(columns.joined(separator: ", "))")])
        }
        for builtIn in ScriptContext.builtIns.sorted() where columns.contains(builtIn) {
            errors.append(RecipientRowError(row: nil, column: builtIn,
                "\(builtIn) is filled in by FrontDesk ({{\(builtIn)}}); rename the column"))
        }
        for variable in options.requiredVariables where !columns.contains(variable) {
            errors.append(RecipientRowError(row: nil, column: variable,
                "the script uses {{\(variable)}}, but the upload has no \(variable) column"))
        }
        if rowCount == 0, errors.isEmpty {
            throw RecipientImportFailure([RecipientRowError(row: nil, column: nil, "the upload has no recipients")])
        }

        // Merge by phone number: the first row's values win; later rows fill its blanks.
        var order: [String] = []
        var merged: [String: (values: [String: String], rows: [Int], filled: [String], conflicting: [String])] = [:]
        for row in rows {
            guard let raw = row.values[phoneColumn] else {
                errors.append(RecipientRowError(row: row.number, column: phoneColumn, "phone_number is blank"))
                continue
            }
            guard let phone = phone(raw) else {
                errors.append(RecipientRowError(row: row.number, column: phoneColumn,
                    "phone_number \"\(raw.prefix(40))\" is not E.164: + and the country code, then the number (e.g. +15551234567)"))
                continue
            }
            for column in row.values.keys.sorted() {
                let value = row.values[column]!
                if value.count > maxValueLength {
                    errors.append(RecipientRowError(row: row.number, column: column,
                                                    "\(column) is longer than \(maxValueLength) characters"))
                } else if value.unicodeScalars.contains("\u{0}") {
                    errors.append(RecipientRowError(row: row.number, column: column, "\(column) contains a NUL character"))
                }
            }
            var values = row.values
            values.removeValue(forKey: phoneColumn)
            guard var entry = merged[phone] else {
                order.append(phone)
                merged[phone] = (values, [row.number], [], [])
                continue
            }
            for column in columns where column != phoneColumn {
                guard let value = values[column] else { continue }
                if let kept = entry.values[column] {
                    if kept != value, !entry.conflicting.contains(column) { entry.conflicting.append(column) }
                } else {
                    entry.values[column] = value
                    if !entry.filled.contains(column) { entry.filled.append(column) }
                }
            }
            entry.rows.append(row.number)
            merged[phone] = entry
        }

        var recipients: [RecipientDraft] = []
        var merges: [RecipientMerge] = []
        for phone in order {
            let entry = merged[phone]!
            let first = entry.rows[0]
            let rowsSaid = entry.rows.count > 1 ? " (rows \(entry.rows.map(String.init).joined(separator: ", ")) have this number)" : ""
            for variable in options.requiredVariables where columns.contains(variable) && entry.values[variable] == nil {
                errors.append(RecipientRowError(row: first, column: variable,
                    "the script uses {{\(variable)}}, but \(variable) is blank for \(PhoneDisplay.masked(phone))\(rowsSaid)"))
            }
            do {
                let (zone, source) = try RecipientTimeZone.resolve(
                    timezone: entry.values[timezoneColumn], postcode: entry.values[postcodeColumn], phone: phone,
                    businessZone: options.businessTimeZone)
                recipients.append(RecipientDraft(phone: phone, variables: entry.values, timeZone: zone, zoneSource: source,
                                                 rows: entry.rows))
            } catch {
                errors.append(RecipientRowError(row: first, column: timezoneColumn, error.message))
            }
            if entry.rows.count > 1 {
                merges.append(RecipientMerge(phone: phone, rows: entry.rows, filled: entry.filled,
                                             conflicting: entry.conflicting))
            }
        }
        guard errors.isEmpty else {
            throw RecipientImportFailure(errors.enumerated().sorted { a, b in
                ((a.element.row ?? 0), a.offset) < ((b.element.row ?? 0), b.offset)
            }.map(\.element))
        }
        return ImportedRecipients(recipients: recipients, rows: rowCount, merges: merges,
                                  columns: columns.filter { $0 != phoneColumn })
    }
}

/// Phone numbers in messages a business reads back in an error report: the last four digits only, as in logs.
enum PhoneDisplay {
    static func masked(_ phone: String) -> String {
        guard phone.count > 6 else { return "***" }
        return String(phone.prefix(2)) + String(repeating: "*", count: phone.count - 6) + String(phone.suffix(4))
    }
}
