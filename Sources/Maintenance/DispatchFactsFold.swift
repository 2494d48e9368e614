import Events
import Foundation

/// Builds each ticket's ``DispatchTicketFacts`` from its event stream (`ticket:<id>`): when it was opened, first
/// scheduled, first escalated and closed, its priority, trade and property as they are now, the booked vendor, and
/// every offer with its outcome — the inputs of ``DispatchMeasures``. Events are applied in log order; events of
/// other streams and types are ignored, and an event of a ticket whose opening was not seen (pruned) is skipped.
public struct DispatchFactsFold: Sendable {
    /// Facts by ticket id.
    public private(set) var facts: [String: DispatchTicketFacts<String>] = [:]
    /// Where each offer sits: ticket id and index in its facts' offers.
    private var offers: [String: (ticket: String, index: Int)] = [:]

    /// The event types the fold reads (pass them as the log query's type filter).
    public static let types: Set<EventType> = [
        .ticketOpened, .ticketUpdated, .ticketStateChanged, .dispatchOfferSent, .dispatchOfferResolved,
    ]

    public init() {}

    public mutating func apply(_ event: StoredEvent) throws {
        switch event.type {
        case .ticketOpened:
            let opened = try event.decode(TicketOpened.self)
            facts[opened.ticketId] = DispatchTicketFacts(
                createdAt: event.createdAt, priority: opened.priority, trade: opened.trade,
                property: opened.propertyAddress, vendorId: opened.vendorId)
        case .ticketUpdated:
            let updated = try event.decode(TicketUpdated.self)
            guard var ticket = facts[updated.ticketId] else { return }
            ticket.priority = updated.priority
            ticket.trade = updated.trade
            ticket.property = updated.propertyAddress
            facts[updated.ticketId] = ticket
        case .ticketStateChanged:
            let change = try event.decode(TicketStateChanged.self)
            guard var ticket = facts[change.ticketId] else { return }
            switch change.to {
            case .scheduled:
                if ticket.scheduledAt == nil { ticket.scheduledAt = event.createdAt }
                ticket.vendorId = change.vendorId ?? ticket.vendorId
            case .escalated:
                if ticket.escalatedAt == nil { ticket.escalatedAt = event.createdAt }
            case .closed:
                ticket.closedAt = event.createdAt
            case .new, .vendorContacting, .cancelled:
                break
            }
            facts[change.ticketId] = ticket
        case .dispatchOfferSent:
            let sent = try event.decode(DispatchOfferSent.self)
            guard var ticket = facts[sent.ticketId] else { return }
            ticket.offers.append(DispatchOffer(vendorId: sent.vendorId, sentAt: event.createdAt, outcome: .open))
            offers[sent.offerId] = (sent.ticketId, ticket.offers.count - 1)
            facts[sent.ticketId] = ticket
        case .dispatchOfferResolved:
            let resolved = try event.decode(DispatchOfferResolved.self)
            guard let place = offers[resolved.offerId], var ticket = facts[place.ticket] else { return }
            ticket.offers[place.index].outcome = resolved.outcome
            ticket.offers[place.index].resolvedAt = event.createdAt
            facts[place.ticket] = ticket
        default:
            return
        }
    }
}
