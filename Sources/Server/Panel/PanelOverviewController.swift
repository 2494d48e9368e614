import Foundation
import HTTPTypes
import Hummingbird

/// A business's overview (`/app/b/{slug}/`: its numbers and charts for a range) and exports
/// (`/app/b/{slug}/exports`: the analytics API's CSV files, downloaded through the session). Every role reads
/// both. The numbers and files are the analytics API's own (`CallRollup`, `AnalyticsController.export`), read
/// for `membership.business`, so another business's calls are never in them.
struct PanelOverviewController {
    let panel: PanelServices
    let users: any PanelUserRepository
    let analytics: any AnalyticsRepository
    /// The API's analytics routes, whose exports the downloads answer with.
    let api: AnalyticsController
    let now: @Sendable () -> Date

    /// The CSV files of the exports page: the analytics API's `…/v1/analytics/{name}`.
    static let downloads: [(name: String, label: String, description: String)] = [
        ("calls.csv", "Calls", "One row per call: times, caller, outcome, emergency, questions answered and declined, the lead, sentiment and summary."),
        ("daily.csv", "Daily numbers", "One row per day: calls, outcomes, durations, transfers, questions answered and declined, sentiment."),
        ("hourly.csv", "Hourly numbers", "The same, one row per hour."),
        ("dispatch.csv", "Maintenance dispatch", "Response, acceptance and booking times of the tickets opened, by vendor, trade and property."),
    ]

    func addRoutes(to business: RouterGroup<AppRequestContext>) {
        business.get(use: overview)
        business.get("exports", use: exportsPage)
        business.get("exports/:file", use: download)
    }

    @Sendable func overview(_ request: Request, context: AppRequestContext) async throws -> Response {
        let pages = try panel.requirePages()
        let signedIn = try context.requirePanelUser()
        let membership = try context.requirePanelRole(.view)
        let business = membership.business
        let range = try PanelRange(request.uri.queryParameters, timeZone: business.zone, now: now())
        let rollup = CallRollup(analytics: analytics, businessId: business.id, timeZone: business.zone, range: range.range)
        let (days, total) = try await rollup.daysAndTotal()
        // The summary route's object: the total's columns plus the leads taken in the range.
        var summary = rollup.jsonObject(total)
        summary["leads"] = try await analytics.activity(businessId: business.id, from: range.range.from, to: range.range.to).leads
        let overview = PanelOverview(slug: business.slug, timeZone: business.zone, range: range, days: days, summary: summary)
        return pages.response("overview", OverviewView(
            chrome: try await chrome(signedIn, membership, title: business.name),
            businessName: business.name, slug: business.slug, email: signedIn.user.email, role: membership.role.rawValue,
            abilities: PanelBusinessController.abilities(of: membership.role),
            range: rangeForm(range, action: PanelPaths.business(business.slug), business: business),
            rangeLabel: rangeLabel(range, business), metrics: overview.metrics, charts: overview.charts,
            empty: total.calls == 0,
            exportsHref: PanelPaths.business(business.slug) + "exports?" + range.query))
    }

    @Sendable func exportsPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let pages = try panel.requirePages()
        let signedIn = try context.requirePanelUser()
        let membership = try context.requirePanelRole(.view)
        let business = membership.business
        let range = try PanelRange(request.uri.queryParameters, timeZone: business.zone, now: now())
        let query = "from=\(PanelRange.encoded(range.from))&to=\(PanelRange.encoded(range.to))"
        return pages.response("exports", ExportsView(
            chrome: try await chrome(signedIn, membership, title: "Exports · \(business.name)"),
            slug: business.slug,
            range: rangeForm(range, action: PanelPaths.business(business.slug) + "exports", business: business),
            rangeLabel: rangeLabel(range, business),
            downloads: Self.downloads.map {
                .init(name: $0.name, label: $0.label, description: $0.description,
                      href: PanelPaths.business(business.slug) + "exports/\($0.name)?" + query)
            }))
    }

    /// One CSV file, as the analytics API answers it for the same `from`/`to`, saved by the browser.
    @Sendable func download(_ request: Request, context: AppRequestContext) async throws -> Response {
        let membership = try context.requirePanelRole(.view)
        let name = try context.parameters.require("file")
        guard Self.downloads.contains(where: { $0.name == name }) else {
            throw AppError(.notFound, code: "not_found",
                           message: "no export \(name); use \(Self.downloads.map(\.name).joined(separator: ", "))")
        }
        var response = try await api.export(name, business: membership.business, query: request.uri.queryParameters)
        response.headers[.contentDisposition] = "attachment; filename=\"\(membership.business.slug)-\(name)\""
        return response
    }

    // MARK: Helpers

    private func chrome(_ signedIn: PanelSignedIn, _ membership: PanelMembership, title: String) async throws -> PanelChrome {
        let several = try await users.memberships(userId: signedIn.user.id).count > 1
        return .signedIn(signedIn, title: title, membership: membership, severalBusinesses: several)
    }

    private func rangeForm(_ range: PanelRange, action: String, business: Business) -> RangeForm {
        let presets: [(PanelRange.Preset, String)] = [(.today, "Today"), (.week, "7 days"), (.month, "30 days")]
        return RangeForm(
            action: action,
            presets: presets.map { .init(label: $0.1, href: "\(action)?range=\($0.0.rawValue)", selected: range.preset == $0.0) },
            from: range.from, to: range.to, custom: range.preset == .custom, timeZone: business.zone.identifier)
    }

    private func rangeLabel(_ range: PanelRange, _ business: Business) -> String {
        (range.from == range.to ? range.from : "\(range.from) to \(range.to)") + ", \(business.zone.identifier)"
    }
}
