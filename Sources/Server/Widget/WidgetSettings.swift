import Foundation

/// What the business has set up for its widget: its active key and the origins allowed to use it.
public struct WidgetSettings: Sendable, Equatable {
    public var key: WidgetKey
    /// Normalised origins (``WidgetOrigin``); empty allows none.
    public var allowedOrigins: [String]

    public init(key: WidgetKey, allowedOrigins: [String]) {
        self.key = key
        self.allowedOrigins = allowedOrigins
    }
}

/// A business's allowed origins as stored: a JSON array of strings.
enum WidgetOriginsJSON {
    static func encode(_ origins: [String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return String(decoding: try encoder.encode(origins), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> [String] {
        try JSONDecoder().decode([String].self, from: Data(text.utf8))
    }
}
