import Foundation

/// The machine a benchmark ran on, in one line: CPU model, cores, the widest float vectors it offers (what the
/// SIMD kernels built with `-target-cpu native` use) and the load average before the run.
enum BenchMachine {
    static func line() -> String {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        func field(_ name: String) -> String? {
            cpuinfo.split(separator: "\n").first { $0.hasPrefix(name) }
                .flatMap { $0.split(separator: ":", maxSplits: 1).last }
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let model = field("model name") ?? "unknown CPU"
        let flags = Set((field("flags") ?? "").split(separator: " ").map(String.init))
        let width = flags.contains("avx512f") ? "AVX-512, 16 floats per vector register"
            : flags.contains("avx2") ? "AVX2, 8 floats per vector register"
            : flags.contains("sse2") ? "SSE2, 4 floats per vector register"
            : flags.isEmpty ? "vector width unknown" : "no x86 vector extensions found"
        let load = ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "")
            .split(separator: " ").prefix(3).joined(separator: " ")
        return "machine: \(model), \(ProcessInfo.processInfo.activeProcessorCount) cores, vector width: \(width)"
            + (load.isEmpty ? "" : "; load average \(load) before the run")
    }
}
