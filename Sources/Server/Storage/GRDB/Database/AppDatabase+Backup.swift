import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension AppDatabase {
    /// What `backup(databaseAt:to:)` wrote and checked.
    public struct BackupSummary: Sendable, Equatable {
        public struct TableRows: Sendable, Equatable {
            public let table: String
            public let rows: Int
        }

        /// Absolute path of the copy.
        public let path: String
        /// Size of the copy in bytes.
        public let bytes: Int64
        /// Migration identifiers recorded in the copy, in the order they were applied.
        public let migrations: [String]
        /// Row counts of the main tables present in the copy (`AppDatabase.backupSummaryTables`).
        public let tables: [TableRows]
    }

    /// Why a backup was refused or failed. Nothing is left at the destination path in any of these cases.
    public enum BackupError: Error, Equatable, CustomStringConvertible {
        case destinationExists(path: String)
        case destinationDirectoryMissing(path: String)
        case sourceMissing(path: String)
        case notAFrontDeskDatabase(path: String, reason: String)
        case verificationFailed(path: String, reason: String)
        case io(operation: String, path: String, reason: String)

        public var description: String {
            switch self {
            case let .destinationExists(path):
                "\(path) already exists: a backup never overwrites a file; choose a new name or remove it first"
            case let .destinationDirectoryMissing(path):
                "directory \(path) does not exist"
            case let .sourceMissing(path):
                "no database at \(path) (set --db or FRONTDESK_DB)"
            case let .notAFrontDeskDatabase(path, reason):
                "\(path) is not a FrontDesk database: \(reason)"
            case let .verificationFailed(path, reason):
                "the copy of \(path) failed verification, nothing was written: \(reason)"
            case let .io(operation, path, reason):
                "\(operation) \(path): \(reason)"
            }
        }
    }

    /// The tables whose row counts a backup reports, when the copy has them.
    public static let backupSummaryTables = [
        "businesses", "knowledge_entries", "calls", "call_turns", "leads", "customers", "appointments", "messages",
    ]

    /// Copies this database (see `backup(databaseAt:to:)`); safe while other connections write to it.
    public func backup(to destination: String) throws -> BackupSummary {
        try Self.backup(databaseAt: path, to: destination)
    }

    /// Writes a consistent, verified copy of the database at `source` to `destination`, while a server may be
    /// reading and writing it.
    ///
    /// The copy is SQLite's `VACUUM INTO` from a connection of its own: one read transaction, so it holds exactly
    /// the transactions committed before it started (in WAL mode writers carry on meanwhile and are not in it). It
    /// is written under a temporary name in the destination's directory (`.NAME.UUID.partial`), fsynced, checked
    /// (`PRAGMA integrity_check` is "ok" and the migrations table is present), and only then linked to
    /// `destination`, with the directory fsynced: a crash leaves either no file at `destination` or a complete,
    /// verified one (and at worst a stray `.partial` file, removed on any error that is not a crash).
    /// - Parameters:
    ///   - source: the live database file (its `-wal` is read through SQLite, never copied by hand).
    ///   - destination: the new file; it must not exist.
    /// - Throws: `BackupError`.
    public static func backup(databaseAt source: String, to destination: String) throws -> BackupSummary {
        let target = URL(fileURLWithPath: destination).standardizedFileURL
        let directory = target.deletingLastPathComponent()
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: target.path) { throw BackupError.destinationExists(path: target.path) }
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw BackupError.destinationDirectoryMissing(path: directory.path)
        }
        guard fileManager.fileExists(atPath: source) else { throw BackupError.sourceMissing(path: source) }

        let temporary = directory
            .appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString.lowercased()).partial").path
        defer {
            for suffix in ["", "-journal", "-wal", "-shm"] { try? fileManager.removeItem(atPath: temporary + suffix) }
        }

        try snapshot(source, into: temporary)
        try syncToDisk(temporary)
        let (migrations, tables) = try verify(temporary, source: source)
        // A file created at `destination` meanwhile is never replaced.
        let code = linkNoReplace(temporary, target.path)
        if code != 0 {
            if code == EEXIST { throw BackupError.destinationExists(path: target.path) }
            throw BackupError.io(operation: "cannot create", path: target.path, reason: String(cString: strerror(code)))
        }
        try? fileManager.removeItem(atPath: temporary)
        try syncToDisk(directory.path)

        let bytes = (try? fileManager.attributesOfItem(atPath: target.path)[.size] as? NSNumber)?.int64Value ?? 0
        return BackupSummary(path: target.path, bytes: bytes, migrations: migrations, tables: tables)
    }

    /// `VACUUM INTO` in one read transaction on the source, after checking it is a FrontDesk database.
    private static func snapshot(_ source: String, into temporary: String) throws {
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: source, configuration: sourceConfiguration())
        } catch {
            throw BackupError.notAFrontDeskDatabase(path: source, reason: "\(error)")
        }
        defer { try? queue.close() }
        try queue.inDatabase { db in
            do {
                guard try db.tableExists("grdb_migrations") else {
                    throw BackupError.notAFrontDeskDatabase(path: source, reason: "it has no migrations table")
                }
            } catch let error as BackupError {
                throw error
            } catch {
                throw BackupError.notAFrontDeskDatabase(path: source, reason: "\(error)")
            }
            do {
                try db.execute(sql: "VACUUM INTO ?", arguments: [temporary])
            } catch {
                throw BackupError.io(operation: "cannot copy", path: source, reason: "\(error)")
            }
        }
    }

    /// Integrity and schema checks on the finished copy, then the summary's figures.
    private static func verify(_ copy: String, source: String) throws -> ([String], [BackupSummary.TableRows]) {
        do {
            let queue = try DatabaseQueue(path: copy, configuration: copyConfiguration())
            defer { try? queue.close() }
            return try queue.read { db in
                let problems = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                guard problems == ["ok"] else {
                    throw BackupError.verificationFailed(
                        path: source, reason: "integrity_check: " + problems.prefix(5).joined(separator: "; "))
                }
                guard try db.tableExists("grdb_migrations") else {
                    throw BackupError.verificationFailed(path: source, reason: "the copy has no migrations table")
                }
                let migrations = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
                var tables: [BackupSummary.TableRows] = []
                for table in backupSummaryTables {
                    guard try db.tableExists(table) else { continue }
                    // `table` comes from the fixed list above, never from input.
                    let rows = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
                    tables.append(BackupSummary.TableRows(table: table, rows: rows))
                }
                return (migrations, tables)
            }
        } catch let error as BackupError {
            throw error
        } catch {
            throw BackupError.verificationFailed(path: source, reason: "\(error)")
        }
    }

    /// The connection that copies the live file. It runs only `VACUUM INTO`, which reads the source; it is not
    /// opened read-only because a read-only connection cannot remove the `-wal` and `-shm` files it has to create,
    /// and would leave them beside a stopped server's database (the last read-write connection removes them on
    /// close). `query_only` cannot be used either: it also forbids writing the copy.
    private static func sourceConfiguration() -> Configuration {
        var config = Configuration()
        config.label = "FrontDesk backup source"
        // The server's writer may hold a lock for a moment (a checkpoint): wait as the server itself does.
        config.busyMode = .timeout(5)
        return config
    }

    /// The finished copy (a rollback-journal file: VACUUM INTO does not carry WAL mode over) is only read.
    private static func copyConfiguration() -> Configuration {
        var config = Configuration()
        config.label = "FrontDesk backup copy"
        config.readonly = true
        return config
    }

}

/// Flushes a file, or a directory's entries, to stable storage. (At file scope: inside `AppDatabase`, `close` would
/// name its `close()`.)
private func syncToDisk(_ path: String) throws {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else {
        throw AppDatabase.BackupError.io(operation: "cannot open", path: path, reason: String(cString: strerror(errno)))
    }
    defer { close(descriptor) }
    #if canImport(Darwin)
    let status = fcntl(descriptor, F_FULLFSYNC)
    #else
    let status = fsync(descriptor)
    #endif
    guard status == 0 else {
        throw AppDatabase.BackupError.io(operation: "cannot fsync", path: path, reason: String(cString: strerror(errno)))
    }
}

/// Gives `existing` the new name `name`, failing with EEXIST (never replacing) if `name` exists: link(2), unlike
/// rename(2), does not overwrite.
private func linkNoReplace(_ existing: String, _ name: String) -> Int32 {
    link(existing, name) == 0 ? 0 : errno
}
