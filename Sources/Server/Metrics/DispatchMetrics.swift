import CoreMetrics
import Foundation
import Maintenance
import Synchronization

/// The maintenance dispatch measures in `/metrics`: the same figures as `GET /v1/analytics/dispatch` for the tickets
/// opened in the last 30 days, per business and per vendor, trade and property, as gauges.
///
/// Computed from the event log when `/metrics` is scraped, at most once a minute (a scrape in between reads the
/// last figures), so every node reports the same numbers and a restart loses none. Gauges, one series per figure:
///
/// - `frontdesk_dispatch_duration_seconds{business, group, key, measure, quantile}` — `measure` is
///   `first_response`, `accept`, `book`, `close` or `emergency_escalation`; `quantile` is `0.5` or `0.9`;
/// - `frontdesk_dispatch_ratio{business, group, key, measure}` — `response`, `acceptance`, `timeout`, `escalation`;
/// - `frontdesk_dispatch_tickets{business, group, key}` and `frontdesk_dispatch_offers{…}`.
///
/// `group` is `business`, `vendor`, `trade` or `property`; `key` the business id, vendor id, trade or property
/// address. A figure without data (no ticket was booked yet) is left out, not written as zero.
final class DispatchMetrics: Sendable {
    enum Name {
        static let duration = "frontdesk_dispatch_duration_seconds"
        static let ratio = "frontdesk_dispatch_ratio"
        static let tickets = "frontdesk_dispatch_tickets"
        static let offers = "frontdesk_dispatch_offers"
    }

    /// The tickets measured: those opened this long before the scrape.
    static let window: TimeInterval = 30 * 86_400
    /// The figures are recomputed at most this often.
    static let interval: TimeInterval = 60

    let analytics: DispatchAnalytics
    let businesses: any BusinessRepository
    let factory: any MetricsFactory
    let now: @Sendable () -> Date
    private let refreshedAt = Mutex<Date?>(nil)

    init(analytics: DispatchAnalytics, businesses: any BusinessRepository, factory: any MetricsFactory,
         now: @escaping @Sendable () -> Date) {
        self.analytics = analytics
        self.businesses = businesses
        self.factory = factory
        self.now = now
    }

    /// Recomputes the gauges unless that was done less than ``interval`` ago. Errors leave the last figures.
    func refresh() async throws {
        let timestamp = now()
        let due = refreshedAt.withLock { last -> Bool in
            if let last, timestamp.timeIntervalSince(last) < Self.interval, timestamp >= last { return false }
            last = timestamp
            return true
        }
        guard due else { return }
        var cursor: String?
        repeat {
            let page = try await businesses.list(limit: 100, cursor: cursor)
            for business in page.items where business.status == .active {
                let report = try await analytics.report(
                    businessId: business.id, range: AnalyticsRange(from: timestamp.addingTimeInterval(-Self.window), to: timestamp))
                record(report, businessId: business.id)
            }
            cursor = page.nextCursor
        } while cursor != nil
    }

    private func record(_ report: DispatchAnalytics.Report, businessId: String) {
        record(report.business, businessId: businessId, group: "business", key: businessId)
        for (vendorId, vendor) in report.byVendor { record(vendor.measures, businessId: businessId, group: "vendor", key: vendorId) }
        for (trade, set) in report.byTrade { record(set, businessId: businessId, group: "trade", key: trade) }
        for (property, set) in report.byProperty { record(set, businessId: businessId, group: "property", key: property) }
    }

    private func record(_ set: DispatchMeasureSet, businessId: String, group: String, key: String) {
        let labels = [("business", businessId), ("group", group), ("key", key)]
        Gauge(label: Name.tickets, dimensions: labels, factory: factory).record(set.tickets)
        Gauge(label: Name.offers, dimensions: labels, factory: factory).record(set.offers)
        let durations: [(String, DurationSummary)] = [
            ("first_response", set.timeToFirstResponse), ("accept", set.timeToAccept), ("book", set.timeToBook),
            ("close", set.timeToClose), ("emergency_escalation", set.emergencyEscalationTime),
        ]
        for (measure, summary) in durations {
            for (quantile, value) in [("0.5", summary.median), ("0.9", summary.p90)] {
                guard let value else { continue }
                Gauge(label: Name.duration, dimensions: labels + [("measure", measure), ("quantile", quantile)], factory: factory)
                    .record(value)
            }
        }
        let ratios: [(String, Double?)] = [("response", set.responseRate), ("acceptance", set.acceptanceRate),
                                           ("timeout", set.timeoutRate), ("escalation", set.escalationRate)]
        for (measure, value) in ratios {
            guard let value else { continue }
            Gauge(label: Name.ratio, dimensions: labels + [("measure", measure)], factory: factory).record(value)
        }
    }
}
