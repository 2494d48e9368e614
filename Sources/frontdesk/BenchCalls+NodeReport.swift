import Foundation

/// The tables and verdicts of `bench calls --database-url`.
extension BenchCallsCommand {
    func printNodeReport(_ results: [NodeLevelResult], levels: [Int]) {
        func anchor(_ level: Int) -> NodeLevelResult? {
            results.first { $0.level == level && $0.configuration.database == .sqlite }
        }
        func oneNode(_ level: Int) -> NodeLevelResult? {
            results.first { $0.level == level && $0.configuration.database != .sqlite && $0.configuration.nodes == 1 }
        }
        func times(_ value: Double, _ reference: Double?) -> String {
            guard let reference, reference > 0, !value.isNaN, !reference.isNaN else { return "-" }
            return String(format: "%.2f×", value / reference)
        }
        let ordered = levels.flatMap { level in results.filter { $0.level == level } }

        print("\nturns = /twilio/voice + /twilio/gather; server = call_turns.latency_ms read back through the backend's call "
              + "repository (arrival to reply, before the commit); mean incl. commit: a gather's mean from every node's /metrics, "
              + "of which write = that mean − the gathers' mean latency_ms (writing and committing the turn); "
              + "× SQLite = this figure ÷ the SQLite anchor's at the same level")
        printTable(["configuration", "calls", "turns", "errors", "client p50", "p95", "p99",
                    "server p50", "p95", "p99", "p95 × SQLite", "mean incl. commit", "of which write"],
                   ordered.map { result in
                       [result.configuration.label, "\(result.level)", "\(result.run.turns)", "\(result.run.errors)",
                        Self.ms(result.client(0.5)), Self.ms(result.client(0.95)), Self.ms(result.client(0.99)),
                        Self.ms(result.server(0.5)), Self.ms(result.server(0.95)), Self.ms(result.server(0.99)),
                        result.configuration.database == .sqlite ? "anchor" : times(result.server(0.95), anchor(result.level)?.server(0.95)),
                        Self.ms(result.meanWithCommit), Self.ms(result.meanWithCommit - result.gatherMean)]
                   })

        print("\nthroughput: turns answered per second of the level's wall time, overall and per node (turns the client "
              + "sent to it); × 1 node = this configuration's turns/s ÷ PostgreSQL 1 node's")
        printTable(["configuration", "calls", "seconds", "turns/s", "× SQLite", "per node", "× 1 node"],
                   ordered.map { result in
                       let perNode = result.run.turnsPerNode.map { formatRate(Double($0) / result.seconds) }.joined(separator: " + ")
                       let isAnchor = result.configuration.database == .sqlite
                       return [result.configuration.label, "\(result.level)", String(format: "%.1f", result.seconds),
                               formatRate(result.turnsPerSecond),
                               isAnchor ? "anchor" : times(result.turnsPerSecond, anchor(result.level)?.turnsPerSecond), perNode,
                               isAnchor || result.configuration.nodes == 1 ? "-"
                                   : times(result.turnsPerSecond, oneNode(result.level)?.turnsPerSecond)]
                   })

        print("\nCPU per turn (user + system, from /proc, over the level): the node processes, the local PostgreSQL "
              + "server's processes, the bench's client; cores busy = all three ÷ wall time (other work on the machine "
              + "not counted); db transactions per turn from pg_stat_database (≈: sessions report within seconds)")
        printTable(["configuration", "calls", "nodes", "PostgreSQL", "client", "total", "cores busy", "db transactions / turn"],
                   ordered.map { result in
                       let turns = Double(max(1, result.run.turns))
                       let total = result.cpu.nodes + (result.cpu.postgres ?? 0) + result.cpu.client
                       func perTurn(_ seconds: Double?) -> String { seconds.map { Self.ms($0 * 1000 / turns) } ?? "-" }
                       return [result.configuration.label, "\(result.level)", perTurn(result.cpu.nodes), perTurn(result.cpu.postgres),
                               perTurn(result.cpu.client), perTurn(total), String(format: "%.2f", total / result.seconds),
                               result.transactions.map { String(format: "≈ %.1f", Double($0) / turns) } ?? "-"]
                   })

        print("\ntargets (issue 11): p95 ≤ 25 ms on one PostgreSQL node at 100 calls; N nodes ≥ 1.7× one node's turns/s at the same p95")
        func verdict(_ pass: Bool) -> String { pass ? "PASS" : "MISS" }
        for result in ordered {
            let p95 = result.server(0.95)
            var line = "\(result.configuration.label), \(result.level) calls: server p95 \(Self.ms(p95))"
            if result.configuration.database != .sqlite, result.configuration.nodes == 1 {
                line += " ≤ 25 ms \(verdict(p95 <= Self.targetP95))"
            }
            if result.configuration.nodes > 1, let one = oneNode(result.level) {
                let ratio = result.turnsPerSecond / one.turnsPerSecond
                line += String(format: ", %.2f×", ratio)
                    + " one node's turns/s ≥ 1.7× \(verdict(ratio >= 1.7)) (one node's p95 \(Self.ms(one.server(0.95))))"
            }
            line += ", \(result.run.errors) errors \(verdict(result.run.errors == 0))"
            if result.server.count != result.run.turns { line += " (server rows \(result.server.count) ≠ turns \(result.run.turns))" }
            print(line)
            if let first = result.run.firstError { print("  first error: \(first)") }
        }
        if thinkMs > 0, results.contains(where: { $0.configuration.nodes > 1 }) {
            print("""
                note: with think time the callers, not the servers, set the pace (about calls × 1000 ÷ \(thinkMs) turns/s): \
                every configuration that keeps up shows the same turns/s, so the N-node ratio measures scale-out only \
                when the nodes are saturated (--think-ms 0).
                """)
        }
    }
}
