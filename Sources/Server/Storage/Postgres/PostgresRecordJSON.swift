import Foundation

/// The JSON of nested values stored in text columns (a call's `machine`, a turn's `citations`, an entry's `tags`),
/// written and read exactly as GRDB's records do on SQLite (`databaseJSONEncoder`/`Decoder`: sorted keys, dates as
/// milliseconds since 1970, data as base64). So a row copied from SQLite reads back the same, and a value written
/// here is byte for byte what SQLite would have stored.
enum PostgresRecordJSON {
    static func string<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.dataEncodingStrategy = .base64
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.nonConformingFloatEncodingStrategy = .throw
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func value<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dataDecodingStrategy = .base64
        decoder.dateDecodingStrategy = .millisecondsSince1970
        decoder.nonConformingFloatDecodingStrategy = .throw
        return try decoder.decode(type, from: Data(text.utf8))
    }
}
