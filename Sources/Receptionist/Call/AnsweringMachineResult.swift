/// An asynchronous answering-machine-detection callback (`AsyncAmdStatusCallback`), read from its form fields.
public struct AnsweringMachineResult: Sendable, Equatable {
    public var answeredBy: AnsweredBy
    /// How long Twilio listened before deciding (`MachineDetectionDuration`, sent in milliseconds); nil when the
    /// request had none (the voice webhook of a synchronous detection carries only `AnsweredBy`).
    public var detectionDuration: Duration?

    public init(answeredBy: AnsweredBy, detectionDuration: Duration? = nil) {
        self.answeredBy = answeredBy
        self.detectionDuration = detectionDuration
    }

    /// Why a callback's fields could not be read.
    public enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        case missingAnsweredBy
        /// An `AnsweredBy` that is not one of Twilio's documented values.
        case unrecognizedAnsweredBy(String)
        /// A `MachineDetectionDuration` that is not a whole, non-negative number of milliseconds.
        case invalidDuration(String)

        public var description: String {
            switch self {
            case .missingAnsweredBy: "AnsweredBy is missing"
            case .unrecognizedAnsweredBy(let value): "AnsweredBy '\(value)' is not a known value"
            case .invalidDuration(let value): "MachineDetectionDuration '\(value)' is not a whole number of milliseconds"
            }
        }
    }

    /// Reads the callback's `AnsweredBy` and `MachineDetectionDuration` fields, as sent (nil when absent).
    /// Values are exact (Twilio sends them lower-case); an empty duration counts as absent.
    public init(answeredBy: String?, machineDetectionDuration: String?) throws(ParseError) {
        guard let answeredBy, !answeredBy.isEmpty else { throw .missingAnsweredBy }
        guard let verdict = AnsweredBy(rawValue: answeredBy) else { throw .unrecognizedAnsweredBy(answeredBy) }
        var duration: Duration?
        if let text = machineDetectionDuration, !text.isEmpty {
            guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let milliseconds = Int(text)
            else { throw .invalidDuration(text) }
            duration = .milliseconds(milliseconds)
        }
        self.init(answeredBy: verdict, detectionDuration: duration)
    }
}
