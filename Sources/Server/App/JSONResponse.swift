import Foundation
import Hummingbird
import NIOCore

/// JSON responses in the API's one style: snake_case keys, ISO 8601 dates, sorted keys.
enum JSONResponse {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func noContent() -> Response { Response(status: .noContent) }
}

extension Request {
    /// The body, refused with 413 past `limit` bytes.
    func collectBody(upTo limit: Int) async throws -> Data {
        do {
            return Data(buffer: try await body.collect(upTo: limit))
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw AppError(.contentTooLarge, code: "body_too_large", message: "request body is larger than \(limit) bytes")
        } catch is NIOTooManyBytesError {
            throw AppError(.contentTooLarge, code: "body_too_large", message: "request body is larger than \(limit) bytes")
        }
    }

    /// Decodes a JSON body of at most `limit` bytes into `T`, with 400s that name the bad field.
    func decodeJSON<T: Decodable>(_ type: T.Type, limit: Int = AppLimits.maxJSONBytes) async throws -> T {
        try JSONRequestDecoder.decode(type, from: try await collectBody(upTo: limit))
    }
}

extension Parameters {
    /// A path parameter that the route guarantees; 404 if somehow absent.
    func require(_ name: String) throws -> String {
        guard let value = self.get(name) else { throw AppError(.notFound, code: "not_found", message: "no such resource") }
        return value
    }
}
