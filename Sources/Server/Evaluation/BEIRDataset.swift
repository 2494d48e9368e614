import Foundation

/// A retrieval test collection in the BEIR layout: `corpus.jsonl` (`{"_id" or "id", "title", "text"}` per
/// line), `queries.jsonl` (`{"_id" or "id", "text"}`) and `qrels.tsv` (`query-id corpus-id score`, a header
/// line first).
public struct BEIRDataset: Sendable {
    public struct Document: Sendable, Equatable {
        public var id: String
        public var title: String
        public var text: String

        public init(id: String, title: String, text: String) {
            self.id = id
            self.title = title
            self.text = text
        }
    }

    public struct Query: Sendable, Equatable {
        public var id: String
        public var text: String

        public init(id: String, text: String) {
            self.id = id
            self.text = text
        }
    }

    /// Documents in file order.
    public var documents: [Document]
    /// Queries in file order (those without judgements included).
    public var queries: [Query]
    /// Relevance judgements: query id → document id → grade.
    public var qrels: [String: [String: Int]]

    public init(documents: [Document], queries: [Query], qrels: [String: [String: Int]]) {
        self.documents = documents
        self.queries = queries
        self.qrels = qrels
    }

    /// The queries that have relevance judgements, in file order: the ones an evaluation scores.
    public var judgedQueries: [Query] {
        queries.filter { qrels[$0.id] != nil }
    }

    /// Reads the three files from `directory`.
    /// - Throws: `BEIRDatasetError` naming the file and line of the problem.
    public init(directory: URL) throws {
        let corpus = try Self.jsonLines(directory.appendingPathComponent("corpus.jsonl"))
        documents = try corpus.map { line, object in
            Document(id: try Self.id(object, line: line, file: "corpus.jsonl"),
                     title: object["title"] as? String ?? "", text: object["text"] as? String ?? "")
        }
        queries = try Self.jsonLines(directory.appendingPathComponent("queries.jsonl")).map { line, object in
            Query(id: try Self.id(object, line: line, file: "queries.jsonl"), text: object["text"] as? String ?? "")
        }
        qrels = try Self.qrels(directory.appendingPathComponent("qrels.tsv"))
    }

    // MARK: - Reading

    private static func read(_ url: URL) throws -> String {
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw BEIRDatasetError(file: url.path, line: nil, message: "cannot read: \(error.localizedDescription)")
        }
    }

    /// Non-blank lines parsed as JSON objects, with their 1-based line numbers.
    private static func jsonLines(_ url: URL) throws -> [(line: Int, object: [String: Any])] {
        var result: [(line: Int, object: [String: Any])] = []
        for (index, line) in try read(url).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw BEIRDatasetError(file: url.path, line: index + 1, message: "not a JSON object")
            }
            result.append((index + 1, object))
        }
        return result
    }

    /// `_id` (BEIR) or `id`, a string or a number.
    private static func id(_ object: [String: Any], line: Int, file: String) throws -> String {
        switch object["_id"] ?? object["id"] {
        case let id as String: return id
        case let id as NSNumber: return id.stringValue
        default: throw BEIRDatasetError(file: file, line: line, message: "no \"_id\" or \"id\"")
        }
    }

    private static func qrels(_ url: URL) throws -> [String: [String: Int]] {
        var qrels: [String: [String: Int]] = [:]
        for (index, line) in try read(url).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = line.split(whereSeparator: { $0 == "\t" || $0 == " " }).map(String.init)
            guard !fields.isEmpty else { continue }
            guard fields.count >= 3, let grade = Int(fields[2]) else {
                if index == 0 { continue }  // the header: query-id corpus-id score
                throw BEIRDatasetError(file: url.path, line: index + 1, message: "expected query-id, corpus-id, score")
            }
            qrels[fields[0], default: [:]][fields[1]] = grade
        }
        return qrels
    }
}

/// A BEIR folder that could not be read.
public struct BEIRDatasetError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based line, when the problem is on one.
    public var line: Int?
    public var message: String

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(message)"
    }
}
