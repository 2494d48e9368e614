import Foundation
import Logging

/// Turns a grounded answer into one or two sentences a caller can follow, with a language model, falling back to
/// the extractive answer whenever the model is slow, down, unsure or verbose. The model may only rephrase what the
/// passages say: the prompt forbids outside knowledge and asks for `UNKNOWN` when the passages lack the answer.
public struct AnswerPhraser: Sendable {
    /// Longer answers are not phone-sized (two short sentences are ~30–40 words) and suggest the model rambled.
    public static let maximumWords = 60

    static let systemPrompt = """
        You are the phone receptionist for a small business. Answer the caller's question using only the \
        passages provided. Reply with at most two short sentences that sound natural when read aloud on a phone \
        call. Do not use URLs, markdown, lists or emojis. Do not add anything the passages do not say. If the \
        passages do not contain the answer, reply exactly UNKNOWN.
        """

    let client: ChatCompletionsClient
    let logger: Logger

    public init(client: ChatCompletionsClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// - Parameters:
    ///   - question: what the caller said.
    ///   - passages: the knowledge the answer must come from, best first.
    ///   - extractive: the answer spoken when the model's cannot be used.
    /// - Returns: the text to speak, and whether it came from the model.
    public func phrase(question: String, passages: [(title: String, text: String)], extractive: String) async -> (text: String, usedLLM: Bool) {
        let messages: [ChatCompletionsClient.Message] = [
            .system(Self.systemPrompt),
            .user(Self.userPrompt(question: question, passages: passages)),
        ]
        let started = ContinuousClock.now
        let raw: String
        do {
            raw = try await client.complete(messages, temperature: 0, maxTokens: 120)
        } catch {
            logger.warning("LLM phrasing failed; speaking the extractive answer", metadata: [
                "error": "\(error)", "model": "\(client.config.model)",
                "elapsed_ms": "\((ContinuousClock.now - started).milliseconds)",
            ])
            return (extractive, false)
        }
        let text = Self.clean(raw)
        if text.isEmpty || Self.isUnknown(text) {
            logger.info("LLM found no answer in the passages; speaking the extractive answer",
                        metadata: ["model": "\(client.config.model)"])
            return (extractive, false)
        }
        let words = text.split(whereSeparator: \.isWhitespace).count
        if words > Self.maximumWords {
            logger.info("LLM answer too long for a phone call; speaking the extractive answer",
                        metadata: ["model": "\(client.config.model)", "words": "\(words)"])
            return (extractive, false)
        }
        return (text, true)
    }

    static func userPrompt(question: String, passages: [(title: String, text: String)]) -> String {
        var prompt = "Passages:\n"
        for (number, passage) in passages.enumerated() {
            prompt += "\n[\(number + 1)] \(passage.title)\n\(passage.text)\n"
        }
        prompt += "\nCaller's question: \(question)"
        return prompt
    }

    /// `UNKNOWN`, however the model dressed it (`Unknown.`, `"UNKNOWN"`).
    static func isUnknown(_ text: String) -> Bool {
        text.trimmingCharacters(in: .punctuationCharacters.union(.whitespaces)).uppercased() == "UNKNOWN"
    }

    /// Makes model output speakable: drops links, markdown (emphasis, headings, bullets, code ticks), surrounding
    /// quotes, and collapses whitespace (including newlines) into single spaces.
    static func clean(_ raw: String) -> String {
        var text = raw
        // [label](url) → label
        text = text.replacingOccurrences(of: #"\[([^\]]*)\]\([^)]*\)"#, with: "$1", options: .regularExpression)
        // bare URLs and www. hosts
        text = text.replacingOccurrences(of: #"(?i)\b(?:https?://|www\.)\S+"#, with: "", options: .regularExpression)
        // headings, bullets and numbered-list markers at line starts
        text = text.replacingOccurrences(of: #"(?m)^\s*(?:#{1,6}\s+|[-*•]\s+|\d+[.)]\s+|>\s*)"#, with: "", options: .regularExpression)
        // emphasis and code markers
        text = text.replacingOccurrences(of: #"[*_`~]+"#, with: "", options: .regularExpression)
        text = text.replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
        // a space left before punctuation by a removed URL
        text = text.replacingOccurrences(of: #" +([.,;:!?])"#, with: "$1", options: .regularExpression)
        text = text.trimmingCharacters(in: .whitespaces)
        let quotes: Set<Character> = ["\"", "'", "“", "”", "‘", "’", "«", "»"]
        while let first = text.first, let last = text.last, text.count >= 2, quotes.contains(first), quotes.contains(last) {
            text = String(text.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
        }
        return text
    }
}

extension Duration {
    /// Whole milliseconds, for logs.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
