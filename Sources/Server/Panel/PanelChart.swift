import Foundation

/// The geometry of the overview's SVG charts, with no drawing in it: values in, coordinates out, in the units of
/// the chart's `viewBox` (y grows downwards, as in SVG). The template only places what this computes, so every
/// number a chart shows is checked by unit tests here and not in markup.
struct PanelChart: Equatable {
    /// The whole drawing and the plot area inside it (margins hold the axis labels).
    struct Frame: Equatable {
        var width = 640.0
        var height = 220.0
        var left = 44.0
        var right = 8.0
        var top = 10.0
        var bottom = 26.0

        var plotWidth: Double { width - left - right }
        var plotHeight: Double { height - top - bottom }
        /// The y of the plot's bottom edge (the value axis' lower end).
        var baseline: Double { top + plotHeight }
    }

    /// A value axis from `lower` to `upper` mapped onto the plot's height.
    struct Scale: Equatable {
        var lower: Double
        var upper: Double

        /// The y of `value` in `frame` (clamped to the axis).
        func y(_ value: Double, in frame: Frame) -> Double {
            let span = upper - lower
            guard span > 0 else { return frame.baseline }
            let share = min(1, max(0, (value - lower) / span))
            return frame.baseline - share * frame.plotHeight
        }
    }

    /// A horizontal grid line with its value.
    struct Tick: Equatable {
        var value: Double
        var y: Double
    }

    /// One column (or row) of a bar chart, `value` drawn `height` (or `width`) long.
    struct Bar: Equatable {
        var index: Int
        var value: Double
        var x: Double
        var y: Double
        var width: Double
        var height: Double
    }

    /// One value of a line series at the middle of its day's band.
    struct Point: Equatable {
        var index: Int
        var value: Double
        var x: Double
        var y: Double
    }

    let frame: Frame
    let scale: Scale
    let ticks: [Tick]

    /// Share of a band a bar covers; the rest is the gap between bars.
    static let barShare = 0.8

    // MARK: Scales

    /// A count axis from 0 to a round top at or above `maximum`, in steps of 1, 2 or 5 × 10ⁿ (never below 1, so
    /// counts get whole ticks), with at most `targetTicks` + 1 lines. No calls at all is the axis 0…1, never 0…0.
    static func countScale(maximum: Double, targetTicks: Int = 4) -> (scale: Scale, step: Double) {
        guard maximum > 0, maximum.isFinite else { return (Scale(lower: 0, upper: 1), 1) }
        let raw = maximum / Double(max(1, targetTicks))
        let magnitude = pow(10, floor(log10(raw)))
        let step = max(1, [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude)
        return (Scale(lower: 0, upper: (maximum / step).rounded(.up) * step), step)
    }

    // MARK: Charts

    /// Vertical bars, one per value in order, on a count axis: heights are proportional to the values.
    static func columns(_ values: [Double], frame: Frame = Frame()) -> (chart: PanelChart, bars: [Bar]) {
        let (scale, step) = countScale(maximum: values.max() ?? 0)
        let chart = PanelChart(frame: frame, scale: scale, ticks: ticks(scale, step: step, frame: frame))
        let band = frame.plotWidth / Double(max(1, values.count))
        let bars = values.enumerated().map { index, value in
            let top = scale.y(value, in: frame)
            return Bar(index: index, value: value, x: frame.left + Double(index) * band + band * (1 - barShare) / 2,
                       y: top, width: band * barShare, height: frame.baseline - top)
        }
        return (chart, bars)
    }

    /// Horizontal bars, one row per value from the top: widths are proportional to the values (the axis runs
    /// along x here, so `ticks` are empty and `x`/`width` carry the value).
    static func rows(_ values: [Double], frame: Frame) -> (chart: PanelChart, bars: [Bar]) {
        let (scale, _) = countScale(maximum: values.max() ?? 0)
        let band = frame.plotHeight / Double(max(1, values.count))
        let bars = values.enumerated().map { index, value in
            let length = scale.upper > 0 ? min(1, max(0, value / scale.upper)) * frame.plotWidth : 0
            return Bar(index: index, value: value, x: frame.left, y: frame.top + Double(index) * band + band * (1 - barShare) / 2,
                       width: length, height: band * barShare)
        }
        return (PanelChart(frame: frame, scale: scale, ticks: []), bars)
    }

    /// A line over `count` day bands on a fixed axis `lower…upper` (a rate 0…1, a sentiment −1…1): a point for each
    /// day with a value, none for a day without (nil is "nothing to measure", not zero). `tickValues` are the grid.
    static func line(_ values: [Double?], lower: Double, upper: Double, tickValues: [Double],
                     frame: Frame = Frame()) -> (chart: PanelChart, points: [Point]) {
        let scale = Scale(lower: lower, upper: upper)
        let chart = PanelChart(frame: frame, scale: scale, ticks: tickValues.map { Tick(value: $0, y: scale.y($0, in: frame)) })
        let band = frame.plotWidth / Double(max(1, values.count))
        let points = values.enumerated().compactMap { index, value in
            value.map { Point(index: index, value: $0, x: frame.left + (Double(index) + 0.5) * band, y: scale.y($0, in: frame)) }
        }
        return (chart, points)
    }

    /// SVG `points` of a polyline through `points` ("x,y x,y …").
    static func polyline(_ points: [Point]) -> String {
        points.map { "\(number($0.x)),\(number($0.y))" }.joined(separator: " ")
    }

    /// Which of `count` day bands get a label under the axis: every `k`-th from the first, so at most `maximum`
    /// labels fit (a 30-day range labels every 4th day, a week every day).
    static func labelledDays(count: Int, maximum: Int = 8) -> [Int] {
        guard count > 0 else { return [] }
        let every = max(1, Int((Double(count) / Double(max(1, maximum))).rounded(.up)))
        return Array(stride(from: 0, to: count, by: every))
    }

    /// The x of the middle of band `index` of `count`.
    func bandCentre(_ index: Int, of count: Int) -> Double {
        frame.left + (Double(index) + 0.5) * frame.plotWidth / Double(max(1, count))
    }

    /// A coordinate as SVG text: one decimal, no trailing ".0" noise beyond it, never "-0.0".
    static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == 0 ? "0" : String(format: "%.1f", rounded)
    }

    private static func ticks(_ scale: Scale, step: Double, frame: Frame) -> [Tick] {
        stride(from: scale.lower, through: scale.upper + step / 2, by: step).map { Tick(value: $0, y: scale.y($0, in: frame)) }
    }
}
