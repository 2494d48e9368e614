import Campaigns
import Foundation
import Hummingbird
import Logging

/// `/v1/campaigns`: outbound calling campaigns — create (a draft), list, read, edit, delete a draft, start, pause,
/// resume, cancel; upload and list recipients; read the results as JSON or CSV.
///
/// Another business's campaign is 404, never 403. The state is never patched: it moves through start, pause, resume
/// and cancel (and the dialer), and a move the transition table forbids is 409 with the rule. Changes made here are
/// recorded with the actor `{kind: admin, id: <the API key's display prefix>}`. Nothing here dials anyone.
struct CampaignsController {
    let campaigns: any CampaignRepository
    let businesses: any BusinessRepository
    let now: @Sendable () -> Date

    struct ListResponse: Encodable { let items: [CampaignView]; let nextCursor: String? }
    struct RecipientPage: Encodable { let items: [RecipientView]; let nextCursor: String? }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(use: list)
        group.post(use: create)
        group.get(":id", use: show)
        group.patch(":id", use: update)
        group.delete(":id", use: delete)
        group.post(":id/start", use: start)
        group.post(":id/pause", use: pause)
        group.post(":id/resume", use: resume)
        group.post(":id/cancel", use: cancel)
        group.post(":id/recipients", use: upload)
        group.get(":id/recipients", use: recipients)
        group.get(":id/results", use: resultsJSON)
        group.get(":id/results.csv", use: resultsCSV)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let query = request.uri.queryParameters
        let state = try TicketsController.parameter(query["state"], "state", CampaignState.init(parsing:), CampaignState.allCases)
        let page = try await campaigns.list(businessId: business.id, state: state,
                                            limit: try KnowledgeController.limit(query["limit"].map(String.init)),
                                            cursor: query["cursor"].map(String.init))
        return try JSONResponse.make(ListResponse(items: page.items.map { CampaignView(campaign: $0) }, nextCursor: page.nextCursor))
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let body = try await request.collectBody(upTo: AppLimits.maxJSONBytes)
        try JSONRequestDecoder.rejectUnknownFields(in: body, allowed: CampaignBody.fieldNames, nested: CampaignBody.nested)
        try CampaignBody.rejectUnknownQuestionFields(in: body)
        let input = try JSONRequestDecoder.decode(CampaignBody.self, from: body)
        let campaign = try await Self.answering {
            let definition = try input.definition(defaultCountryCode: try await countryCode(business))
            return try await campaigns.create(NewCampaign(businessId: business.id, definition: definition,
                                                          actor: Self.actor(request)))
        }
        context.logger.info("campaign created", metadata: ["campaign": "\(campaign.id)"])
        return try JSONResponse.make(CampaignView(campaign: campaign, counts: RecipientCounts(byState: [:])), status: .created)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let campaign = try await found(request, context, business)
        let counts = try await campaigns.counts(campaignId: campaign.id, businessId: business.id)
        let counters = try await CampaignCounters.read(campaigns, campaign, counts: counts, now: now())
        return try JSONResponse.make(CampaignView(campaign: campaign, counts: counts, counters: counters))
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let current = try await found(request, context, business)
        let body = try await request.collectBody(upTo: AppLimits.maxJSONBytes)
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any], object["state"] != nil {
            throw AppError(.unprocessableContent, code: "state_not_patchable",
                           message: "state cannot be patched: POST /v1/campaigns/\(current.id)/start, /pause, /resume or /cancel moves a campaign",
                           details: [ErrorDetail(field: "state", message: "not patchable")])
        }
        try JSONRequestDecoder.rejectUnknownFields(in: body, allowed: CampaignBody.fieldNames, nested: CampaignBody.nested)
        try CampaignBody.rejectUnknownQuestionFields(in: body)
        let input = try JSONRequestDecoder.decode(CampaignBody.self, from: body)
        let campaign = try await Self.answering {
            let patch = try input.patch(over: current.definition, defaultCountryCode: try await countryCode(business))
            return try await campaigns.update(id: current.id, businessId: business.id, patch, actor: Self.actor(request))
        }
        let counts = try await campaigns.counts(campaignId: campaign.id, businessId: business.id)
        return try JSONResponse.make(CampaignView(campaign: campaign, counts: counts))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let campaign = try await found(request, context, business)
        try await Self.answering { try await campaigns.delete(id: campaign.id, businessId: business.id, actor: Self.actor(request)) }
        context.logger.info("campaign deleted", metadata: ["campaign": "\(campaign.id)"])
        return JSONResponse.noContent()
    }

    /// Draft or scheduled → `scheduled` while `start_at` is ahead, else `running`. A scheduled campaign whose time is
    /// still ahead is returned unchanged. A campaign without recipients is not started.
    @Sendable func start(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let campaign = try await found(request, context, business)
        let reason = try await Self.reason(request)
        guard let target = CampaignTransitions.startTarget(from: campaign.state, startAt: campaign.startAt, now: now()) else {
            return try await view(campaign, business)
        }
        if CampaignTransitions.isLegal(from: campaign.state, to: target),
           try await campaigns.counts(campaignId: campaign.id, businessId: business.id).total == 0 {
            throw AppError(.conflict, code: "no_recipients",
                           message: "the campaign has no recipients: POST them to /v1/campaigns/\(campaign.id)/recipients first")
        }
        return try await move(campaign, to: target, reason: reason, request: request, context: context, business: business)
    }

    @Sendable func pause(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await simpleMove(request, context: context, to: .paused)
    }

    @Sendable func resume(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await simpleMove(request, context: context, to: .running)
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await simpleMove(request, context: context, to: .cancelled)
    }

    /// Recipients as CSV (`text/csv`) or JSON (an array of objects), all or nothing: 201 with the counts and the merge
    /// report, or 422 with every row's problem and nothing stored.
    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let campaign = try await found(request, context, business)
        let body = try await request.collectBody(upTo: AppLimits.maxImportBytes)
        let options = RecipientImport.Options(requiredVariables: campaign.script.recipientVariables,
                                              businessTimeZone: business.zone.identifier)
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        let imported: ImportedRecipients
        do {
            if contentType.hasPrefix("text/csv") {
                imported = try RecipientImport.csv(Array(body), options: options)
            } else if contentType.hasPrefix("application/json") {
                imported = try RecipientImport.json(body, options: options)
            } else {
                throw AppError(.unsupportedMediaType, code: "unsupported_media_type",
                               message: "send recipients as text/csv or application/json")
            }
        } catch let failure as RecipientImportFailure {
            throw AppError(.unprocessableContent, code: "invalid_recipients",
                           message: "\(failure.errors.count) problem(s) in the recipients; nothing was stored. First: \(failure.errors[0])",
                           details: failure.errors.map { ErrorDetail(row: $0.row, field: $0.column, message: $0.message) })
        }
        let added = try await Self.answering {
            try await campaigns.addRecipients(campaignId: campaign.id, businessId: business.id,
                                              RecipientUpload(imported, actor: Self.actor(request)))
        }
        context.logger.info("campaign recipients added", metadata: [
            "campaign": "\(campaign.id)", "rows": "\(imported.rows)", "added": "\(added.added)"])
        let view = RecipientUploadView(
            rows: imported.rows, added: added.added, alreadyPresent: added.alreadyPresent.count,
            merged: imported.merges.map { .init(phoneNumber: $0.phone, rows: $0.rows, filled: $0.filled, conflicting: $0.conflicting) },
            total: added.total)
        return try JSONResponse.make(view, status: .created)
    }

    @Sendable func recipients(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        let campaign = try await found(request, context, business)
        let query = request.uri.queryParameters
        let state = try TicketsController.parameter(query["state"], "state", RecipientState.init(parsing:), RecipientState.allCases)
        let page = try await campaigns.recipients(campaignId: campaign.id, businessId: business.id, state: state,
                                                  limit: try KnowledgeController.limit(query["limit"].map(String.init)),
                                                  cursor: query["cursor"].map(String.init))
        return try JSONResponse.make(RecipientPage(items: page.items.map(RecipientView.init), nextCursor: page.nextCursor))
    }

    @Sendable func resultsJSON(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await results(request, context: context, format: .json)
    }

    @Sendable func resultsCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await results(request, context: context, format: .csv)
    }

    // MARK: - Details

    private func results(_ request: Request, context: AppRequestContext, format: CampaignResultsExport.Format) async throws -> Response {
        let business = try context.requireBusiness()
        let campaign = try await found(request, context, business)
        let export = CampaignResultsExport(campaigns: campaigns, campaign: campaign, timeZone: business.zone)
        var headers: HTTPFields = [.contentType: format.contentType]
        if format == .csv {
            headers[.contentDisposition] = "attachment; filename=\"campaign-\(campaign.id.prefix(8))-results.csv\""
        }
        return Response(status: .ok, headers: headers, body: try await export.body(format))
    }

    private func simpleMove(_ request: Request, context: AppRequestContext, to state: CampaignState) async throws -> Response {
        let business = try context.requireBusiness()
        let campaign = try await found(request, context, business)
        let reason = try await Self.reason(request)
        return try await move(campaign, to: state, reason: reason, request: request, context: context, business: business)
    }

    private func move(_ campaign: Campaign, to state: CampaignState, reason: String?, request: Request,
                      context: AppRequestContext, business: Business) async throws -> Response {
        // Conditional on the version read: a move that raced another (the dialer completing it, a second click) is 409.
        let change = CampaignStateChange(to: state, actor: Self.actor(request), reason: reason, expectedVersion: campaign.version)
        let moved = try await Self.answering {
            try await campaigns.transition(id: campaign.id, businessId: business.id, change)
        }
        context.logger.info("campaign moved", metadata: ["campaign": "\(moved.id)", "state": "\(moved.state.rawValue)"])
        return try await view(moved, business)
    }

    private func view(_ campaign: Campaign, _ business: Business) async throws -> Response {
        let counts = try await campaigns.counts(campaignId: campaign.id, businessId: business.id)
        return try JSONResponse.make(CampaignView(campaign: campaign, counts: counts))
    }

    /// The business's campaign named by the path, or 404 naming it.
    private func found(_ request: Request, _ context: AppRequestContext, _ business: Business) async throws -> Campaign {
        let id = try context.parameters.require("id")
        guard let campaign = try await campaigns.get(id: id, businessId: business.id) else {
            throw AppError(.notFound, code: "not_found", message: "no campaign \(id.prefix(64))")
        }
        return campaign
    }

    /// The optional `{"reason": "…"}` of a move (the body may be empty).
    private static func reason(_ request: Request) async throws -> String? {
        let body = try await request.collectBody(upTo: AppLimits.maxJSONBytes)
        guard !body.isEmpty else { return nil }
        try JSONRequestDecoder.rejectUnknownFields(in: body, allowed: CampaignReasonBody.fieldNames)
        return try JSONRequestDecoder.decode(CampaignReasonBody.self, from: body).reason?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `operation`, answering the campaign layer's errors once: a bad field is 422 naming it, an illegal move 409
    /// with its rule, a conflict 409 with what happened, a missing campaign 404.
    static func answering<T>(_ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch let invalid as CampaignValidationError {
            throw AppError(.unprocessableContent, code: "invalid_field", message: invalid.message,
                           details: [ErrorDetail(field: invalid.field, message: invalid.message)])
        } catch let illegal as IllegalCampaignTransition {
            throw CampaignTransitionResponse(transition: illegal)
        } catch let conflict as CampaignConflict {
            throw AppError(.conflict, code: "campaign_conflict", message: conflict.message)
        } catch RepositoryError.notFound {
            throw AppError(.notFound, code: "not_found", message: "no such campaign")
        } catch let error as RepositoryError {
            throw error.fieldError()
        }
    }

    /// Who acts through the REST routes: the holder of the business's API key, named by the key's display prefix.
    static func actor(_ request: Request) -> CampaignActor {
        CampaignActor(.admin, id: request.headers[.apiKey].map { String($0.prefix(APIKey.displayPrefixLength)) })
    }

    private func countryCode(_ business: Business) async throws -> String? {
        try await businesses.numbers(ofBusiness: business.id).first.flatMap(PhoneNumber.countryCode(of:))
    }
}
