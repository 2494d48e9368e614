import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// File format, version 1.0 (all integers little-endian):
//
//   offset  size            field
//   0       4               magic "FDVX"
//   4       2               major version (1)
//   6       2               minor version (0)
//   8       4               dimension d (UInt32, > 0)
//   12      8               count n (UInt64)
//   20      4               category count c (UInt32)
//   24      …               c × (UInt32 byte length, UTF-8 name)          category code i+1 = name i
//           …               n × (UInt32 byte length, UTF-8 id)            row order
//           4·n             n × UInt32 category code (0 = none)
//           4·n·d           Float32 matrix, row-major, rows L2-normalised
//           8               XXH64 (seed 0) of every byte before it
//
// A reader accepts any minor version of its major (minors only append meaning, never move fields) and
// rejects a newer major with `IndexError.unsupportedVersion`.

extension FlatIndex {
    public static let formatMagic: [UInt8] = Array("FDVX".utf8)
    public static let formatMajor: UInt16 = 1
    public static let formatMinor: UInt16 = 0

    /// Writes the index atomically: to a temporary file in the same directory, fsynced, renamed over `url`,
    /// then the directory is fsynced so the rename survives a crash. Searches may run meanwhile; writers wait.
    /// - Throws: ``IndexError/io(path:reason:)``.
    public func save(to url: URL) throws {
        let path = url.path
        let directory = url.deletingLastPathComponent().path
        let tempPath = directory + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        try lock.withReadLock {
            let header = encodeHeaderLocked()
            let matrixBytes = UnsafeRawBufferPointer(start: matrix, count: rowIDs.count * dimension * 4)
            var hasher = XXHash64()
            hasher.update(header)

            let fd = open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw IndexError.io(path: tempPath, reason: errnoDescription()) }
            var closed = false
            defer {
                if !closed { close(fd) }
            }
            do {
                try header.withUnsafeBytes { try writeAll(fd, $0, path: tempPath) }
                #if _endian(little)
                hasher.update(matrixBytes)
                try writeAll(fd, matrixBytes, path: tempPath)
                #else
                var swapped = [Float](UnsafeBufferPointer(start: matrix, count: rowIDs.count * dimension))
                for i in swapped.indices { swapped[i] = Float(bitPattern: swapped[i].bitPattern.littleEndian) }
                try swapped.withUnsafeBytes { hasher.update($0); try writeAll(fd, $0, path: tempPath) }
                #endif
                var checksum = hasher.finalize().littleEndian
                try withUnsafeBytes(of: &checksum) { try writeAll(fd, $0, path: tempPath) }
                guard fsync(fd) == 0 else { throw IndexError.io(path: tempPath, reason: "fsync: " + errnoDescription()) }
                closed = true
                guard close(fd) == 0 else { throw IndexError.io(path: tempPath, reason: "close: " + errnoDescription()) }
                guard rename(tempPath, path) == 0 else {
                    throw IndexError.io(path: path, reason: "rename: " + errnoDescription())
                }
            } catch {
                unlink(tempPath)
                throw error
            }
        }
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirFD >= 0 else { throw IndexError.io(path: directory, reason: errnoDescription()) }
        defer { close(dirFD) }
        guard fsync(dirFD) == 0 else { throw IndexError.io(path: directory, reason: "fsync: " + errnoDescription()) }
    }

    /// Reads an index written by ``save(to:)``.
    ///
    /// Every size is checked against the file length before anything is allocated, and the checksum is
    /// verified, so a truncated or damaged file is reported, never half-loaded.
    /// - Throws: ``IndexError/io(path:reason:)`` when the file cannot be read,
    ///   ``IndexError/unsupportedVersion(path:major:minor:)`` for a newer major version,
    ///   ``IndexError/corruptFile(path:reason:)`` for anything else wrong with it.
    public static func load(from url: URL) throws -> FlatIndex {
        let path = url.path
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw IndexError.io(path: path, reason: error.localizedDescription)
        }
        return try data.withUnsafeBytes { try decode($0, path: path) }
    }

    // MARK: - Encoding

    private func encodeHeaderLocked() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(24 + rowIDs.count * 12 + categoryNames.count * 16 + rowIDs.count * 4)
        out += Self.formatMagic
        append(Self.formatMajor, to: &out)
        append(Self.formatMinor, to: &out)
        append(UInt32(dimension), to: &out)
        append(UInt64(rowIDs.count), to: &out)
        append(UInt32(categoryNames.count), to: &out)
        for name in categoryNames { appendString(name, to: &out) }
        for id in rowIDs { appendString(id, to: &out) }
        for code in rowCategory { append(code, to: &out) }
        return out
    }

    private func appendString(_ s: String, to out: inout [UInt8]) {
        let utf8 = Array(s.utf8)
        append(UInt32(utf8.count), to: &out)
        out += utf8
    }

    private func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
    }

    // MARK: - Decoding

    static func decode(_ bytes: UnsafeRawBufferPointer, path: String) throws -> FlatIndex {
        var reader = FileReader(bytes: bytes, path: path)
        guard bytes.count >= 4 else { throw reader.corrupt("file is \(bytes.count) bytes, shorter than the magic") }
        guard Array(bytes.prefix(4)) == formatMagic else { throw reader.corrupt("bad magic, not an FDVX index file") }
        reader.offset = 4
        let major = try reader.read(UInt16.self, "major version")
        let minor = try reader.read(UInt16.self, "minor version")
        guard major == formatMajor else {
            throw IndexError.unsupportedVersion(path: path, major: major, minor: minor)
        }
        let dimension = Int(try reader.read(UInt32.self, "dimension"))
        let rawCount = try reader.read(UInt64.self, "count")
        let categoryCount = Int(try reader.read(UInt32.self, "category count"))
        guard dimension > 0 else { throw reader.corrupt("dimension is 0") }
        // Each row needs at least 4 (id length) + 4 (code) + 4·d (vector) bytes; checking this before any
        // allocation keeps a damaged count from requesting terabytes.
        guard rawCount <= UInt64(bytes.count / (8 + 4 * dimension)) else {
            throw reader.corrupt("count \(rawCount) × dimension \(dimension) does not fit in \(bytes.count) bytes")
        }
        let count = Int(rawCount)
        guard categoryCount <= reader.remaining / 4 else {
            throw reader.corrupt("category count \(categoryCount) does not fit in the file")
        }

        var categoryNames: [String] = []
        var categoryCodes: [String: UInt32] = [:]
        categoryNames.reserveCapacity(categoryCount)
        for i in 0..<categoryCount {
            let name = try reader.readString("category \(i)")
            guard categoryCodes.updateValue(UInt32(i + 1), forKey: name) == nil else {
                throw reader.corrupt("category '\(name)' appears twice")
            }
            categoryNames.append(name)
        }
        var rowIDs: [String] = []
        var rowByID: [String: Int32] = [:]
        rowIDs.reserveCapacity(count)
        rowByID.reserveCapacity(count)
        for row in 0..<count {
            let id = try reader.readString("id of row \(row)")
            guard !id.isEmpty else { throw reader.corrupt("row \(row) has an empty id") }
            guard rowByID.updateValue(Int32(row), forKey: id) == nil else {
                throw reader.corrupt("id '\(id)' appears twice")
            }
            rowIDs.append(id)
        }
        var rowCategory: [UInt32] = []
        rowCategory.reserveCapacity(count)
        for row in 0..<count {
            let code = try reader.read(UInt32.self, "category code of row \(row)")
            guard code <= categoryCount else {
                throw reader.corrupt("row \(row) has category code \(code), table has \(categoryCount)")
            }
            rowCategory.append(code)
        }
        let matrixBytes = count * dimension * 4
        let expectedLength = reader.offset + matrixBytes + 8
        guard bytes.count == expectedLength else {
            throw reader.corrupt("file is \(bytes.count) bytes, header says \(expectedLength)")
        }
        let stored = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self))
        let computed = XXHash64.hash(UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count - 8)]))
        guard stored == computed else {
            throw reader.corrupt("checksum mismatch (stored \(hex(stored)), computed \(hex(computed)))")
        }

        let index = FlatIndex(dimension: dimension)
        try index.lock.withWriteLock {
            index.resizeLocked(toRows: count)
            if matrixBytes > 0 {
                let destination = UnsafeMutableRawPointer(index.matrix!)
                destination.copyMemory(from: bytes.baseAddress! + reader.offset, byteCount: matrixBytes)
            }
            let floats = UnsafeMutableBufferPointer(start: index.matrix, count: count * dimension)
            for i in floats.indices {
                #if _endian(big)
                floats[i] = Float(bitPattern: UInt32(littleEndian: floats[i].bitPattern))
                #endif
                guard floats[i].isFinite else { throw reader.corrupt("row \(i / dimension) has a non-finite value") }
            }
            index.rowIDs = rowIDs
            index.rowByID = rowByID
            index.rowCategory = rowCategory
            index.categoryNames = categoryNames
            index.categoryCodes = categoryCodes
        }
        return index
    }
}

/// Bounds-checked little-endian cursor over a file's bytes.
private struct FileReader {
    let bytes: UnsafeRawBufferPointer
    let path: String
    var offset = 0

    var remaining: Int { bytes.count - offset }

    func corrupt(_ reason: String) -> IndexError {
        .corruptFile(path: path, reason: reason)
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: String) throws -> T {
        guard remaining >= MemoryLayout<T>.size else {
            throw corrupt("truncated: \(what) at offset \(offset) runs past the end of the file")
        }
        let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += MemoryLayout<T>.size
        return value
    }

    mutating func readString(_ what: String) throws -> String {
        let length = Int(try read(UInt32.self, "length of \(what)"))
        guard length <= remaining else {
            throw corrupt("truncated: \(what) (\(length) bytes at offset \(offset)) runs past the end of the file")
        }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + length])
        guard let s = String(validating: slice, as: UTF8.self) else {
            throw corrupt("\(what) at offset \(offset) is not valid UTF-8")
        }
        offset += length
        return s
    }
}

private func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, path: String) throws {
    var done = 0
    while done < buffer.count {
        // Linux caps one write at ~2 GiB; stay well under it.
        let n = write(fd, buffer.baseAddress! + done, min(buffer.count - done, 1 << 30))
        if n < 0 {
            if errno == EINTR { continue }
            throw IndexError.io(path: path, reason: "write: " + errnoDescription())
        }
        done += n
    }
}

private func errnoDescription() -> String {
    String(cString: strerror(errno))
}

private func hex(_ x: UInt64) -> String {
    "0x" + String(x, radix: 16)
}
