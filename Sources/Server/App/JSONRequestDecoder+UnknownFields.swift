import Foundation

extension JSONRequestDecoder {
    /// Throws a 422 naming the first key of a JSON object body that is not in `allowed` (nested objects: the
    /// key path in `nested`, e.g. `["settings": settingsKeys]`). Run before decoding where a silently ignored
    /// key would be a silent mistake — a misspelt `answer_confidence_threshold` must not leave the default.
    ///
    /// Anything that is not a JSON object is left for the decoder to report.
    static func rejectUnknownFields(in data: Data, allowed: Set<String>, nested: [String: Set<String>] = [:]) throws {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return }
        try reject(object, allowed: allowed, prefix: "")
        for (key, keys) in nested {
            if let inner = object[key] as? [String: Any] { try reject(inner, allowed: keys, prefix: key + ".") }
        }
    }

    private static func reject(_ object: [String: Any], allowed: Set<String>, prefix: String) throws {
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            let field = prefix + unknown
            throw AppError(.unprocessableContent, code: "unknown_field",
                           message: "unknown field \"\(field)\"; expected one of: \(allowed.sorted().joined(separator: ", "))",
                           details: [ErrorDetail(field: field, message: "unknown field")])
        }
    }
}
