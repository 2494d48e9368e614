import Foundation
import Hummingbird

/// Decodes JSON bodies and turns every decoding failure into a 400 `AppError` that names the field,
/// instead of Hummingbird's generic message.
public struct JSONRequestDecoder: RequestDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        return try Self.decode(type, from: Data(buffer: buffer))
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        if data.isEmpty { throw AppError(.badRequest, code: "invalid_json", message: "request body is empty; expected JSON") }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(type, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw AppError(.badRequest, code: "missing_field", message: "missing field \"\(path(context.codingPath + [key]))\"")
        } catch let DecodingError.typeMismatch(expected, context) {
            throw AppError(.badRequest, code: "invalid_field", message: "field \"\(path(context.codingPath))\" must be \(describe(expected))")
        } catch let DecodingError.valueNotFound(expected, context) {
            throw AppError(.badRequest, code: "invalid_field", message: "field \"\(path(context.codingPath))\" must be \(describe(expected)), not null")
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw AppError(.badRequest, code: "invalid_field", message: "field \"\(path(context.codingPath))\": \(context.debugDescription)")
        } catch let error as AppError {
            throw error
        } catch {
            throw AppError(.badRequest, code: "invalid_json", message: "request body is not valid JSON")
        }
    }

    /// The field path as the client wrote it: the decoder's keys are already converted from snake_case, so each
    /// is converted back ("timeZone" → "time_zone").
    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? snakeCased($0.stringValue) }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }

    /// "businessHours.monday" → "business_hours.monday": the API's spelling of a Swift property name (what
    /// `JSONEncoder.KeyEncodingStrategy.convertToSnakeCase` makes of each key).
    static func snakeCased(_ name: some StringProtocol) -> String {
        var result = ""
        for character in name {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        default: String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
