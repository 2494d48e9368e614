import Events
import Foundation
import Maintenance
import PostgresNIO

/// `DispatchRepository` on PostgreSQL.
///
/// Several nodes: every change of a ticket's dispatch first locks the ticket's row (`FOR UPDATE`), so two YES
/// webhooks, a YES and the timer, or two planners on different nodes apply one after the other, and the second
/// sees what the first did (the offer no longer open, the ticket moved) and writes nothing. The partial unique
/// index on open offers is the backstop.
struct PostgresDispatchRepository: DispatchRepository {
    let database: PGDatabase
    let now: @Sendable () -> Date

    static let columns = """
        id, business_id, ticket_id, vendor_id, code, sent_at, expires_at, state, resolved_at, outbox_id, window_start,
        window_end
        """

    // MARK: - Settings

    func settings(businessId: String) async throws -> DispatchSettings {
        let logger = database.logger
        let stored = try await database.read { connection in
            try await connection.query("SELECT settings FROM dispatch_settings WHERE business_id = \(businessId)",
                                       logger: logger).all(String.self).first
        }
        return try stored.map(DispatchSettingsCoding.decode) ?? DispatchSettings()
    }

    func saveSettings(_ settings: DispatchSettings, businessId: String) async throws -> DispatchSettings {
        let json = try DispatchSettingsCoding.encode(validating: settings)
        let timestamp = now()
        let logger = database.logger
        try await database.write { connection in
            let exists = try await connection.query("SELECT count(*) FROM businesses WHERE id = \(businessId)",
                                                    logger: logger).all(Int64.self).first ?? 0
            guard exists == 1 else { throw RepositoryError.notFound }
            try await connection.query("""
                INSERT INTO dispatch_settings (business_id, settings, updated_at) VALUES (\(businessId), \(json), \(timestamp))
                ON CONFLICT (business_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at
                """, logger: logger)
        }
        return settings
    }

    // MARK: - Reads

    func candidates(for ticket: Ticket) async throws -> [Vendor] {
        let logger = database.logger
        let vendors = try await database.read { connection in
            try await PostgresVendorRepository.decodeAll(connection.query("""
                SELECT \(unescaped: Self.prefixed(PostgresVendorRepository.columns, "v")) FROM vendors v
                LEFT JOIN vendor_rotation r
                  ON r.business_id = v.business_id AND r.trade = \(ticket.trade.rawValue) AND r.vendor_id = v.id
                WHERE v.business_id = \(ticket.businessId) AND v.active AND NOT v.opted_out
                ORDER BY r.last_offered_at NULLS FIRST, v.created_at, v.id
                """, logger: logger))
        }
        return vendors.filter { $0.isCandidate(for: ticket) }
    }

    func offers(ticketId: String, businessId: String) async throws -> [DispatchOfferRecord] {
        let logger = database.logger
        return try await database.read { connection in
            try await Self.decodeAll(connection.query("""
                SELECT \(unescaped: Self.columns) FROM dispatch_offers
                WHERE ticket_id = \(ticketId.lowercased()) AND business_id = \(businessId) ORDER BY sent_at, id
                """, logger: logger))
        }
    }

    func offer(id: String, businessId: String) async throws -> DispatchOfferRecord? {
        let logger = database.logger
        return try await database.read { connection in
            try await Self.fetch(connection, id: id, businessId: businessId, logger: logger)
        }
    }

    func openOffers(phone: String, businessId: String) async throws -> [DispatchOfferRecord] {
        let logger = database.logger
        return try await database.read { connection in
            try await Self.decodeAll(connection.query("""
                SELECT \(unescaped: Self.prefixed(Self.columns, "o")) FROM dispatch_offers o
                JOIN vendors v ON v.id = o.vendor_id AND v.business_id = o.business_id
                WHERE o.business_id = \(businessId) AND v.phone = \(phone) AND o.state = 'open'
                ORDER BY o.sent_at, o.id
                """, logger: logger))
        }
    }

    func scheduledTickets(phone: String, businessId: String) async throws -> [Ticket] {
        let logger = database.logger
        return try await database.read { connection in
            try await PostgresTicketRepository.decodeAll(connection.query("""
                SELECT \(unescaped: PostgresTicketRepository.columns) FROM tickets
                WHERE business_id = \(businessId) AND state = 'scheduled'
                  AND (tenant_phone = \(phone)
                       OR vendor_id IN (SELECT id FROM vendors WHERE business_id = \(businessId) AND phone = \(phone)))
                ORDER BY created_at, id
                """, logger: logger))
        }
    }

    // MARK: - Changes

    func openOffer(_ new: NewDispatchOffer, effects: DispatchEffects) async throws -> DispatchOfferRecord {
        let timestamp = now()
        let logger = database.logger
        return try await database.write { connection in
            var offer = new.offer
            guard let ticket = try await Self.lockTicket(connection, id: offer.ticketId, businessId: offer.businessId,
                                                         logger: logger)
            else { throw RepositoryError.notFound }
            guard ticket.state.isDispatching, ticket.version == new.ticketVersion else {
                throw DispatchConflict("ticket \(ticket.id) changed meanwhile: it is \(ticket.state.rawValue) at version \(ticket.version)")
            }
            let clash = try await connection.query("""
                SELECT count(*) FROM dispatch_offers
                WHERE ticket_id = \(ticket.id) AND (state = 'open' OR vendor_id = \(offer.vendorId))
                """, logger: logger).all(Int64.self).first ?? 0
            guard clash == 0 else {
                throw DispatchConflict("ticket \(ticket.id) has an open offer, or the vendor was offered it before")
            }
            guard let vendor = try await PostgresVendorRepository.decodeAll(connection.query("""
                SELECT \(unescaped: PostgresVendorRepository.columns) FROM vendors
                WHERE id = \(offer.vendorId) AND business_id = \(offer.businessId) FOR KEY SHARE
                """, logger: logger)).first, vendor.isCandidate(for: ticket)
            else { throw DispatchConflict("vendor \(offer.vendorId) may not be offered ticket \(ticket.id)") }
            if ticket.state == .new {
                let (moved, event) = try TicketStateChange(
                    to: .vendorContacting, actor: .system, reason: "offered to \(vendor.name)",
                    expectedState: .new).applied(to: ticket, at: timestamp)
                try await PostgresTicketRepository.store(connection, moved, replacing: ticket, logger: logger)
                try await PostgresEventAppender.append(connection, EventDraft(
                    businessId: ticket.businessId, stream: .ticket(ticket.id), event), at: timestamp, logger: logger)
            }
            offer.sentAt = timestamp
            offer.state = .open
            offer.resolvedAt = nil
            offer.code = ticket.code
            offer.outboxId = try await PostgresOutboxRepository.enqueue(connection, new.text, at: timestamp, logger: logger)?.id
            try await connection.query("""
                INSERT INTO dispatch_offers (id, business_id, ticket_id, vendor_id, code, sent_at, expires_at, state,
                                             resolved_at, outbox_id, window_start, window_end)
                VALUES (\(offer.id), \(offer.businessId), \(offer.ticketId), \(offer.vendorId), \(offer.code), \(offer.sentAt),
                        \(offer.expiresAt), 'open', NULL, \(offer.outboxId), \(offer.windowStart), \(offer.windowEnd))
                """, logger: logger)
            try await connection.query("""
                INSERT INTO vendor_rotation (business_id, trade, vendor_id, last_offered_at, offers_count)
                VALUES (\(offer.businessId), \(ticket.trade.rawValue), \(offer.vendorId), \(timestamp), 1)
                ON CONFLICT (business_id, trade, vendor_id)
                DO UPDATE SET last_offered_at = excluded.last_offered_at,
                              offers_count = vendor_rotation.offers_count + 1
                """, logger: logger)
            try await PostgresEventAppender.append(connection, EventDraft(
                businessId: offer.businessId, stream: .ticket(ticket.id),
                DispatchOfferSent(ticketId: ticket.id, offerId: offer.id, vendorId: offer.vendorId, code: offer.code,
                                  expiresAt: offer.expiresAt, windowStart: offer.windowStart, windowEnd: offer.windowEnd)),
                at: timestamp, logger: logger)
            try await Self.write(connection, effects, businessId: offer.businessId, at: timestamp, logger: logger)
            return try await Self.fetch(connection, id: offer.id, businessId: offer.businessId, logger: logger)!
        }
    }

    func resolveOffer(id: String, businessId: String, outcome: DispatchOfferOutcome, actor: TicketActor, reason: String?,
                      effects: DispatchEffects) async throws -> DispatchOfferRecord? {
        precondition(outcome != .open && outcome != .accepted, "resolveOffer ends an offer; accept(offerId:) accepts one")
        let timestamp = now()
        let logger = database.logger
        return try await database.write { connection in
            guard let found = try await Self.fetch(connection, id: id, businessId: businessId, logger: logger) else { return nil }
            _ = try await Self.lockTicket(connection, id: found.ticketId, businessId: businessId, logger: logger)
            guard let offer = try await Self.fetch(connection, id: id, businessId: businessId, logger: logger),
                  offer.state == .open
            else { return nil }
            try await Self.close(connection, offer, outcome: outcome, actor: actor, reason: reason, at: timestamp, logger: logger)
            try await Self.write(connection, effects, businessId: businessId, at: timestamp, logger: logger)
            return try await Self.fetch(connection, id: offer.id, businessId: businessId, logger: logger)
        }
    }

    func accept(offerId: String, businessId: String, appointmentId: String?, reason: String,
                effects: DispatchEffects) async throws -> Ticket {
        let timestamp = now()
        let logger = database.logger
        return try await database.write { connection in
            guard let found = try await Self.fetch(connection, id: offerId, businessId: businessId, logger: logger) else {
                throw DispatchConflict("offer \(offerId) is not open")
            }
            guard let ticket = try await Self.lockTicket(connection, id: found.ticketId, businessId: businessId, logger: logger),
                  let offer = try await Self.fetch(connection, id: offerId, businessId: businessId, logger: logger),
                  offer.state.isAcceptable
            else { throw DispatchConflict("offer \(offerId) is not open") }
            guard ticket.state.isBookable else {
                throw DispatchConflict("ticket \(ticket.id) is not looking for a vendor")
            }
            let actor = TicketActor(.vendor, id: offer.vendorId)
            let (moved, event) = try TicketStateChange(
                to: .scheduled, actor: actor, reason: reason, expectedState: ticket.state,
                vendorId: .some(offer.vendorId), appointmentId: .some(appointmentId)).applied(to: ticket, at: timestamp)
            try await Self.close(connection, offer, outcome: .accepted, actor: actor, reason: nil, at: timestamp,
                                 from: offer.state, logger: logger)
            // A late YES won: the offer open with the next vendor is withdrawn.
            let open = try await Self.decodeAll(connection.query("""
                SELECT \(unescaped: Self.columns) FROM dispatch_offers WHERE ticket_id = \(ticket.id) AND state = 'open'
                """, logger: logger))
            for other in open {
                try await Self.close(connection, other, outcome: .cancelled, actor: actor,
                                     reason: "another vendor took the job", at: timestamp, logger: logger)
            }
            try await PostgresTicketRepository.store(connection, moved, replacing: ticket, logger: logger)
            try await PostgresEventAppender.append(connection, EventDraft(
                businessId: businessId, stream: .ticket(ticket.id), event), at: timestamp, logger: logger)
            try await Self.write(connection, effects, businessId: businessId, at: timestamp, logger: logger)
            return try await PostgresTicketRepository.fetch(connection, id: ticket.id, businessId: businessId, logger: logger)!
        }
    }

    func move(ticketId: String, businessId: String, _ change: TicketStateChange,
              effects: DispatchEffects) async throws -> Ticket {
        let timestamp = now()
        let logger = database.logger
        return try await database.write { connection in
            guard let ticket = try await Self.lockTicket(connection, id: ticketId, businessId: businessId, logger: logger) else {
                throw RepositoryError.notFound
            }
            let (moved, event) = try change.applied(to: ticket, at: timestamp)
            let open = try await Self.decodeAll(connection.query("""
                SELECT \(unescaped: Self.columns) FROM dispatch_offers WHERE ticket_id = \(ticket.id) AND state = 'open'
                """, logger: logger))
            for offer in open {
                try await Self.close(connection, offer, outcome: .cancelled, actor: change.actor, reason: change.reason,
                                     at: timestamp, logger: logger)
            }
            try await PostgresTicketRepository.store(connection, moved, replacing: ticket, logger: logger)
            try await PostgresEventAppender.append(connection, EventDraft(
                businessId: businessId, stream: .ticket(ticket.id), event), at: timestamp, logger: logger)
            try await Self.write(connection, effects, businessId: businessId, at: timestamp, logger: logger)
            return try await PostgresTicketRepository.fetch(connection, id: ticket.id, businessId: businessId, logger: logger)!
        }
    }

    func record(businessId: String, effects: DispatchEffects) async throws {
        let timestamp = now()
        let logger = database.logger
        try await database.write { connection in
            try await Self.write(connection, effects, businessId: businessId, at: timestamp, logger: logger)
        }
    }

    func setOptedOut(vendorId: String, businessId: String, optedOut: Bool) async throws
        -> (vendor: Vendor, withdrawn: [DispatchOfferRecord]) {
        let timestamp = now()
        let logger = database.logger
        return try await database.write { connection in
            guard var vendor = try await PostgresVendorRepository.decodeAll(connection.query("""
                SELECT \(unescaped: PostgresVendorRepository.columns) FROM vendors
                WHERE id = \(vendorId.lowercased()) AND business_id = \(businessId) FOR UPDATE
                """, logger: logger)).first
            else { throw RepositoryError.notFound }
            guard vendor.optedOut != optedOut else { return (vendor, []) }
            vendor.optedOut = optedOut
            vendor.updatedAt = timestamp
            try await connection.query("""
                UPDATE vendors SET opted_out = \(optedOut), updated_at = \(timestamp)
                WHERE id = \(vendor.id) AND business_id = \(businessId)
                """, logger: logger)
            try await PostgresEventAppender.append(connection, EventDraft(
                businessId: businessId, stream: .vendor(vendor.id), type: .vendorChanged, VendorRecorded(vendor)),
                at: timestamp, logger: logger)
            guard optedOut else { return (vendor, []) }
            let open = try await Self.decodeAll(connection.query("""
                SELECT \(unescaped: Self.columns) FROM dispatch_offers
                WHERE vendor_id = \(vendor.id) AND business_id = \(businessId) AND state = 'open' FOR UPDATE
                """, logger: logger))
            var withdrawn: [DispatchOfferRecord] = []
            for offer in open {
                try await Self.close(connection, offer, outcome: .cancelled, actor: TicketActor(.vendor, id: vendor.id),
                                     reason: "the vendor texted STOP", at: timestamp, logger: logger)
                withdrawn.append(try await Self.fetch(connection, id: offer.id, businessId: businessId, logger: logger)!)
            }
            return (vendor, withdrawn)
        }
    }

    // MARK: - Details

    private static func prefixed(_ columns: String, _ alias: String) -> String {
        columns.split(separator: ",").map { "\(alias).\($0.trimmingCharacters(in: .whitespacesAndNewlines))" }
            .joined(separator: ", ")
    }

    /// Locks the ticket's row for the rest of the transaction and returns it.
    private static func lockTicket(_ connection: PostgresConnection, id: String, businessId: String,
                                   logger: Logger) async throws -> Ticket? {
        try await PostgresTicketRepository.decodeAll(connection.query("""
            SELECT \(unescaped: PostgresTicketRepository.columns) FROM tickets
            WHERE id = \(id.lowercased()) AND business_id = \(businessId) FOR UPDATE
            """, logger: logger)).first
    }

    private static func fetch(_ connection: PostgresConnection, id: String, businessId: String,
                              logger: Logger) async throws -> DispatchOfferRecord? {
        try await decodeAll(connection.query("""
            SELECT \(unescaped: columns) FROM dispatch_offers WHERE id = \(id.lowercased()) AND business_id = \(businessId)
            """, logger: logger)).first
    }

    /// Ends `offer`, which must still be in state `from` (open, or timed out for a late YES).
    private static func close(_ connection: PostgresConnection, _ offer: DispatchOfferRecord,
                              outcome: DispatchOfferOutcome, actor: TicketActor, reason: String?, at timestamp: Date,
                              from: DispatchOfferOutcome = .open, logger: Logger) async throws {
        let updated = try await connection.query("""
            UPDATE dispatch_offers SET state = \(outcome.rawValue), resolved_at = \(timestamp)
            WHERE id = \(offer.id) AND state = \(from.rawValue) RETURNING id
            """, logger: logger).all(String.self)
        guard updated.count == 1 else { throw DispatchConflict("offer \(offer.id) is not open") }
        try await PostgresEventAppender.append(connection, EventDraft(
            businessId: offer.businessId, stream: .ticket(offer.ticketId),
            DispatchOfferResolved(ticketId: offer.ticketId, offerId: offer.id, vendorId: offer.vendorId, outcome: outcome,
                                  actor: actor, reason: reason)), at: timestamp, logger: logger)
    }

    private static func write(_ connection: PostgresConnection, _ effects: DispatchEffects, businessId: String,
                              at timestamp: Date, logger: Logger) async throws {
        for text in effects.texts {
            let row = try await PostgresOutboxRepository.enqueue(connection, text.text, at: timestamp, logger: logger)
            if let notice = text.notice, let row {
                try await PostgresEventAppender.append(connection, EventDraft(
                    businessId: businessId, stream: .ticket(text.ticketId),
                    DispatchNotified(ticketId: text.ticketId, notice: notice, outboxId: row.id)), at: timestamp, logger: logger)
            }
        }
        for job in effects.jobs { try await PostgresJobs.enqueue(connection, job, now: timestamp, logger: logger) }
        for event in effects.events {
            try await PostgresEventAppender.append(connection, event, at: timestamp, logger: logger)
        }
    }

    static func decodeAll(_ rows: PostgresRowSequence) async throws -> [DispatchOfferRecord] {
        try await rows.rows().map { row in
            let cells = row.makeRandomAccess()
            let id = try cells["id"].decode(String.self)
            let state = try cells["state"].decode(String.self)
            guard let outcome = DispatchOfferOutcome(rawValue: state) else {
                throw RepositoryError.invalid("stored offer \(id) has an unknown state: \(state)")
            }
            return DispatchOfferRecord(
                id: id, businessId: try cells["business_id"].decode(String.self),
                ticketId: try cells["ticket_id"].decode(String.self), vendorId: try cells["vendor_id"].decode(String.self),
                code: try cells["code"].decode(String.self), sentAt: try cells["sent_at"].decode(Date.self),
                expiresAt: try cells["expires_at"].decode(Date.self), state: outcome,
                resolvedAt: try cells["resolved_at"].decode(Date?.self), outboxId: try cells["outbox_id"].decode(Int64?.self),
                windowStart: try cells["window_start"].decode(Date?.self), windowEnd: try cells["window_end"].decode(Date?.self))
        }
    }
}
