/// Twilio's answering-machine-detection verdict, its `AnsweredBy` parameter.
///
/// With `MachineDetection=Enable` Twilio answers as soon as it knows (`machine_start` for a machine); with
/// `DetectMessageEnd` it waits for the greeting to end (`machine_end_beep`, `machine_end_silence`,
/// `machine_end_other`), which is when a voicemail can be left.
public enum AnsweredBy: String, Codable, Sendable, CaseIterable {
    case human
    case machineStart = "machine_start"
    case machineEndBeep = "machine_end_beep"
    case machineEndSilence = "machine_end_silence"
    case machineEndOther = "machine_end_other"
    case fax
    /// Twilio could not tell within its detection timeout.
    case unknown

    /// An answering machine or voicemail, whether or not its greeting has ended.
    public var isMachine: Bool {
        switch self {
        case .machineStart, .machineEndBeep, .machineEndSilence, .machineEndOther: true
        case .human, .fax, .unknown: false
        }
    }

    /// A machine whose greeting has ended: a message spoken now is recorded from its start.
    public var isReadyForMessage: Bool { isMachine && self != .machineStart }
}
