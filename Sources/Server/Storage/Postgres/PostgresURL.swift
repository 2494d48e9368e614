import Foundation
import PostgresNIO

/// A `postgres://` (or `postgresql://`) database URL, parsed into postgres-nio's client configuration.
///
///     postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=…&sslrootcert=…&host=/socket/dir]
///
/// `sslmode` follows libpq: `disable` (the default here), `prefer` / `require` (encrypted, certificate not checked),
/// `verify-ca` / `verify-full` (encrypted, certificate checked against the system roots or `sslrootcert`).
/// A `host=` query item naming a directory connects through that directory's Unix socket `.s.PGSQL.PORT`.
/// ``description`` never shows the password.
public struct PostgresURL: Sendable, CustomStringConvertible {
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    /// PEM file of the certificate authority (`verify-ca`, `verify-full`).
    public var sslRootCert: String?
    /// Directory of the server's Unix socket, instead of TCP.
    public var socketDirectory: String?

    public init(_ string: String) throws {
        guard let components = URLComponents(string: string),
              let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw PostgresURLError("the database URL must start with postgres:// (e.g. postgres://frontdesk@127.0.0.1:5432/frontdesk)")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        socketDirectory = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        host = components.percentEncodedHost.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 }
            ?? (socketDirectory == nil ? "127.0.0.1" : "localhost")
        port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw PostgresURLError("the database URL's port must be 1–65535") }
        guard let user = components.user?.removingPercentEncoding, !user.isEmpty else {
            throw PostgresURLError("the database URL names no user (postgres://USER@HOST/DATABASE)")
        }
        username = user
        password = components.password?.removingPercentEncoding
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.isEmpty, !path.contains("/") else {
            throw PostgresURLError("the database URL names no database (postgres://USER@HOST/DATABASE)")
        }
        database = path.removingPercentEncoding ?? path
        let mode = query["sslmode"] ?? "disable"
        guard let sslMode = SSLMode(rawValue: mode) else {
            throw PostgresURLError("sslmode=\(mode) is not one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.sslMode = sslMode
        sslRootCert = query["sslrootcert"]
    }

    /// The URL with the password masked, for logs and errors.
    public var description: String {
        var text = "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
        var items: [String] = []
        if sslMode != .disable { items.append("sslmode=\(sslMode.rawValue)") }
        if let socketDirectory { items.append("host=\(socketDirectory)") }
        if !items.isEmpty { text += "?" + items.joined(separator: "&") }
        return text
    }

    /// The client configuration for this URL.
    func clientConfiguration() throws -> PostgresClient.Configuration {
        if let socketDirectory {
            return PostgresClient.Configuration(
                unixSocketPath: socketDirectory + "/.s.PGSQL.\(port)", username: username, password: password,
                database: database)
        }
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case .disable:
            tls = .disable
        case .prefer, .require:
            var config = TLSConfiguration.makeClientConfiguration()
            config.certificateVerification = .none
            tls = sslMode == .prefer ? .prefer(config) : .require(config)
        case .verifyCA, .verifyFull:
            var config = TLSConfiguration.makeClientConfiguration()
            config.certificateVerification = sslMode == .verifyFull ? .fullVerification : .noHostnameVerification
            if let sslRootCert {
                config.trustRoots = .file(sslRootCert)
            }
            tls = .require(config)
        }
        return PostgresClient.Configuration(host: host, port: port, username: username, password: password,
                                            database: database, tls: tls)
    }
}

/// A database URL that cannot be used; the message says why (and never contains the password).
public struct PostgresURLError: Error, CustomStringConvertible, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}
