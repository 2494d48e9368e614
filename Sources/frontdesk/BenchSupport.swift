import Foundation

/// Wall-clock timing for benchmarks: best of several runs, so a stray background task does not decide the figure.
enum Stopwatch {
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func best(of runs: Int, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<max(1, runs) { best = min(best, try seconds(body)) }
        return best
    }
}

/// A one-line progress bar on standard error (left alone when stderr is not a terminal, except for the end).
struct ProgressBar {
    let label: String
    let total: Int
    private var lastDrawn = -1
    private let interactive = isatty(STDERR_FILENO) != 0

    init(label: String, total: Int) {
        self.label = label
        self.total = max(1, total)
    }

    mutating func update(_ done: Int) {
        let percent = min(100, done * 100 / total)
        guard percent != lastDrawn else { return }
        lastDrawn = percent
        guard interactive || done >= total else { return }
        let width = 30
        let filled = percent * width / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = "\(label) [\(bar)] \(percent)% (\(done)/\(total))"
        FileHandle.standardError.write(Data(((interactive ? "\r" : "") + line + (done >= total ? "\n" : "")).utf8))
    }
}

/// Reads a JSON object written by scripts/bench_anchors.py; nil when the anchor was not run.
func readAnchor(_ url: URL) -> [String: Any]? {
    guard let data = try? Data(contentsOf: url) else { return nil }
    return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
}

func formatRate(_ value: Double) -> String {
    value >= 100 ? String(format: "%.0f", value) : String(format: "%.1f", value)
}

/// Prints rows as an aligned plain-text table.
func printTable(_ header: [String], _ rows: [[String]]) {
    let widths = header.indices.map { column in
        ([header] + rows).map { $0[column].count }.max() ?? 0
    }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { index, cell in
            index == 0 ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                : String(repeating: " ", count: widths[index] - cell.count) + cell
        }.joined(separator: "  ")
    }
    print(line(header))
    print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
    rows.forEach { print(line($0)) }
}

/// Raw little-endian Float32 matrices shared with the Python anchors (numpy `fromfile`).
enum Float32File {
    static func write(_ values: [Float], to url: URL) throws {
        try values.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: url, options: .atomic)
    }

    static func read(_ url: URL) throws -> [Float] {
        let data = try Data(contentsOf: url)
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }
}
