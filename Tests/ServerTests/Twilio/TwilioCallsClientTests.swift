import Foundation
import Receptionist
import Testing
@testable import Server

/// The Calls client against the local stand-in that speaks Twilio's REST wire format.
@Suite struct TwilioCallsClientTests {
    typealias StandIn = TwilioMessagingStandIn
    static let lead = "+15557654321"
    static let business = "+15550100000"
    static let twiml = URL(string: "https://frontdesk.example.com/twilio/outbound?call=42&kind=callback")!
    static let status = URL(string: "https://frontdesk.example.com/twilio/call-status")!
    static let amd = URL(string: "https://frontdesk.example.com/twilio/amd")!

    /// Tests of behaviour use a generous timeout: the stand-in runs in this process, and with the whole suite in
    /// parallel on two cores its handler can wait seconds for a thread. The timeout itself is tested with 1 s.
    static func client(_ base: URL, token: String = StandIn.authToken, timeout: TimeInterval = 60) -> TwilioCallsClient {
        TwilioCallsClient(accountSid: StandIn.accountSid, authToken: token, baseURL: base, timeout: timeout)
    }

    static func request(to: String = lead, timeout: Int = 25,
                        detection: OutboundCallRequest.AnsweringMachineDetection = .asynchronous(.detectMessageEnd, callback: amd)) -> OutboundCallRequest {
        OutboundCallRequest(to: to, from: business, url: twiml, statusCallback: status, timeout: timeout,
                            answeringMachineDetection: detection)
    }

    @Test func createCallPostsEveryFieldWithBasicAuthAndRepeatsStatusCallbackEvent() async throws {
        let standIn = StandIn()
        let call = try await standIn.run { base in try await Self.client(base).createCall(Self.request()) }

        let received = try #require(standIn.received.first)
        #expect(standIn.received.count == 1)
        #expect(received.path == "/2010-04-01/Accounts/\(StandIn.accountSid)/Calls.json")
        // base64("AC0123…cdef:fedc…3210"), written out so an encoding slip in the client cannot hide.
        #expect(received.authorization == "Basic QUMwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjpmZWRjYmE5ODc2NTQzMjEwZmVkY2JhOTg3NjU0MzIxMA==")
        #expect(received.contentType?.hasPrefix("application/x-www-form-urlencoded") == true)
        let fields = received.form.fields.map { "\($0.name)=\($0.value)" }
        #expect(fields == [
            "To=+15557654321", "From=+15550100000",
            "Url=https://frontdesk.example.com/twilio/outbound?call=42&kind=callback", "Method=POST",
            "StatusCallback=https://frontdesk.example.com/twilio/call-status", "StatusCallbackMethod=POST",
            "StatusCallbackEvent=initiated", "StatusCallbackEvent=ringing", "StatusCallbackEvent=answered",
            "StatusCallbackEvent=completed",
            "Timeout=25", "MachineDetection=DetectMessageEnd", "AsyncAmd=true",
            "AsyncAmdStatusCallback=https://frontdesk.example.com/twilio/amd", "AsyncAmdStatusCallbackMethod=POST",
        ])
        // The bytes on the wire: `+` and the URL's `?&=:/` percent-encoded, the list as one field per value.
        #expect(received.body.hasPrefix("To=%2B15557654321&From=%2B15550100000&Url=https%3A%2F%2Ffrontdesk.example.com%2Ftwilio%2Foutbound%3Fcall%3D42%26kind%3Dcallback&Method=POST&"))
        #expect(received.body.contains("&StatusCallbackEvent=initiated&StatusCallbackEvent=ringing&StatusCallbackEvent=answered&StatusCallbackEvent=completed&"))

        #expect(call.sid.hasPrefix("CA") && call.sid.count == 34)
        #expect(call.accountSid == StandIn.accountSid)
        #expect(call.status == .queued)
        #expect(call.to == Self.lead && call.from == Self.business && call.direction == "outbound-api")
        // Thu, 24 Aug 2023 05:01:45 +0000
        #expect(call.dateCreated == Date(timeIntervalSince1970: 1_692_853_305))
    }

    @Test func withoutCallbacksOrDetectionOnlyTheCallItselfIsSent() async throws {
        let standIn = StandIn()
        _ = try await standIn.run { base in
            try await Self.client(base).createCall(OutboundCallRequest(to: Self.lead, from: Self.business, url: Self.twiml))
        }
        let fields = try #require(standIn.received.first).form.fields.map(\.name)
        #expect(fields == ["To", "From", "Url", "Method", "Timeout"])
        #expect(standIn.received.first?.form["Timeout"] == "60")
    }

    @Test func synchronousDetectionSendsAsyncAmdFalseAndNoAmdCallback() async throws {
        let standIn = StandIn()
        _ = try await standIn.run { base in
            try await Self.client(base).createCall(Self.request(detection: .synchronous(.enable)))
        }
        let form = try #require(standIn.received.first).form
        #expect(form["MachineDetection"] == "Enable")
        #expect(form["AsyncAmd"] == "false")
        #expect(form["AsyncAmdStatusCallback"] == nil && form["AsyncAmdStatusCallbackMethod"] == nil)
    }

    @Test func chosenStatusEventsAreRepeatedInTheirOrder() {
        var request = Self.request()
        request.statusCallbackEvents = [.answered, .completed]
        #expect(request.formParameters.values("StatusCallbackEvent") == ["answered", "completed"])
        #expect(request.formParameters.formEncoded.contains("StatusCallbackEvent=answered&StatusCallbackEvent=completed&"))
    }

    @Test func invalidAndUnreachableNumbersArePermanentAndSaySo() async throws {
        let standIn = StandIn(unreachable: [Self.lead],
                              callReplies: [.error(status: 400, code: 21215, message: "Account not authorized to call +881234567. Perhaps you need to enable some international permissions")])
        try await standIn.run { base in
            let client = Self.client(base)
            let cases: [(String, Int, String)] = [
                (Self.lead, 21215, "Account not authorized to call +881234567. Perhaps you need to enable some international permissions"),
                ("5557654321", 21211, "Invalid 'To' Phone Number: 5557654321"),
                (Self.lead, 21214, "'To' phone number cannot be reached"),
            ]
            for (to, code, message) in cases {
                let error = await #expect(throws: TwilioRESTError.self) { try await client.createCall(Self.request(to: to)) }
                guard case .rejected(let answer)? = error else { Issue.record("not rejected: \(String(describing: error))"); continue }
                #expect(answer.status == 400 && answer.code == code && answer.message == message)
                #expect(answer.moreInfo == "https://www.twilio.com/docs/errors/\(code)")
                #expect(answer.rejectsNumber)
                #expect(error?.isRetryable == false)
            }
        }
    }

    @Test func badCredentialsArePermanentButNotTheNumbersFault() async throws {
        try await StandIn().run { base in
            let error = await #expect(throws: TwilioRESTError.self) {
                try await Self.client(base, token: "not-the-token").createCall(Self.request())
            }
            #expect(error == .rejected(TwilioAPIError(status: 401, code: 20003, message: "Authenticate",
                                                      moreInfo: "https://www.twilio.com/docs/errors/20003")))
            #expect(error?.isRetryable == false)
            if case .rejected(let answer)? = error { #expect(!answer.rejectsNumber) }
        }
    }

    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }

    @Test func rateLimitsAndServerErrorsAreRetryableWithRetryAfter() async throws {
        let standIn = StandIn(callReplies: [
            .error(status: 429, code: 20429, message: "Too Many Requests", retryAfter: "7"),
            .error(status: 503, code: 20503, message: "Service Unavailable"),
            // An HTTP date an hour from now, measured against the response's `Date` header (both whole seconds); the
            // range allows for a slow machine between making the reply and sending it.
            .error(status: 503, code: 20503, message: "Service Unavailable", retryAfter: Self.httpDate(Date().addingTimeInterval(3600))),
            .raw(status: 502, contentType: "text/html", body: "<html><body>Bad Gateway</body></html>"),
            .error(status: 500, code: 20500, message: "Internal Server Error", retryAfter: "soon"),
        ])
        try await standIn.run { base in
            let client = Self.client(base)
            let expected: [(status: Int, code: Int?, retryAfter: ClosedRange<Duration>?)] = [
                (429, 20429, .seconds(7)...(.seconds(7))), (503, 20503, nil), (503, 20503, .seconds(3000)...(.seconds(3601))),
                (502, nil, nil), (500, 20500, nil),
            ]
            for want in expected {
                let error = await #expect(throws: TwilioRESTError.self) { try await client.createCall(Self.request()) }
                guard case .rejected(let answer)? = error else { Issue.record("not rejected: \(String(describing: error))"); continue }
                #expect(answer.status == want.status && answer.code == want.code)
                if let range = want.retryAfter {
                    #expect(error?.retryAfter.map(range.contains) == true, "\(String(describing: error?.retryAfter))")
                } else {
                    #expect(error?.retryAfter == nil)
                }
                #expect(error?.isRetryable == true)
                #expect(!answer.rejectsNumber)
            }
            // The script is used up: the same request now places the call.
            let call = try await client.createCall(Self.request())
            #expect(call.status == .queued)
        }
        #expect(standIn.received.count == 6)
    }

    @Test func aTwoHundredWithoutACallIsMalformedAndNotRetried() async throws {
        let standIn = StandIn(callReplies: [.raw(status: 201, contentType: "application/json", body: #"{"status": "queued"}"#),
                                            .raw(status: 201, contentType: "text/plain", body: "OK")])
        try await standIn.run { base in
            for _ in 0..<2 {
                let error = await #expect(throws: TwilioRESTError.self) { try await Self.client(base).createCall(Self.request()) }
                guard case .malformedResponse? = error else { Issue.record("not malformed: \(String(describing: error))"); continue }
                #expect(error?.isRetryable == false)
            }
        }
    }

    @Test func aRefusedConnectionIsARetryableTransportError() async throws {
        // Port 9 (discard) has no listener here.
        let error = await #expect(throws: TwilioRESTError.self) {
            try await Self.client(URL(string: "http://127.0.0.1:9")!, timeout: 3).createCall(Self.request())
        }
        guard case .transport? = error else { Issue.record("not a transport error: \(String(describing: error))"); return }
        #expect(error?.isRetryable == true)
    }

    @Test func aSlowTwilioTimesOutRetryably() async throws {
        let standIn = StandIn(callDelay: .seconds(3))
        try await standIn.run { base in
            let error = await #expect(throws: TwilioRESTError.self) {
                try await Self.client(base, timeout: 1).createCall(Self.request())
            }
            #expect(error == .timedOut)
            #expect(error?.isRetryable == true)
        }
        // It reached Twilio: why a timed-out create is ambiguous.
        #expect(standIn.received.count == 1)
    }

    @Test func requestsTwilioWouldRejectAreNeverSent() async throws {
        let standIn = StandIn()
        try await standIn.run { base in
            var relative = Self.request()
            relative.statusCallback = URL(string: "/twilio/call-status")!
            let cases: [(OutboundCallRequest, String)] = [
                (Self.request(timeout: 4), "Timeout 4 s is outside 5…600 s"),
                (Self.request(timeout: 601), "Timeout 601 s is outside 5…600 s"),
                (relative, "StatusCallback must be an absolute http(s) URL"),
                (Self.request(detection: .asynchronous(.enable, callback: URL(string: "ftp://example.com/amd")!)),
                 "AsyncAmdStatusCallback must be an absolute http(s) URL"),
            ]
            for (request, problem) in cases {
                await #expect(throws: TwilioRESTError.invalidRequest(problem)) { try await Self.client(base).createCall(request) }
            }
            #expect(TwilioRESTError.invalidRequest("").isRetryable == false)
            _ = try await Self.client(base).createCall(Self.request(timeout: 5))
            _ = try await Self.client(base).createCall(Self.request(timeout: 600))
        }
        #expect(standIn.received.map { $0.form["Timeout"] } == ["5", "600"])
    }

    @Test func theAuthTokenIsNeverEchoedInAnError() async throws {
        let standIn = StandIn(callReplies: [.error(status: 400, code: 21205, message: "Url \(StandIn.authToken) is not valid")])
        try await standIn.run { base in
            let error = await #expect(throws: TwilioRESTError.self) { try await Self.client(base).createCall(Self.request()) }
            #expect(error?.description == "HTTP 400 code 21205: Url <redacted> is not valid")
        }
    }

    @Test func retryAfterReadsSecondsAndHTTPDates() {
        let now = Date(timeIntervalSince1970: 1_792_567_680) // Wed, 21 Oct 2026 07:28:00 GMT
        #expect(TwilioRESTClient.retryAfter("120", responseDate: nil, now: now) == .seconds(120))
        #expect(TwilioRESTClient.retryAfter(" 0 ", responseDate: nil, now: now) == .seconds(0))
        #expect(TwilioRESTClient.retryAfter("Wed, 21 Oct 2026 07:28:45 GMT", responseDate: nil, now: now) == .seconds(45))
        #expect(TwilioRESTClient.retryAfter("Wed, 21 Oct 2026 07:28:45 GMT", responseDate: "Wed, 21 Oct 2026 07:28:40 GMT", now: now) == .seconds(5))
        #expect(TwilioRESTClient.retryAfter("Wed, 21 Oct 2026 07:27:00 GMT", responseDate: nil, now: now) == .zero)
        for unreadable in ["", "-3", "1.5", "soon", "99999999999999999999999"] {
            #expect(TwilioRESTClient.retryAfter(unreadable, responseDate: nil, now: now) == nil, "\(unreadable)")
        }
    }
}
