import Foundation
import Testing
@testable import Server

/// The overview charts' geometry: axes, bar heights and widths, line points, day labels.
@Suite struct PanelChartTests {
    @Test func countAxesAreRoundAndNeverEmpty() {
        #expect(PanelChart.countScale(maximum: 0).scale == .init(lower: 0, upper: 1))
        #expect(PanelChart.countScale(maximum: 1).scale.upper == 1)
        for (maximum, top, step) in [(7.0, 8.0, 2.0), (37, 40, 10), (3_412, 4_000, 1_000)] {
            let (scale, chosen) = PanelChart.countScale(maximum: maximum)
            #expect(scale == PanelChart.Scale(lower: 0, upper: top), "\(maximum)")
            #expect(chosen == step, "\(maximum)")
        }
        #expect(PanelChart.countScale(maximum: .nan).scale.upper == 1)
    }

    @Test func columnsAreProportionalAndFillTheirBands() {
        let frame = PanelChart.Frame()
        let (chart, bars) = PanelChart.columns([3, 0, 1, 6], frame: frame)
        #expect(chart.scale.upper == 6)
        #expect(chart.ticks.map(\.value) == [0, 2, 4, 6])
        #expect(chart.ticks.first?.y == frame.baseline)
        #expect(chart.ticks.last?.y == frame.top)
        for (bar, value) in zip(bars, [3.0, 0, 1, 6]) {
            #expect(abs(bar.height - value / 6 * frame.plotHeight) < 1e-9)
            #expect(abs(bar.y + bar.height - frame.baseline) < 1e-9)
        }
        let band = frame.plotWidth / 4
        for (index, bar) in bars.enumerated() { #expect(abs(bar.x - (frame.left + Double(index) * band + band * 0.1)) < 1e-9) }
        #expect(bars.allSatisfy { abs($0.width - band * 0.8) < 1e-9 })
        #expect(bars.last!.x + bars.last!.width <= frame.width - frame.right)
    }

    @Test func noValuesOrOnlyZerosDrawNothingAndDivideByNothing() {
        let (chart, bars) = PanelChart.columns([0, 0, 0])
        #expect(bars.allSatisfy { $0.height == 0 && $0.y == chart.frame.baseline })
        #expect(PanelChart.columns([]).bars.isEmpty)
        let (_, rows) = PanelChart.rows([0, 0], frame: PanelChart.Frame())
        #expect(rows.allSatisfy { $0.width == 0 })
        #expect(PanelChart.line([], lower: 0, upper: 1, tickValues: []).points.isEmpty)
        #expect(PanelChart.labelledDays(count: 0).isEmpty)
    }

    @Test func rowsAreProportionalAlongX() {
        let frame = PanelChart.Frame(width: 400, height: 100, left: 100, right: 20, top: 0, bottom: 0)
        let (_, bars) = PanelChart.rows([2, 5, 10], frame: frame)
        #expect(bars.map(\.width) == [56, 140, 280])
        #expect(bars.map(\.x) == [100, 100, 100])
        for (index, bar) in bars.enumerated() { #expect(abs(bar.y - (Double(index) * 100 / 3 + 100.0 / 3 * 0.1)) < 1e-9) }
    }

    @Test func linesSkipDaysWithoutAValueAndClampToTheirAxis() {
        let frame = PanelChart.Frame(width: 140, height: 120, left: 20, right: 0, top: 10, bottom: 10)
        let (chart, points) = PanelChart.line([0.5, nil, 1, 1.5, -1], lower: -1, upper: 1, tickValues: [-1, 0, 1], frame: frame)
        #expect(chart.ticks.map(\.y) == [110, 60, 10])
        #expect(points.map(\.index) == [0, 2, 3, 4])
        #expect(points.map(\.x) == [32, 80, 104, 128])
        #expect(points.map(\.y) == [35, 10, 10, 110], "0.5 is a quarter down; 1.5 is drawn at the top")
        #expect(PanelChart.polyline(Array(points.prefix(2))) == "32.0,35.0 80.0,10.0")
    }

    @Test func dayLabelsThinOutSoTheyFit() {
        #expect(PanelChart.labelledDays(count: 1) == [0])
        #expect(PanelChart.labelledDays(count: 7) == Array(0..<7))
        #expect(PanelChart.labelledDays(count: 30) == [0, 4, 8, 12, 16, 20, 24, 28])
        #expect(PanelChart.labelledDays(count: 366).count <= 8)
        let chart = PanelChart.columns([1, 1]).chart
        #expect(chart.bandCentre(0, of: 2) == chart.frame.left + chart.frame.plotWidth / 4)
    }

    @Test func coordinatesAreWrittenWithOneDecimal() {
        #expect(PanelChart.number(12.345) == "12.3")
        #expect(PanelChart.number(-0.04) == "0")
        #expect(PanelChart.number(0) == "0")
        #expect(PanelChart.number(186) == "186.0")
    }
}
