import Events
import Foundation
import Maintenance

/// What the booking loop left in the database for one business: tickets, offers, vendors, texts and the log of the
/// events that order them. Read through the repositories (either backend) after a simulation, and checked by
/// ``DispatchInvariants``.
struct DispatchSnapshot: Sendable {
    var tickets: [Ticket] = []
    var offers: [DispatchOfferRecord] = []
    var vendors: [Vendor] = []
    /// The business's texts (outbox rows), in the order they were queued.
    var texts: [SMSOutboxRow] = []
    /// The business's events of ``DispatchSnapshot/types``, in log order.
    var events: [StoredEvent] = []

    static let types: Set<EventType> = [.ticketOpened, .ticketStateChanged, .dispatchOfferSent, .dispatchOfferResolved,
                                        .vendorAdded, .vendorChanged, .smsQueued]

    static func read(businessId: String, from repositories: Repositories) async throws -> DispatchSnapshot {
        var snapshot = DispatchSnapshot()
        var cursor: String?
        repeat {
            let page = try await repositories.tickets.list(businessId: businessId, filter: TicketFilter(), limit: 500, cursor: cursor)
            snapshot.tickets += page.items
            cursor = page.nextCursor
        } while cursor != nil
        for ticket in snapshot.tickets {
            snapshot.offers += try await repositories.dispatch.offers(ticketId: ticket.id, businessId: businessId)
        }
        repeat {
            let page = try await repositories.vendors.list(businessId: businessId, filter: VendorFilter(), limit: 500, cursor: cursor)
            snapshot.vendors += page.items
            cursor = page.nextCursor
        } while cursor != nil
        var after: Int64 = 0
        while true {
            let page = try await repositories.events.events(EventQuery(businessId: businessId, after: after, types: types,
                                                                       limit: 1_000))
            snapshot.events += page
            guard let last = page.last, page.count == 1_000 else { break }
            after = last.id
        }
        for event in snapshot.events where event.type == .smsQueued {
            let queued = try event.decode(SMSDeliveryChanged.self)
            if let row = try await repositories.outbox.row(id: queued.outboxId) { snapshot.texts.append(row) }
        }
        return snapshot
    }
}

/// The booking loop's invariants, checked on what it stored (``DispatchSnapshot``). Each broken one is a sentence
/// naming the ticket, offer, vendor or text; none is the loop doing what the issue promises.
///
/// 1. Every ticket ends `scheduled`, `escalated`, `closed` (or `cancelled`): none is left `new` or
///    `vendor_contacting`.
/// 2. No ticket is booked twice: at most one accepted offer per ticket, and a booked ticket's vendor is that
///    offer's vendor (a ticket the loop booked without an accepted offer breaks it too).
/// 3. No vendor is offered a ticket outside their trade and service area, nor the same ticket twice.
/// 4. At most one offer of a ticket is open at any time, in the order the log committed them (every offer opened
///    is also ended or still open on a ticket still being dispatched).
/// 5. Nothing is queued to a vendor's phone after their STOP (until a START), in log order.
/// 6. Every booking-loop text (`dispatch-…` outbox keys) fits one SMS.
enum DispatchInvariants {
    static func check(_ snapshot: DispatchSnapshot) -> [String] {
        var violations: [String] = []
        let tickets = Dictionary(snapshot.tickets.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let vendors = Dictionary(snapshot.vendors.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        func name(_ ticketId: String) -> String { tickets[ticketId].map { "\($0.code) (\($0.id))" } ?? ticketId }

        // 1. Final states.
        let settled: Set<TicketState> = [.scheduled, .escalated, .closed, .cancelled]
        for ticket in snapshot.tickets where !settled.contains(ticket.state) {
            violations.append("ticket \(name(ticket.id)) ended \(ticket.state.rawValue)")
        }

        // 2. Booked once, by the accepted offer's vendor.
        let offersByTicket = Dictionary(grouping: snapshot.offers, by: \.ticketId)
        for ticket in snapshot.tickets {
            let offers = offersByTicket[ticket.id] ?? []
            let accepted = offers.filter { $0.state == .accepted }
            if accepted.count > 1 {
                violations.append("ticket \(name(ticket.id)) booked twice: \(accepted.count) accepted offers")
            }
            if let winner = accepted.first, ticket.vendorId != winner.vendorId {
                violations.append("ticket \(name(ticket.id)) is booked with vendor \(ticket.vendorId ?? "none"), "
                                  + "but vendor \(winner.vendorId) accepted its offer")
            }
            if accepted.isEmpty, ticket.vendorId != nil {
                violations.append("ticket \(name(ticket.id)) has vendor \(ticket.vendorId!) without an accepted offer")
            }
        }

        // 3. Trade and area; once per vendor.
        var offered: Set<String> = []
        for offer in snapshot.offers {
            guard let ticket = tickets[offer.ticketId] else {
                violations.append("offer \(offer.id) is for an unknown ticket \(offer.ticketId)")
                continue
            }
            guard let vendor = vendors[offer.vendorId] else {
                violations.append("offer \(offer.id) of ticket \(name(ticket.id)) went to an unknown vendor \(offer.vendorId)")
                continue
            }
            let inArea = ticket.postcode.map { postcode in vendor.serviceAreas.contains { Postcode.area($0, covers: postcode) } } ?? false
            if !vendor.trades.contains(ticket.trade) || !inArea {
                violations.append("ticket \(name(ticket.id)) (\(ticket.trade.rawValue), \(ticket.postcode ?? "no postcode")) "
                                  + "offered to \(vendor.name), outside their trade or area")
            }
            if !offered.insert("\(offer.ticketId) \(offer.vendorId)").inserted {
                violations.append("ticket \(name(ticket.id)) offered to \(vendor.name) twice")
            }
        }

        // 4. One open offer at a time, in commit order; 5. nothing queued to a vendor after their STOP.
        var open: [String: Set<String>] = [:]
        var optedOut: Set<String> = []
        let vendorPhones = Set(snapshot.vendors.map(\.phone))
        for event in snapshot.events {
            switch event.type {
            case .dispatchOfferSent:
                guard let sent = try? event.decode(DispatchOfferSent.self) else { continue }
                open[sent.ticketId, default: []].insert(sent.offerId)
                if open[sent.ticketId]!.count > 1 {
                    violations.append("ticket \(name(sent.ticketId)) had \(open[sent.ticketId]!.count) open offers at once "
                                      + "(event \(event.id))")
                }
            case .dispatchOfferResolved:
                guard let resolved = try? event.decode(DispatchOfferResolved.self) else { continue }
                open[resolved.ticketId]?.remove(resolved.offerId)
            case .vendorAdded, .vendorChanged:
                guard let vendor = try? event.decode(VendorRecorded.self) else { continue }
                if vendor.optedOut { optedOut.insert(vendor.phone) } else { optedOut.remove(vendor.phone) }
            case .smsQueued:
                guard let queued = try? event.decode(SMSDeliveryChanged.self) else { continue }
                if vendorPhones.contains(queued.to), optedOut.contains(queued.to) {
                    let body = snapshot.texts.first { $0.id == queued.outboxId }?.body ?? "outbox row \(queued.outboxId)"
                    violations.append("texted \(PhoneMask.mask(queued.to)) after their STOP: \"\(body)\"")
                }
            default:
                continue
            }
        }
        for (ticketId, offers) in open where !offers.isEmpty && tickets[ticketId]?.state != .vendorContacting {
            violations.append("ticket \(name(ticketId)) is \(tickets[ticketId]?.state.rawValue ?? "gone") "
                              + "with \(offers.count) offer(s) still open")
        }

        // 6. One SMS each.
        for text in snapshot.texts where text.dedupeKey?.hasPrefix("dispatch-") == true && !DispatchTexts.fits(text.body) {
            violations.append("a text does not fit one SMS (\(text.body.count) characters): \"\(text.body)\"")
        }
        return violations
    }
}
