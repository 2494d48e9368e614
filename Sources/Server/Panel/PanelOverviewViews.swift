import Foundation

/// `overview.mustache`: a business's numbers and charts for a range, each linking to the calls behind it.
struct OverviewView: PanelView {
    let chrome: PanelChrome
    let businessName: String
    let slug: String
    let email: String
    let role: String
    /// What the role may do, in words.
    let abilities: [String]
    let range: RangeForm
    /// "2026-11-04 to 2026-12-03, Europe/London".
    let rangeLabel: String
    let metrics: [Metric]
    let charts: [ChartView]
    /// No call in the range: the charts are drawn empty and a line says so.
    let empty: Bool
    /// The exports page for the same range.
    let exportsHref: String

    /// One number. `value` is the analytics API's value for it (`GET /v1/analytics/summary`), `display` the same
    /// for people.
    struct Metric: Sendable {
        let key: String
        let label: String
        let display: String
        let value: String
        /// The calls behind the number, when a filter of the calls list selects them.
        let href: String?
    }
}

/// The range chooser shared by the overview and the exports page.
struct RangeForm: Sendable {
    let action: String
    let presets: [Preset]
    let from: String
    let to: String
    let custom: Bool
    let timeZone: String

    struct Preset: Sendable {
        let label: String
        let href: String
        let selected: Bool
    }
}

/// One SVG chart (`chart.mustache`) and its table fallback, with every coordinate computed by `PanelChart`.
struct ChartView: Sendable {
    let id: String
    let title: String
    /// What the chart shows, in words (the SVG's `<desc>`).
    let summary: String
    let width: String
    let height: String
    let gridlines: [Gridline]
    let bars: [BarMark]
    /// SVG `points` of the series' line, when the chart is a line.
    let line: String?
    let points: [PointMark]
    let labels: [AxisLabel]
    let columnHeader: String
    let valueHeader: String
    let rows: [TableRow]

    struct Gridline: Sendable {
        let x1: String, x2: String, y: String
        let label: String
        let labelX: String, labelY: String
    }

    struct BarMark: Sendable {
        let x: String, y: String, width: String, height: String
        /// The value drawn, as a number (tests read it back).
        let value: String
        let href: String
        /// The bar's name and value, for a tooltip and screen readers.
        let label: String
    }

    struct PointMark: Sendable {
        let cx: String, cy: String
        let value: String
        let href: String
        let label: String
    }

    struct AxisLabel: Sendable {
        let x: String, y: String
        let text: String
        /// `start`, `middle` or `end`.
        let anchor: String
    }

    struct TableRow: Sendable {
        let label: String
        let value: String
        let href: String
    }
}

/// `exports.mustache`: the CSV downloads for a range.
struct ExportsView: PanelView {
    let chrome: PanelChrome
    let slug: String
    let range: RangeForm
    let rangeLabel: String
    let downloads: [Download]

    struct Download: Sendable {
        let name: String
        let label: String
        let description: String
        let href: String
    }
}
