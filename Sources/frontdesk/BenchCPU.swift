import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// CPU time (user + system, seconds) of processes on this machine, from /proc: on a machine where the servers,
/// the database and the client share a few cores, CPU per turn says what a configuration costs and who spends it.
/// Linux only; elsewhere every figure is nan.
enum BenchCPU {
    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// One process's CPU time so far (its exited children not included), or nan.
    static func seconds(pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return .nan }
        return seconds(stat: stat)
    }

    /// This process (the bench's client).
    static func ownSeconds() -> Double { seconds(pid: getpid()) }

    /// Every process named `name` (e.g. `postgres`: a local server's postmaster and backends), added up. Processes
    /// that exited in between are missed, so measure over a steady pool of connections.
    static func seconds(named name: String) -> Double {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return .nan }
        var total = 0.0
        for entry in entries where entry.allSatisfy(\.isNumber) {
            guard let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")"),
                  stat[stat.index(after: open)..<close] == name
            else { continue }
            let value = seconds(stat: stat)
            if !value.isNaN { total += value }
        }
        return total
    }

    /// `utime` + `stime` (fields 14 and 15) of a /proc/PID/stat line; the command name may hold spaces, so count
    /// from the last ")".
    private static func seconds(stat: String) -> Double {
        guard let close = stat.lastIndex(of: ")") else { return .nan }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return .nan }
        return (user + system) / ticksPerSecond
    }
}
