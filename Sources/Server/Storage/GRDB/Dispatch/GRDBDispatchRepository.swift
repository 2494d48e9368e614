import Events
import Foundation
import GRDB
import Maintenance

extension DispatchOfferRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "dispatch_offers"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
}

/// `DispatchRepository` on the app's SQLite database. One writer: each change reads what it conditions on and
/// writes in one transaction; the conditional updates are the same rules the PostgreSQL backend needs.
public struct GRDBDispatchRepository: DispatchRepository {
    private let database: AppDatabase
    private let now: @Sendable () -> Date

    public init(database: AppDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    // MARK: - Settings

    public func settings(businessId: String) async throws -> DispatchSettings {
        let stored = try await database.dbPool.read { db in
            try String.fetchOne(db, sql: "SELECT settings FROM dispatch_settings WHERE business_id = ?", arguments: [businessId])
        }
        return try stored.map(DispatchSettingsCoding.decode) ?? DispatchSettings()
    }

    public func saveSettings(_ settings: DispatchSettings, businessId: String) async throws -> DispatchSettings {
        let json = try DispatchSettingsCoding.encode(validating: settings)
        let timestamp = now()
        try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard try Int.fetchOne(db, sql: "SELECT count(*) FROM businesses WHERE id = ?", arguments: [businessId]) == 1
                else { throw RepositoryError.notFound }
                try db.execute(sql: """
                    INSERT INTO dispatch_settings (business_id, settings, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT (business_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at
                    """, arguments: [businessId, json, timestamp])
            }
        }
        return settings
    }

    // MARK: - Reads

    public func candidates(for ticket: Ticket) async throws -> [Vendor] {
        let vendors = try await database.dbPool.read { db in
            try Vendor.fetchAll(db, sql: """
                SELECT vendors.* FROM vendors
                LEFT JOIN vendor_rotation r
                  ON r.business_id = vendors.business_id AND r.trade = ? AND r.vendor_id = vendors.id
                WHERE vendors.business_id = ? AND vendors.active = 1 AND vendors.opted_out = 0
                ORDER BY r.last_offered_at IS NOT NULL, r.last_offered_at, vendors.created_at, vendors.id
                """, arguments: [ticket.trade.rawValue, ticket.businessId])
        }
        return vendors.filter { $0.isCandidate(for: ticket) }
    }

    public func offers(ticketId: String, businessId: String) async throws -> [DispatchOfferRecord] {
        try await database.dbPool.read { db in
            try DispatchOfferRecord.fetchAll(db, sql: """
                SELECT * FROM dispatch_offers WHERE ticket_id = ? AND business_id = ? ORDER BY sent_at, id
                """, arguments: [ticketId.lowercased(), businessId])
        }
    }

    public func offer(id: String, businessId: String) async throws -> DispatchOfferRecord? {
        try await database.dbPool.read { db in try Self.offer(db, id: id, businessId: businessId) }
    }

    public func openOffers(phone: String, businessId: String) async throws -> [DispatchOfferRecord] {
        try await database.dbPool.read { db in
            try DispatchOfferRecord.fetchAll(db, sql: """
                SELECT o.* FROM dispatch_offers o
                JOIN vendors v ON v.id = o.vendor_id AND v.business_id = o.business_id
                WHERE o.business_id = ? AND v.phone = ? AND o.state = 'open'
                ORDER BY o.sent_at, o.id
                """, arguments: [businessId, phone])
        }
    }

    public func scheduledTickets(phone: String, businessId: String) async throws -> [Ticket] {
        try await database.dbPool.read { db in
            try Ticket.fetchAll(db, sql: """
                SELECT * FROM tickets
                WHERE business_id = ? AND state = 'scheduled'
                  AND (tenant_phone = ? OR vendor_id IN (SELECT id FROM vendors WHERE business_id = ? AND phone = ?))
                ORDER BY created_at, id
                """, arguments: [businessId, phone, businessId, phone])
        }
    }

    // MARK: - Changes

    public func openOffer(_ new: NewDispatchOffer, effects: DispatchEffects) async throws -> DispatchOfferRecord {
        let timestamp = now()
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                var offer = new.offer
                guard let ticket = try GRDBTicketRepository.fetch(db, id: offer.ticketId, businessId: offer.businessId)
                else { throw RepositoryError.notFound }
                guard ticket.state.isDispatching, ticket.version == new.ticketVersion else {
                    throw DispatchConflict("ticket \(ticket.id) changed meanwhile: it is \(ticket.state.rawValue) at version \(ticket.version)")
                }
                if try DispatchOfferRecord.filter(sql: "ticket_id = ? AND (state = 'open' OR vendor_id = ?)",
                                                  arguments: [ticket.id, offer.vendorId]).fetchCount(db) > 0 {
                    throw DispatchConflict("ticket \(ticket.id) has an open offer, or the vendor was offered it before")
                }
                guard let vendor = try Vendor.filter(Column("id") == offer.vendorId && Column("business_id") == offer.businessId)
                    .fetchOne(db), vendor.isCandidate(for: ticket)
                else { throw DispatchConflict("vendor \(offer.vendorId) may not be offered ticket \(ticket.id)") }
                if ticket.state == .new {
                    let (moved, event) = try TicketStateChange(
                        to: .vendorContacting, actor: .system, reason: "offered to \(vendor.name)",
                        expectedState: .new).applied(to: ticket, at: timestamp)
                    try GRDBTicketRepository.store(db, moved, replacing: ticket)
                    try EventAppender.append(db, EventDraft(businessId: ticket.businessId, stream: .ticket(ticket.id), event),
                                             at: timestamp)
                }
                offer.sentAt = timestamp
                offer.state = .open
                offer.resolvedAt = nil
                offer.code = ticket.code
                offer.outboxId = try GRDBOutboxRepository.enqueue(db, new.text, at: timestamp)?.id
                try offer.insert(db)
                try db.execute(sql: """
                    INSERT INTO vendor_rotation (business_id, trade, vendor_id, last_offered_at, offers_count)
                    VALUES (?, ?, ?, ?, 1)
                    ON CONFLICT (business_id, trade, vendor_id)
                    DO UPDATE SET last_offered_at = excluded.last_offered_at, offers_count = offers_count + 1
                    """, arguments: [offer.businessId, ticket.trade.rawValue, offer.vendorId, timestamp])
                try EventAppender.append(db, EventDraft(
                    businessId: offer.businessId, stream: .ticket(ticket.id),
                    DispatchOfferSent(ticketId: ticket.id, offerId: offer.id, vendorId: offer.vendorId, code: offer.code,
                                      expiresAt: offer.expiresAt, windowStart: offer.windowStart, windowEnd: offer.windowEnd)),
                    at: timestamp)
                try Self.write(db, effects, businessId: offer.businessId, at: timestamp)
                return try Self.offer(db, id: offer.id, businessId: offer.businessId)!
            }
        }
    }

    public func resolveOffer(id: String, businessId: String, outcome: DispatchOfferOutcome, actor: TicketActor,
                             reason: String?, effects: DispatchEffects) async throws -> DispatchOfferRecord? {
        precondition(outcome != .open && outcome != .accepted, "resolveOffer ends an offer; accept(offerId:) accepts one")
        let timestamp = now()
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard let offer = try Self.offer(db, id: id, businessId: businessId), offer.state == .open else { return nil }
                try Self.close(db, offer, outcome: outcome, actor: actor, reason: reason, at: timestamp)
                try Self.write(db, effects, businessId: businessId, at: timestamp)
                return try Self.offer(db, id: offer.id, businessId: businessId)
            }
        }
    }

    public func accept(offerId: String, businessId: String, appointmentId: String?, reason: String,
                       effects: DispatchEffects) async throws -> Ticket {
        let timestamp = now()
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard let offer = try Self.offer(db, id: offerId, businessId: businessId), offer.state.isAcceptable else {
                    throw DispatchConflict("offer \(offerId) is not open")
                }
                guard let ticket = try GRDBTicketRepository.fetch(db, id: offer.ticketId, businessId: businessId),
                      ticket.state.isBookable
                else { throw DispatchConflict("ticket \(offer.ticketId) is not looking for a vendor") }
                let actor = TicketActor(.vendor, id: offer.vendorId)
                let (moved, event) = try TicketStateChange(
                    to: .scheduled, actor: actor, reason: reason, expectedState: ticket.state,
                    vendorId: .some(offer.vendorId), appointmentId: .some(appointmentId)).applied(to: ticket, at: timestamp)
                try Self.close(db, offer, outcome: .accepted, actor: actor, reason: nil, at: timestamp, from: offer.state)
                // A late YES won: the offer open with the next vendor is withdrawn.
                for other in try DispatchOfferRecord.filter(sql: "ticket_id = ? AND state = 'open'", arguments: [ticket.id])
                    .fetchAll(db) {
                    try Self.close(db, other, outcome: .cancelled, actor: actor, reason: "another vendor took the job",
                                   at: timestamp)
                }
                try GRDBTicketRepository.store(db, moved, replacing: ticket)
                try EventAppender.append(db, EventDraft(businessId: businessId, stream: .ticket(ticket.id), event), at: timestamp)
                try Self.write(db, effects, businessId: businessId, at: timestamp)
                return try GRDBTicketRepository.fetch(db, id: ticket.id, businessId: businessId)!
            }
        }
    }

    public func move(ticketId: String, businessId: String, _ change: TicketStateChange,
                     effects: DispatchEffects) async throws -> Ticket {
        let timestamp = now()
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard let ticket = try GRDBTicketRepository.fetch(db, id: ticketId, businessId: businessId) else {
                    throw RepositoryError.notFound
                }
                let (moved, event) = try change.applied(to: ticket, at: timestamp)
                let open = try DispatchOfferRecord.filter(sql: "ticket_id = ? AND state = 'open'", arguments: [ticket.id])
                    .fetchAll(db)
                for offer in open {
                    try Self.close(db, offer, outcome: .cancelled, actor: change.actor, reason: change.reason, at: timestamp)
                }
                try GRDBTicketRepository.store(db, moved, replacing: ticket)
                try EventAppender.append(db, EventDraft(businessId: businessId, stream: .ticket(ticket.id), event), at: timestamp)
                try Self.write(db, effects, businessId: businessId, at: timestamp)
                return try GRDBTicketRepository.fetch(db, id: ticket.id, businessId: businessId)!
            }
        }
    }

    public func record(businessId: String, effects: DispatchEffects) async throws {
        let timestamp = now()
        try await translatingConstraintErrors {
            try await database.dbPool.write { db in try Self.write(db, effects, businessId: businessId, at: timestamp) }
        }
    }

    public func setOptedOut(vendorId: String, businessId: String, optedOut: Bool) async throws
        -> (vendor: Vendor, withdrawn: [DispatchOfferRecord]) {
        let timestamp = now()
        return try await translatingConstraintErrors {
            try await database.dbPool.write { db in
                guard var vendor = try Vendor.filter(Column("id") == vendorId.lowercased() && Column("business_id") == businessId)
                    .fetchOne(db)
                else { throw RepositoryError.notFound }
                guard vendor.optedOut != optedOut else { return (vendor, []) }
                vendor.optedOut = optedOut
                vendor.updatedAt = timestamp
                try vendor.update(db)
                try EventAppender.append(db, EventDraft(businessId: businessId, stream: .vendor(vendor.id), type: .vendorChanged,
                                                        VendorRecorded(vendor)), at: timestamp)
                guard optedOut else { return (vendor, []) }
                let open = try DispatchOfferRecord.filter(sql: "vendor_id = ? AND business_id = ? AND state = 'open'",
                                                          arguments: [vendor.id, businessId]).fetchAll(db)
                var withdrawn: [DispatchOfferRecord] = []
                for offer in open {
                    try Self.close(db, offer, outcome: .cancelled, actor: TicketActor(.vendor, id: vendor.id),
                                   reason: "the vendor texted STOP", at: timestamp)
                    withdrawn.append(try Self.offer(db, id: offer.id, businessId: businessId)!)
                }
                return (vendor, withdrawn)
            }
        }
    }

    // MARK: - Details

    private static func offer(_ db: Database, id: String, businessId: String) throws -> DispatchOfferRecord? {
        try DispatchOfferRecord.filter(Column("id") == id.lowercased() && Column("business_id") == businessId).fetchOne(db)
    }

    /// Ends `offer` (still open: the callers checked) and appends `dispatch.offer_resolved`.
    /// Ends `offer`, which must still be in state `from` (open, or timed out for a late YES).
    private static func close(_ db: Database, _ offer: DispatchOfferRecord, outcome: DispatchOfferOutcome,
                              actor: TicketActor, reason: String?, at timestamp: Date,
                              from: DispatchOfferOutcome = .open) throws {
        try db.execute(sql: "UPDATE dispatch_offers SET state = ?, resolved_at = ? WHERE id = ? AND state = ?",
                       arguments: [outcome.rawValue, timestamp, offer.id, from.rawValue])
        guard db.changesCount == 1 else { throw DispatchConflict("offer \(offer.id) is not open") }
        try EventAppender.append(db, EventDraft(
            businessId: offer.businessId, stream: .ticket(offer.ticketId),
            DispatchOfferResolved(ticketId: offer.ticketId, offerId: offer.id, vendorId: offer.vendorId, outcome: outcome,
                                  actor: actor, reason: reason)), at: timestamp)
    }

    /// Queues the texts (each with its `dispatch.notified`), enqueues the jobs, appends the events.
    private static func write(_ db: Database, _ effects: DispatchEffects, businessId: String, at timestamp: Date) throws {
        for text in effects.texts {
            let row = try GRDBOutboxRepository.enqueue(db, text.text, at: timestamp)
            if let notice = text.notice, let row {
                try EventAppender.append(db, EventDraft(
                    businessId: businessId, stream: .ticket(text.ticketId),
                    DispatchNotified(ticketId: text.ticketId, notice: notice, outboxId: row.id)), at: timestamp)
            }
        }
        for job in effects.jobs { try GRDBWorkQueue.enqueue(db, job, now: timestamp) }
        for event in effects.events { try EventAppender.append(db, event, at: timestamp) }
    }
}

/// Dispatch settings as stored: the API's JSON (snake_case), validated on the way in.
enum DispatchSettingsCoding {
    static func encode(validating settings: DispatchSettings) throws -> String {
        do { try settings.validate() } catch let error as DispatchSettingsError {
            throw RepositoryError.invalid(error.message)
        }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(settings), as: UTF8.self)
    }

    static func decode(_ json: String) throws -> DispatchSettings {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(DispatchSettings.self, from: Data(json.utf8))
    }
}
