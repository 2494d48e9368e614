/// Everything that can go wrong when building, querying, saving or loading a ``FlatIndex``.
public enum IndexError: Error, Equatable, CustomStringConvertible {
    /// A vector (stored or query) whose length is not the index dimension.
    case dimensionMismatch(expected: Int, got: Int)
    /// A vector containing NaN or ±infinity. Queries are reported with id `"<query>"`.
    case nonFiniteValue(id: String)
    /// A vector whose components are all zero: it has no direction, so cosine is undefined.
    case zeroVector(id: String)
    /// An upsert with an empty id.
    case emptyID
    /// A search with `k <= 0`.
    case invalidK(Int)
    /// An index file that is truncated, has a bad magic or checksum, or is inconsistent with itself.
    case corruptFile(path: String, reason: String)
    /// An index file written by a newer, incompatible major version of the format.
    case unsupportedVersion(path: String, major: UInt16, minor: UInt16)
    /// The operating system refused to read or write a file.
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case let .dimensionMismatch(expected, got):
            "vector has dimension \(got), index expects \(expected)"
        case let .nonFiniteValue(id):
            "vector '\(id)' contains NaN or infinity"
        case let .zeroVector(id):
            "vector '\(id)' is all zeros"
        case .emptyID:
            "id must not be empty"
        case let .invalidK(k):
            "k must be positive, got \(k)"
        case let .corruptFile(path, reason):
            "index file \(path) is corrupt: \(reason)"
        case let .unsupportedVersion(path, major, minor):
            "index file \(path) has format version \(major).\(minor), this build reads 1.x"
        case let .io(path, reason):
            "I/O error on \(path): \(reason)"
        }
    }
}
