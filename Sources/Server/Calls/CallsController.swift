import Analytics
import Foundation
import Hummingbird
import Receptionist

/// `GET /v1/calls`, `GET /v1/calls/{sid}` and `GET /v1/leads` for the business of the `X-API-Key`.
struct CallsController {
    let calls: any CallRepository
    let sentiment: SentimentService

    struct ListResponse<Item: Encodable>: Encodable { let items: [Item]; let nextCursor: String? }

    func addRoutes(calls group: RouterGroup<AppRequestContext>, leads leadsGroup: RouterGroup<AppRequestContext>) {
        group.get(use: list)
        group.get(":sid", use: show)
        group.get(":sid/sentiment", use: sentimentDetail)
        leadsGroup.get(use: leads)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let query = request.uri.queryParameters
        let page = try await calls.calls(businessId: business.id, limit: try KnowledgeController.limit(query["limit"].map(String.init)),
                                         cursor: query["cursor"].map(String.init))
        return try JSONResponse.make(ListResponse(items: page.items.map(CallSummary.init), nextCursor: page.nextCursor))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        return try JSONResponse.make(try await Self.detail(calls, sid: try context.parameters.require("sid"), businessId: business.id))
    }

    /// The call as `GET /v1/calls/{sid}` shows it (also the snapshot of `GET /v1/calls/{sid}/live`).
    /// - Throws: 404 `not_found` when the business has no such call.
    static func detail(_ calls: any CallRepository, sid: String, businessId: String) async throws -> CallDetail {
        try await detail(calls, call: try await call(calls, sid: sid, businessId: businessId))
    }

    static func detail(_ calls: any CallRepository, call: CallRecord) async throws -> CallDetail {
        async let turns = calls.turns(callSid: call.sid)
        async let leads = calls.leads(callSid: call.sid)
        return CallDetail(call: CallSummary(call), turns: try await turns.map(TurnView.init), leads: try await leads.map(LeadView.init))
    }

    /// The business's call `sid`. Another business's call is "not found", never "forbidden": its existence is not
    /// ours to reveal.
    static func call(_ calls: any CallRepository, sid: String, businessId: String) async throws -> CallRecord {
        guard let call = try await calls.call(sid: sid), call.businessId == businessId else {
            throw AppError(.notFound, code: "not_found", message: "no call \(sid)")
        }
        return call
    }

    /// The caller's sentiment turn by turn, with what drove each score (lexicon words, or the training sentences
    /// the model's score is made of), and over the call.
    @Sendable func sentimentDetail(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let sid = try context.parameters.require("sid")
        _ = try await Self.call(calls, sid: sid, businessId: business.id)
        let spoken = try await calls.turns(callSid: sid).filter { $0.speaker == .caller && $0.event == "speech" && !$0.text.isEmpty }
        let scores = try await sentiment.score(spoken.map(\.text), explanations: 3)
        let overall = scores.isEmpty ? nil : CallSentiment.aggregate(scores)
        let turns: [[String: Any]] = zip(spoken, scores).map { turn, score in
            ["seq": turn.seq, "text": turn.text, "score": score.score, "label": score.label.rawValue,
             "drivers": score.drivers.prefix(8).map(Self.driver)]
        }
        let object: [String: Any] = [
            "call_sid": sid, "method": await sentiment.method.rawValue, "turns": turns,
            "score": overall?.score ?? NSNull(), "label": overall?.label.rawValue ?? NSNull(),
            "trend": overall?.trend.rawValue ?? NSNull(),
        ]
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: try JSONLine.encode(object))))
    }

    static func driver(_ driver: SentimentDriver) -> [String: Any] {
        var object: [String: Any] = ["text": driver.text, "contribution": driver.contribution, "rules": driver.rules]
        switch driver.source {
        case .lexicon: object["source"] = "lexicon"
        case .trainingSentence(let label, let similarity):
            object["source"] = "training_sentence"
            object["training_label"] = label.rawValue
            object["similarity"] = similarity
        case .trainingGroup(let label, let count):
            object["source"] = "training_group"
            object["training_label"] = label.rawValue
            object["count"] = count
        case .modelBaseline: object["source"] = "model_baseline"
        case .punctuation: object["source"] = "punctuation"
        }
        return object
    }

    @Sendable func leads(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let query = request.uri.queryParameters
        let page = try await calls.leads(businessId: business.id, limit: try KnowledgeController.limit(query["limit"].map(String.init)),
                                         cursor: query["cursor"].map(String.init))
        return try JSONResponse.make(ListResponse(items: page.items.map(LeadView.init), nextCursor: page.nextCursor))
    }
}

struct CallSummary: Encodable {
    let sid: String
    /// `inbound` (caller → business) or `outbound` (FrontDesk called `called` from `caller`, a business number).
    let direction: String
    /// The other party: the caller of an inbound call, the callee of an outbound one.
    let customerNumber: String?
    let caller: String?
    let called: String
    let status: String
    let state: CallState
    let outcome: CallOutcome?
    let isEmergency: Bool
    let emergencyCategory: String?
    let startedAt: Date
    let endedAt: Date?
    let durationSeconds: Int?

    init(_ call: CallRecord) {
        sid = call.sid
        direction = call.direction.rawValue
        customerNumber = call.customerNumber
        caller = call.caller
        called = call.called
        status = call.status
        state = call.state
        outcome = call.outcome
        isEmergency = call.isEmergency
        emergencyCategory = call.emergencyCategory
        startedAt = call.startedAt
        endedAt = call.endedAt
        durationSeconds = call.durationSeconds
    }

    enum CodingKeys: CodingKey {
        case sid, direction, customerNumber, caller, called, status, state, outcome, isEmergency, emergencyCategory, startedAt, endedAt, durationSeconds
    }

    // Every field present (null when unknown), so clients see the same shape for live and finished calls.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sid, forKey: .sid)
        try container.encode(direction, forKey: .direction)
        try container.encode(customerNumber, forKey: .customerNumber)
        try container.encode(caller, forKey: .caller)
        try container.encode(called, forKey: .called)
        try container.encode(status, forKey: .status)
        try container.encode(state, forKey: .state)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(isEmergency, forKey: .isEmergency)
        try container.encode(emergencyCategory, forKey: .emergencyCategory)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(endedAt, forKey: .endedAt)
        try container.encode(durationSeconds, forKey: .durationSeconds)
    }
}

struct CallDetail: Encodable {
    let call: CallSummary
    let turns: [TurnView]
    let leads: [LeadView]

    enum CodingKeys: CodingKey { case turns, leads }

    func encode(to encoder: any Encoder) throws {
        try call.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(turns, forKey: .turns)
        try container.encode(leads, forKey: .leads)
    }
}

struct TurnView: Encodable {
    let seq: Int
    let speaker: TurnSpeaker
    let text: String
    let event: String
    let asrConfidence: Double?
    let state: CallState
    let citations: [Citation]?
    let answerConfidence: Double?
    let declined: Bool
    let latencyMs: Double?
    let createdAt: Date

    init(_ turn: CallTurn) {
        seq = turn.seq
        speaker = turn.speaker
        text = turn.text
        event = turn.event
        asrConfidence = turn.asrConfidence
        state = turn.state
        citations = turn.citations
        answerConfidence = turn.answerConfidence
        declined = turn.declined
        latencyMs = turn.latencyMs
        createdAt = turn.createdAt
    }
}

struct LeadView: Encodable {
    let id: String
    let callSid: String?
    /// The web chat conversation the lead was taken in.
    let conversationId: String?
    let reason: LeadReason
    let name: String?
    let phone: String?
    let address: String?
    let notes: String?
    let preferredTime: String?
    let preferredStart: Date?
    let preferredEnd: Date?
    let category: String?
    let severity: Severity?
    let isEmergency: Bool
    let status: String
    let createdAt: Date

    init(_ lead: Lead) {
        id = lead.id
        callSid = lead.callSid
        conversationId = lead.conversationId
        reason = lead.reason
        name = lead.name
        phone = lead.phone
        address = lead.address
        notes = lead.notes
        preferredTime = lead.preferredTime
        preferredStart = lead.preferredStart
        preferredEnd = lead.preferredEnd
        category = lead.category
        severity = lead.severity
        isEmergency = lead.isEmergency
        status = lead.status
        createdAt = lead.createdAt
    }
}
