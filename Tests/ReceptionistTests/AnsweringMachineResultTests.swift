import Testing
@testable import Receptionist

/// Reading an asynchronous answering-machine-detection callback's fields.
struct AnsweringMachineResultTests {
    /// Twilio's documented `AnsweredBy` values, with what each means for the call.
    static let verdicts: [(value: String, verdict: AnsweredBy, machine: Bool, readyForMessage: Bool)] = [
        ("human", .human, false, false),
        ("machine_start", .machineStart, true, false),
        ("machine_end_beep", .machineEndBeep, true, true),
        ("machine_end_silence", .machineEndSilence, true, true),
        ("machine_end_other", .machineEndOther, true, true),
        ("fax", .fax, false, false),
        ("unknown", .unknown, false, false),
    ]

    @Test(arguments: 0..<verdicts.count)
    func everyDocumentedValueParses(_ index: Int) throws {
        let expected = Self.verdicts[index]
        let result = try AnsweringMachineResult(answeredBy: expected.value, machineDetectionDuration: "2400")
        #expect(result == AnsweringMachineResult(answeredBy: expected.verdict, detectionDuration: .milliseconds(2400)))
        #expect(result.answeredBy.isMachine == expected.machine)
        #expect(result.answeredBy.isReadyForMessage == expected.readyForMessage)
    }

    @Test func theTableCoversEveryCase() {
        #expect(Set(Self.verdicts.map(\.verdict)) == Set(AnsweredBy.allCases))
    }

    @Test func durationIsOptionalButMustBeWholeMilliseconds() throws {
        #expect(try AnsweringMachineResult(answeredBy: "human", machineDetectionDuration: nil).detectionDuration == nil)
        #expect(try AnsweringMachineResult(answeredBy: "human", machineDetectionDuration: "").detectionDuration == nil)
        #expect(try AnsweringMachineResult(answeredBy: "fax", machineDetectionDuration: "0").detectionDuration == .zero)
        #expect(try AnsweringMachineResult(answeredBy: "machine_end_beep", machineDetectionDuration: "30125").detectionDuration
                == .seconds(30) + .milliseconds(125))
        for bad in ["-5", "2.5", "12ms", " 400", "99999999999999999999999"] {
            #expect(throws: AnsweringMachineResult.ParseError.invalidDuration(bad)) {
                try AnsweringMachineResult(answeredBy: "human", machineDetectionDuration: bad)
            }
        }
    }

    @Test func aMissingOrUnknownVerdictIsAnError() {
        #expect(throws: AnsweringMachineResult.ParseError.missingAnsweredBy) {
            try AnsweringMachineResult(answeredBy: nil, machineDetectionDuration: "100")
        }
        #expect(throws: AnsweringMachineResult.ParseError.missingAnsweredBy) {
            try AnsweringMachineResult(answeredBy: "", machineDetectionDuration: nil)
        }
        // Twilio sends lower case; the legacy `IfMachine` value `machine` is not an AMD verdict.
        for value in ["Human", "machine", "machine_end", "voicemail"] {
            #expect(throws: AnsweringMachineResult.ParseError.unrecognizedAnsweredBy(value)) {
                try AnsweringMachineResult(answeredBy: value, machineDetectionDuration: nil)
            }
        }
        #expect(AnsweringMachineResult.ParseError.unrecognizedAnsweredBy("machine").description == "AnsweredBy 'machine' is not a known value")
    }
}
