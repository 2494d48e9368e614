import Foundation
import Hummingbird

/// `/v1/admin/businesses…`: the operator creates, lists, changes and deletes tenants and issues their API keys.
/// Mounted behind `AdminAuthMiddleware`.
struct AdminController {
    let businesses: any BusinessRepository
    let apiKeys: any APIKeyRepository
    let knowledge: KnowledgeService
    let calls: any CallRepository

    /// What the operator sends to create a business. `status` defaults to ACTIVE.
    struct CreateBody: Decodable {
        var slug: String
        var name: String
        var timeZone: String
        var numbers: [String]?
        var settings: ReceptionistSettings?
        var status: BusinessStatus?

        static let fieldNames: Set<String> = ["slug", "name", "time_zone", "numbers", "settings", "status"]
    }

    /// A partial update: absent (or null) fields are left alone; `numbers` replaces the whole set, `settings`
    /// the whole object. The slug cannot change (it is refused as an unknown field).
    struct PatchBody: Decodable {
        var name: String?
        var timeZone: String?
        var status: BusinessStatus?
        var numbers: [String]?
        var settings: ReceptionistSettings?

        static let fieldNames: Set<String> = ["name", "time_zone", "status", "numbers", "settings"]
    }

    struct BusinessResponse: Encodable {
        let id: String, slug: String, name: String, timeZone: String, status: BusinessStatus
        let numbers: [String]
        let settings: SettingsResponse
        let createdAt: Date, updatedAt: Date
        /// The business's first API key, in plain text; only in the answer to create (it is not stored).
        let apiKey: String?

        init(_ business: Business, numbers: [String], apiKey: String? = nil) {
            id = business.id; slug = business.slug; name = business.name; timeZone = business.timeZone
            status = business.status; self.numbers = numbers; settings = SettingsResponse(business.settings)
            createdAt = business.createdAt; updatedAt = business.updatedAt; self.apiKey = apiKey
        }
    }

    struct ListResponse: Encodable { let items: [BusinessResponse]; let nextCursor: String? }

    /// A stored key as listed: never its hash. `revoked_at` is null while the key is active.
    struct KeyResponse: Encodable {
        let id: String, prefix: String, createdAt: Date, revokedAt: Date?

        init(_ key: APIKey) { id = key.id; prefix = key.prefix; createdAt = key.createdAt; revokedAt = key.revokedAt }

        enum CodingKeys: String, CodingKey { case id, prefix, createdAt, revokedAt }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(prefix, forKey: .prefix)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(revokedAt, forKey: .revokedAt)
        }
    }

    struct KeyListResponse: Encodable { let items: [KeyResponse] }
    struct NewKeyResponse: Encodable { let apiKey: String, prefix: String, createdAt: Date }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("businesses", use: create)
        group.get("businesses", use: list)
        group.get("businesses/:id", use: get)
        group.patch("businesses/:id", use: patch)
        group.delete("businesses/:id", use: delete)
        group.post("businesses/:id/keys", use: rotateKey)
        group.get("businesses/:id/keys", use: listKeys)
        group.put("businesses/:id/twilio-auth-token", use: setTwilioToken)
        group.delete("businesses/:id/twilio-auth-token", use: removeTwilioToken)
    }

    // MARK: Handlers

    /// Creates the business, then issues its first key. If anything after the insert fails, the business is
    /// deleted again, so a failed create leaves nothing behind.
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let data = try await request.collectBody(upTo: AppLimits.maxJSONBytes)
        try JSONRequestDecoder.rejectUnknownFields(in: data, allowed: CreateBody.fieldNames,
                                                   nested: ["settings": ReceptionistSettings.apiFieldNames])
        let body = try JSONRequestDecoder.decode(CreateBody.self, from: data)
        let settings = body.settings ?? ReceptionistSettings()
        try await validatingFields(prefix: "settings.") { try settings.validate() }
        let created = try await validatingFields {
            try await businesses.create(NewBusiness(slug: body.slug, name: body.name, timeZone: body.timeZone,
                                                    settings: settings, numbers: body.numbers ?? []))
        }
        do {
            var business = created
            if let status = body.status, status != business.status {
                business = try await businesses.update(id: business.id, BusinessPatch(status: status))
            }
            let key = try await apiKeys.rotate(businessId: business.id)
            let numbers = try await businesses.numbers(ofBusiness: business.id)
            context.logger.info("business created", metadata: ["slug": "\(business.slug)"])
            return try JSONResponse.make(BusinessResponse(business, numbers: numbers, apiKey: key), status: .created)
        } catch {
            do {
                try await businesses.delete(id: created.id)
            } catch let cleanup {
                context.logger.error("could not remove a half-created business", metadata: [
                    "id": "\(created.id)", "error": "\(cleanup)"])
            }
            throw error
        }
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let limit = try KnowledgeController.limit(query["limit"].map(String.init))
        let page: Page<Business>
        do {
            page = try await businesses.list(limit: limit, cursor: query["cursor"].map(String.init))
        } catch RepositoryError.invalid {
            throw AppError(.badRequest, code: "invalid_parameter", message: "cursor is not one this listing returned")
        }
        var items: [BusinessResponse] = []
        items.reserveCapacity(page.items.count)
        for business in page.items {
            items.append(BusinessResponse(business, numbers: try await businesses.numbers(ofBusiness: business.id)))
        }
        return try JSONResponse.make(ListResponse(items: items, nextCursor: page.nextCursor))
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try await existingBusiness(context)
        return try JSONResponse.make(BusinessResponse(business, numbers: try await businesses.numbers(ofBusiness: business.id)))
    }

    @Sendable func patch(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let data = try await request.collectBody(upTo: AppLimits.maxJSONBytes)
        try JSONRequestDecoder.rejectUnknownFields(in: data, allowed: PatchBody.fieldNames,
                                                   nested: ["settings": ReceptionistSettings.apiFieldNames])
        let body = try JSONRequestDecoder.decode(PatchBody.self, from: data)
        if let settings = body.settings {
            try await validatingFields(prefix: "settings.") { try settings.validate() }
        }
        let business = try await validatingFields {
            try await businesses.update(id: id, BusinessPatch(
                name: body.name, timeZone: body.timeZone, status: body.status, numbers: body.numbers,
                settings: body.settings))
        }
        return try JSONResponse.make(BusinessResponse(business, numbers: try await businesses.numbers(ofBusiness: business.id)))
    }

    /// Deletes the business (its numbers, keys and knowledge go with it, by cascade) and drops its in-memory index.
    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try await existingBusiness(context)
        try await businesses.delete(id: business.id)
        knowledge.forget(businessId: business.id)
        context.logger.info("business deleted", metadata: ["slug": "\(business.slug)"])
        return JSONResponse.noContent()
    }

    /// Issues a new key and revokes every older one at once.
    @Sendable func rotateKey(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try await existingBusiness(context)
        let key = try await apiKeys.rotate(businessId: business.id)
        let prefix = String(key.prefix(APIKey.displayPrefixLength))
        let stored = try await apiKeys.keys(businessId: business.id).first { $0.isActive && $0.prefix == prefix }
        return try JSONResponse.make(NewKeyResponse(apiKey: key, prefix: prefix, createdAt: stored?.createdAt ?? Date()),
                                     status: .created)
    }

    @Sendable func listKeys(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try await existingBusiness(context)
        let keys = try await apiKeys.keys(businessId: business.id)
        return try JSONResponse.make(KeyListResponse(items: keys.map(KeyResponse.init)))
    }

    struct TwilioTokenBody: Decodable {
        var authToken: String
        static let fieldNames: Set<String> = ["auth_token"]
    }

    /// Sets the business's own Twilio auth token (a sub-account's): its webhooks are verified with it instead of
    /// FRONTDESK_TWILIO_AUTH_TOKEN. Write-only: no route returns it.
    @Sendable func setTwilioToken(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try await existingBusiness(context)
        let data = try await request.collectBody(upTo: 4096)
        try JSONRequestDecoder.rejectUnknownFields(in: data, allowed: TwilioTokenBody.fieldNames)
        let body = try JSONRequestDecoder.decode(TwilioTokenBody.self, from: data)
        let token = body.authToken.trimmingCharacters(in: .whitespaces)
        guard (16...128).contains(token.count), token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw AppError(.unprocessableContent, code: "validation_failed",
                           message: "auth_token must be the 32-character token from the Twilio console (16–128 letters and digits)")
        }
        try await calls.setTwilioAuthToken(token, businessId: business.id)
        context.logger.info("Twilio auth token set", metadata: ["slug": "\(business.slug)"])
        return JSONResponse.noContent()
    }

    @Sendable func removeTwilioToken(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try await existingBusiness(context)
        try await calls.setTwilioAuthToken(nil, businessId: business.id)
        return JSONResponse.noContent()
    }

    // MARK: Helpers

    private func existingBusiness(_ context: AppRequestContext) async throws -> Business {
        guard let business = try await businesses.get(id: try context.parameters.require("id")) else {
            throw AppError(.notFound, code: "not_found", message: "no business with this id")
        }
        return business
    }
}
