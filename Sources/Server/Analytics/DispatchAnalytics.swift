import Events
import Analytics
import Foundation
import Maintenance

/// The maintenance dispatch measures (issue 12, "Measures") of one business's tickets opened in a range: time to
/// first response, to accept, to book, to close, emergency escalation time (median and p90), and response,
/// acceptance, timeout and escalation rates — for the business, per vendor, per trade and per property.
///
/// Read from the event log (each ticket's stream: opened, state changes, offers sent and resolved) through
/// ``DispatchFactsFold``, so the figures are what happened, in the order it was committed, on either backend.
struct DispatchAnalytics: Sendable {
    let events: any EventLog
    let vendors: any VendorRepository

    struct Report: Encodable {
        var from: Date
        var to: Date
        var business: DispatchMeasureSet
        var byVendor: [String: VendorMeasures]
        var byTrade: [String: DispatchMeasureSet]
        var byProperty: [String: DispatchMeasureSet]
    }

    struct VendorMeasures: Encodable {
        var name: String?
        var measures: DispatchMeasureSet
    }

    static let pageSize = 1000

    func report(businessId: String, range: AnalyticsRange) async throws -> Report {
        var fold = DispatchFactsFold()
        var after: Int64 = 0
        while true {
            let page = try await events.events(EventQuery(businessId: businessId, after: after,
                                                          types: DispatchFactsFold.types, limit: Self.pageSize))
            for event in page {
                // A payload this version cannot read is skipped rather than failing the whole report.
                try? fold.apply(event)
            }
            guard let last = page.last, page.count == Self.pageSize else { break }
            after = last.id
        }
        let tickets = fold.facts.values.filter { $0.createdAt >= range.from && $0.createdAt < range.to }
        let measures = DispatchMeasures(tickets: Array(tickets))
        var byVendor: [String: VendorMeasures] = [:]
        for (vendorId, set) in measures.byVendor {
            byVendor[vendorId] = VendorMeasures(name: try await vendors.get(id: vendorId, businessId: businessId)?.name,
                                                measures: set)
        }
        return Report(from: range.from, to: range.to, business: measures.business, byVendor: byVendor,
                      byTrade: Dictionary(uniqueKeysWithValues: measures.byTrade.map { ($0.key.rawValue, $0.value) }),
                      byProperty: measures.byProperty)
    }

    /// One row per group: `group` (`business`, `vendor`, `trade`, `property`), `key`, `name`, then every measure
    /// (durations in seconds, rates 0–1, empty when there is nothing to measure).
    static func csv(_ report: Report) -> String {
        var lines = ["group,key,name,tickets,offers,first_response_median_s,first_response_p90_s,accept_median_s,accept_p90_s,"
            + "book_median_s,book_p90_s,close_median_s,close_p90_s,emergency_escalation_median_s,emergency_escalation_p90_s,"
            + "response_rate,acceptance_rate,timeout_rate,escalation_rate"]
        func row(_ group: String, _ key: String, _ name: String?, _ set: DispatchMeasureSet) {
            func number(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "" }
            func summary(_ value: DurationSummary) -> String { "\(number(value.median)),\(number(value.p90))" }
            lines.append([CSVWriter.escape(group), CSVWriter.escape(key), CSVWriter.escape(name ?? ""), "\(set.tickets)", "\(set.offers)",
                          summary(set.timeToFirstResponse), summary(set.timeToAccept), summary(set.timeToBook),
                          summary(set.timeToClose), summary(set.emergencyEscalationTime), number(set.responseRate),
                          number(set.acceptanceRate), number(set.timeoutRate), number(set.escalationRate)].joined(separator: ","))
        }
        row("business", "", nil, report.business)
        for (id, vendor) in report.byVendor.sorted(by: { $0.key < $1.key }) { row("vendor", id, vendor.name, vendor.measures) }
        for (trade, set) in report.byTrade.sorted(by: { $0.key < $1.key }) { row("trade", trade, nil, set) }
        for (property, set) in report.byProperty.sorted(by: { $0.key < $1.key }) { row("property", property, nil, set) }
        return lines.joined(separator: "\n") + "\n"
    }
}
