import Analytics
import Foundation

/// Turns the analytics of a range (the API's own rollup: `CallRollup`) into the overview's numbers and charts.
/// Every number comes from `CallRollup.jsonObject` — what `GET /v1/analytics/summary` answers — or from the daily
/// buckets `GET /v1/analytics/daily.json` answers; nothing is computed a second way here.
struct PanelOverview {
    let slug: String
    let timeZone: TimeZone
    let range: PanelRange
    let days: [MetricsBucket]
    /// The summary's columns over the whole range, plus `leads`.
    let summary: [String: Any]

    /// The outcomes in the order the chart lists them, with their names for people.
    static let outcomes: [(CallOutcomeKind, String)] = [
        (.answeredQuestion, "Answered a question"), (.leadCaptured, "Lead taken"), (.booked, "Booked"),
        (.transferred, "Transferred"), (.emergency, "Emergency"), (.abandoned, "Abandoned"),
    ]

    // MARK: Links

    /// The calls list behind a number: `/app/b/{slug}/calls?from=…&to=…` plus `extra` filters.
    func callsHref(from: String, to: String, _ extra: [(String, String)] = []) -> String {
        let items = [("from", from), ("to", to)] + extra
        return PanelPaths.business(slug) + "calls?" + items.map { "\($0.0)=\(PanelRange.encoded($0.1))" }.joined(separator: "&")
    }

    private func rangeHref(_ extra: [(String, String)] = []) -> String { callsHref(from: range.from, to: range.to, extra) }

    /// A bucket's local day as `YYYY-MM-DD`.
    func day(_ bucket: MetricsBucket) -> String {
        bucket.start.formatted(Date.ISO8601FormatStyle(timeZone: timeZone).year().month().day())
    }

    /// A bucket's day under the axis: "Dec 3".
    func shortDay(_ bucket: MetricsBucket) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "MMM d"
        return formatter.string(from: bucket.start)
    }

    // MARK: Numbers

    var metrics: [OverviewView.Metric] {
        func raw(_ key: String) -> String {
            switch summary[key] {
            case let number as Int: String(number)
            case let number as Double: String(number)
            default: ""
            }
        }
        func int(_ key: String) -> String { raw(key).isEmpty ? "0" : raw(key) }
        let rate = (summary["knowledge_answer_rate"] as? Double).map { "\(Int(($0 * 100).rounded()))%" } ?? "—"
        let duration = (summary["duration_mean_seconds"] as? Double).map(Self.duration) ?? "—"
        let sentiment = (summary["sentiment_mean"] as? Double).map { String(format: "%+.2f", $0) } ?? "—"
        return [
            .init(key: "calls", label: "Calls", display: int("calls"), value: raw("calls"), href: rangeHref()),
            .init(key: "answered", label: "Callers who spoke", display: int("answered"), value: raw("answered"), href: nil),
            .init(key: "knowledge_answer_rate", label: "Questions answered", display: rate,
                  value: raw("knowledge_answer_rate"), href: nil),
            .init(key: "questions_declined", label: "Unanswered questions", display: int("questions_declined"),
                  value: raw("questions_declined"), href: nil),
            .init(key: "duration_mean_seconds", label: "Average duration", display: duration,
                  value: raw("duration_mean_seconds"), href: nil),
            .init(key: "sentiment_mean", label: "Average sentiment (−1 to +1)", display: sentiment,
                  value: raw("sentiment_mean"), href: nil),
            .init(key: "leads", label: "Leads", display: int("leads"), value: raw("leads"), href: nil),
            .init(key: "emergencies", label: "Emergencies", display: int("emergencies"), value: raw("emergencies"),
                  href: rangeHref([("emergency", "true")])),
        ]
    }

    /// "1 min 5 s", "35 s".
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole >= 60 ? "\(whole / 60) min \(whole % 60) s" : "\(whole) s"
    }

    // MARK: Charts

    var charts: [ChartView] { [callsPerDay, outcomesChart, answerRate, sentimentTrend] }

    /// One bar per day, its height the day's calls.
    var callsPerDay: ChartView {
        let (chart, bars) = PanelChart.columns(days.map { Double($0.calls) })
        let rows = days.map { ChartView.TableRow(label: day($0), value: String($0.calls), href: callsHref(from: day($0), to: day($0))) }
        return ChartView(
            id: "chart-calls", title: "Calls per day",
            summary: "Calls each day from \(range.from) to \(range.to): \(days.map(\.calls).reduce(0, +)) in all, at most \(days.map(\.calls).max() ?? 0) in a day.",
            width: PanelChart.number(chart.frame.width), height: PanelChart.number(chart.frame.height),
            gridlines: gridlines(chart) { String(Int($0)) },
            bars: zip(bars, rows).map { bar, row in
                .init(x: PanelChart.number(bar.x), y: PanelChart.number(bar.y), width: PanelChart.number(bar.width),
                      height: PanelChart.number(bar.height), value: row.value, href: row.href,
                      label: "\(row.label): \(row.value) call\(row.value == "1" ? "" : "s")")
            },
            line: nil, points: [], labels: dayLabels(chart),
            columnHeader: "Day", valueHeader: "Calls", rows: rows)
    }

    /// One bar per outcome over the whole range.
    var outcomesChart: ChartView {
        let counts = Self.outcomes.map { kind, _ in summary["outcome_\(kind.rawValue)"] as? Int ?? 0 }
        let frame = PanelChart.Frame(width: 640, height: 24 + 30 * Double(counts.count), left: 150, right: 48, top: 8, bottom: 16)
        let (chart, bars) = PanelChart.rows(counts.map(Double.init), frame: frame)
        let rows = zip(Self.outcomes, counts).map { outcome, count in
            ChartView.TableRow(label: outcome.1, value: String(count), href: rangeHref([("outcome", outcome.0.rawValue)]))
        }
        return ChartView(
            id: "chart-outcomes", title: "Outcomes",
            summary: "How the calls from \(range.from) to \(range.to) ended: " + rows.map { "\($0.label) \($0.value)" }.joined(separator: ", ") + ".",
            width: PanelChart.number(frame.width), height: PanelChart.number(frame.height), gridlines: [],
            bars: zip(bars, rows).map { bar, row in
                .init(x: PanelChart.number(bar.x), y: PanelChart.number(bar.y), width: PanelChart.number(bar.width),
                      height: PanelChart.number(bar.height), value: row.value, href: row.href, label: "\(row.label): \(row.value)")
            },
            line: nil, points: [],
            labels: bars.flatMap { bar in [
                ChartView.AxisLabel(x: PanelChart.number(frame.left - 8), y: PanelChart.number(bar.y + bar.height / 2 + 4),
                                    text: rows[bar.index].label, anchor: "end"),
                ChartView.AxisLabel(x: PanelChart.number(bar.x + bar.width + 6), y: PanelChart.number(bar.y + bar.height / 2 + 4),
                                    text: rows[bar.index].value, anchor: "start"),
            ] },
            columnHeader: "Outcome", valueHeader: "Calls", rows: rows)
    }

    /// The share of questions answered from the knowledge base, per day with questions.
    var answerRate: ChartView {
        line(id: "chart-answer-rate", title: "Questions answered per day",
             summary: "Share of callers' questions answered from the knowledge base each day (days without questions have no point).",
             values: days.map(\.knowledgeAnswerRate), lower: 0, upper: 1, ticks: [0, 0.5, 1],
             tick: { "\(Int($0 * 100))%" }, value: { "\(Int(($0 * 100).rounded()))%" }, valueHeader: "Answered")
    }

    /// The mean sentiment of the scored calls, per day with any.
    var sentimentTrend: ChartView {
        line(id: "chart-sentiment", title: "Sentiment per day",
             summary: "Average caller sentiment each day, from −1 (very negative) to +1 (very positive) (days without scored calls have no point).",
             values: days.map(\.sentimentMean), lower: -1, upper: 1, ticks: [-1, 0, 1],
             tick: { String(format: "%+.0f", $0).replacingOccurrences(of: "+0", with: "0") },
             value: { String(format: "%+.2f", $0) }, valueHeader: "Sentiment")
    }

    private func line(id: String, title: String, summary: String, values: [Double?], lower: Double, upper: Double,
                      ticks: [Double], tick: (Double) -> String, value: (Double) -> String, valueHeader: String) -> ChartView {
        let (chart, points) = PanelChart.line(values, lower: lower, upper: upper, tickValues: ticks)
        let rows = zip(days, values).map { bucket, measured in
            ChartView.TableRow(label: day(bucket), value: measured.map(value) ?? "—",
                               href: callsHref(from: day(bucket), to: day(bucket)))
        }
        return ChartView(
            id: id, title: title, summary: summary,
            width: PanelChart.number(chart.frame.width), height: PanelChart.number(chart.frame.height),
            gridlines: gridlines(chart, tick), bars: [],
            line: points.count > 1 ? PanelChart.polyline(points) : nil,
            points: points.map { point in
                .init(cx: PanelChart.number(point.x), cy: PanelChart.number(point.y), value: String(point.value),
                      href: rows[point.index].href, label: "\(rows[point.index].label): \(rows[point.index].value)")
            },
            labels: dayLabels(chart), columnHeader: "Day", valueHeader: valueHeader, rows: rows)
    }

    private func gridlines(_ chart: PanelChart, _ label: (Double) -> String) -> [ChartView.Gridline] {
        chart.ticks.map { tick in
            .init(x1: PanelChart.number(chart.frame.left), x2: PanelChart.number(chart.frame.width - chart.frame.right),
                  y: PanelChart.number(tick.y), label: label(tick.value),
                  labelX: PanelChart.number(chart.frame.left - 6), labelY: PanelChart.number(tick.y + 4))
        }
    }

    private func dayLabels(_ chart: PanelChart) -> [ChartView.AxisLabel] {
        PanelChart.labelledDays(count: days.count).map { index in
            .init(x: PanelChart.number(chart.bandCentre(index, of: days.count)),
                  y: PanelChart.number(chart.frame.height - 8), text: shortDay(days[index]), anchor: "middle")
        }
    }
}
