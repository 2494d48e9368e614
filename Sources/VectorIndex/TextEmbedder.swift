/// Turns text into fixed-size, L2-normalised vectors.
///
/// Implementations must be safe to call from several threads at once: the server shares one embedder
/// between all requests.
public protocol TextEmbedder: Sendable {
    /// Length of every vector this embedder returns.
    var dimension: Int { get }

    /// Embeds `texts` in one call (one padded batch where the implementation batches).
    /// - Returns: one `dimension`-long, L2-normalised vector per input text, in input order.
    func embed(_ texts: [String]) throws -> [[Float]]
}
