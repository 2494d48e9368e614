import GRDB

extension KnowledgeEntry: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "knowledge_entries"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
}
