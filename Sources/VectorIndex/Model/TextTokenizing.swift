/// Turns text into model token ids (`[CLS] … [SEP]`, already truncated to the model's maximum length).
///
/// `WordPieceTokenizer` conforms; tests use fixed token ids.
public protocol TextTokenizing: Sendable {
    func encode(_ text: String) -> [Int32]
}
