import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import Server

/// The load the crash test puts on a live server: simulated Twilio callers and a knowledge writer, each recording
/// in the ``EventCrashTests/Ledger`` what it sent and what the server acknowledged.
extension EventCrashTests {
    /// One call as its caller saw it: what was sent, and what was acknowledged with a 200.
    struct CallLog: Sendable {
        var business: String
        var startAcknowledged = false
        /// Words said on `/twilio/gather`, in order.
        var speechSent: [String] = []
        var speechAcknowledged: [String] = []
        var endSent = false
        var endAcknowledged = false
    }

    /// Everything the load sent and what was acknowledged (HTTP 200/201 received).
    actor Ledger {
        var calls: [String: CallLog] = [:]
        /// Knowledge entries whose POST was acknowledged.
        var knowledgeAcknowledged: [String] = []
        var knowledgeSent = 0
        /// Responses before the kill that were neither an acknowledgement nor a lost connection (a 4xx/5xx).
        var unexpected: [String] = []

        var callsEnded: Int { calls.values.filter(\.endAcknowledged).count }

        func started(_ sid: String, business: String) { calls[sid] = CallLog(business: business) }
        func startAcknowledged(_ sid: String) { calls[sid]?.startAcknowledged = true }
        func speechSent(_ sid: String, _ words: String) { calls[sid]?.speechSent.append(words) }
        func speechAcknowledged(_ sid: String, _ words: String) { calls[sid]?.speechAcknowledged.append(words) }
        func endSent(_ sid: String) { calls[sid]?.endSent = true }
        func endAcknowledged(_ sid: String) { calls[sid]?.endAcknowledged = true }
        func knowledgeWillSend() { knowledgeSent += 1 }
        func knowledgeAcknowledged(_ id: String) { knowledgeAcknowledged.append(id) }
        func unexpected(_ what: String) { unexpected.append(what) }
    }

    static let emergency = "my basement is flooding"
    static let questions = ["what are your opening hours", "how much does a new water heater cost",
                            "are you open on saturday"]

    /// Posts one Twilio webhook, form-encoded with Twilio's parameter names and its idempotency header; nil when the
    /// connection failed (the server is gone).
    static func twilio(port: Int, _ path: String, _ parameters: [(String, String)], token: String) async -> Int? {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = "POST"
        request.timeoutInterval = 60
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue(token, forHTTPHeaderField: "I-Twilio-Idempotency-Token")
        request.httpBody = Data(TwilioTestClient.formEncode(parameters).utf8)
        guard let (_, response) = try? await URLSession.shared.data(for: request) else { return nil }
        return (response as? HTTPURLResponse)?.statusCode
    }

    /// A Twilio CallSid: "CA" and 32 hex digits.
    static func newCallSid() -> String {
        "CA" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }

    /// One caller phoning `number` again and again (at most `maxCalls` calls, until `deadline`): the call is answered,
    /// the caller reports a flood and/or asks a question, then Twilio reports the call completed. Stops at its first
    /// failed request (the kill). Not cancellable on purpose: cancelling a task inside URLSession.data(for:) while
    /// the connection fails deadlocks swift-corelibs-foundation.
    static func caller(_ index: Int, port: Int, number: String, businessId: String, ledger: Ledger,
                       maxCalls: Int, deadline: ContinuousClock.Instant) async {
        let from = "+1555020\(String(format: "%04d", index))"
        for call in 0..<maxCalls where ContinuousClock.now < deadline {
            let sid = newCallSid()
            let base = [("AccountSid", "AC00000000000000000000000000000000"), ("CallSid", sid), ("From", from),
                        ("To", number), ("Caller", from), ("Called", number), ("Direction", "inbound"),
                        ("ApiVersion", "2010-04-01")]
            await ledger.started(sid, business: businessId)
            let answered = await twilio(port: port, "/twilio/voice", base + [("CallStatus", "ringing")], token: "\(sid)-voice")
            guard await acknowledged(answered, "voice \(sid)", ledger) else { return }
            await ledger.startAcknowledged(sid)

            // Three kinds of call: an emergency, a question, a question and then an emergency.
            let words: [String] = switch (index + call) % 3 {
            case 0: [emergency]
            case 1: [questions[call % questions.count]]
            default: [questions[(call + 1) % questions.count], emergency]
            }
            for (turn, said) in words.enumerated() {
                await ledger.speechSent(sid, said)
                let status = await twilio(port: port, "/twilio/gather", base + [
                    ("CallStatus", "in-progress"), ("SpeechResult", said), ("Confidence", "0.91"),
                ], token: "\(sid)-gather-\(turn)")
                guard await acknowledged(status, "gather \(sid)", ledger) else { return }
                await ledger.speechAcknowledged(sid, said)
            }

            await ledger.endSent(sid)
            let ended = await twilio(port: port, "/twilio/call-status", base + [
                ("CallStatus", "completed"), ("CallDuration", String(20 + call)),
            ], token: "\(sid)-completed")
            guard await acknowledged(ended, "call-status \(sid)", ledger) else { return }
            await ledger.endAcknowledged(sid)
        }
    }

    /// Writes knowledge entries one after another (at most `maxWrites`, until `deadline`); stops at its first failure.
    static func knowledgeWriter(server: LiveServer, key: String, ledger: Ledger, maxWrites: Int,
                                deadline: ContinuousClock.Instant) async {
        for i in 0..<maxWrites where ContinuousClock.now < deadline {
            await ledger.knowledgeWillSend()
            let response = try? await server.json("POST", "/v1/knowledge", key: key, [
                "title": "Crash note \(i)", "content": "Written while the phones ring. Drain rods and traps, note \(i).",
            ])
            guard let response else { return }
            guard response.status == 201, let id = response.json["id"] as? String else {
                await ledger.unexpected("knowledge POST \(i): \(response.status) \(response.json)")
                return
            }
            await ledger.knowledgeAcknowledged(id)
        }
    }

    /// True for a 200; a lost connection is the kill (false); any other status is recorded as unexpected (false).
    private static func acknowledged(_ status: Int?, _ what: String, _ ledger: Ledger) async -> Bool {
        guard let status else { return false }
        if status == 200 { return true }
        await ledger.unexpected("\(what): HTTP \(status)")
        return false
    }
}
