import Foundation

/// One call to place through Twilio's Calls API, and how it is sent (``formParameters``).
public struct OutboundCallRequest: Sendable, Equatable {
    /// Call progress events reported to ``statusCallback`` (`StatusCallbackEvent`, one field per event).
    public enum StatusEvent: String, Sendable, CaseIterable {
        case initiated, ringing, answered, completed
    }

    /// Twilio's `MachineDetection` modes.
    public enum MachineDetection: String, Sendable, CaseIterable {
        /// Decide as soon as possible (`machine_start` for a machine).
        case enable = "Enable"
        /// For a machine, wait until its greeting ends (`machine_end_beep` …), to leave a message.
        case detectMessageEnd = "DetectMessageEnd"
    }

    /// Answering-machine detection: off, synchronous (the TwiML at ``url`` is fetched once Twilio has decided,
    /// with `AnsweredBy`), or asynchronous (the call connects at once and the verdict is POSTed to `callback`).
    public enum AnsweringMachineDetection: Sendable, Equatable {
        case off
        case synchronous(MachineDetection)
        case asynchronous(MachineDetection, callback: URL)
    }

    /// The number to call, E.164.
    public var to: String
    /// The business's Twilio number, E.164.
    public var from: String
    /// Where Twilio fetches the call's TwiML once it connects (with POST).
    public var url: URL
    /// Where Twilio POSTs the call's progress; nil for none.
    public var statusCallback: URL?
    /// Which progress events to report; Twilio reports only `completed` when the list is empty.
    public var statusCallbackEvents: [StatusEvent]
    /// Seconds to let the phone ring before giving up as no-answer; Twilio allows 5…600 (its default is 60).
    public var timeout: Int
    public var answeringMachineDetection: AnsweringMachineDetection

    /// Twilio's documented range for `Timeout`, in seconds.
    public static let timeoutRange = 5...600

    public init(to: String, from: String, url: URL, statusCallback: URL? = nil,
                statusCallbackEvents: [StatusEvent] = StatusEvent.allCases, timeout: Int = 60,
                answeringMachineDetection: AnsweringMachineDetection = .off) {
        self.to = to
        self.from = from
        self.url = url
        self.statusCallback = statusCallback
        self.statusCallbackEvents = statusCallbackEvents
        self.timeout = timeout
        self.answeringMachineDetection = answeringMachineDetection
    }

    /// The form body, in twilio-python's field names and encoding (a list parameter is the field repeated):
    /// `To`, `From`, `Url`, `Method=POST`; with a status callback `StatusCallback`, `StatusCallbackMethod=POST`
    /// and `StatusCallbackEvent` once per event; `Timeout`; with detection `MachineDetection` and
    /// `AsyncAmd=true|false`, and when asynchronous `AsyncAmdStatusCallback`, `AsyncAmdStatusCallbackMethod=POST`.
    public var formParameters: FormParameters {
        var form: FormParameters = ["To": to, "From": from, "Url": url.absoluteString, "Method": "POST"]
        if let statusCallback {
            form.append(name: "StatusCallback", value: statusCallback.absoluteString)
            form.append(name: "StatusCallbackMethod", value: "POST")
            for event in statusCallbackEvents { form.append(name: "StatusCallbackEvent", value: event.rawValue) }
        }
        form.append(name: "Timeout", value: String(timeout))
        switch answeringMachineDetection {
        case .off:
            break
        case .synchronous(let mode):
            form.append(name: "MachineDetection", value: mode.rawValue)
            form.append(name: "AsyncAmd", value: "false")
        case .asynchronous(let mode, let callback):
            form.append(name: "MachineDetection", value: mode.rawValue)
            form.append(name: "AsyncAmd", value: "true")
            form.append(name: "AsyncAmdStatusCallback", value: callback.absoluteString)
            form.append(name: "AsyncAmdStatusCallbackMethod", value: "POST")
        }
        return form
    }

    /// What Twilio would reject for certain, found before anything is sent: a `Timeout` outside 5…600 s, or a
    /// callback URL that is not absolute http(s). Numbers are left to Twilio (it knows which it can reach).
    public var problem: String? {
        if !Self.timeoutRange.contains(timeout) {
            return "Timeout \(timeout) s is outside \(Self.timeoutRange.lowerBound)…\(Self.timeoutRange.upperBound) s"
        }
        var urls: [(String, URL)] = [("Url", url)]
        if let statusCallback { urls.append(("StatusCallback", statusCallback)) }
        if case .asynchronous(_, let callback) = answeringMachineDetection { urls.append(("AsyncAmdStatusCallback", callback)) }
        for (name, url) in urls where !(["http", "https"].contains(url.scheme?.lowercased() ?? "") && url.host != nil) {
            return "\(name) must be an absolute http(s) URL"
        }
        return nil
    }
}
