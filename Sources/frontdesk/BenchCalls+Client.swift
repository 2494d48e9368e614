import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ArgumentParser
import Server

/// Signs and posts Twilio webhooks the way Twilio does, and reads the server's turn-duration totals.
struct WebhookClient: Sendable {
    let baseURL: String
    let authToken: String
    let session: URLSession

    init(baseURL: String, authToken: String, maxConnections: Int) {
        self.baseURL = baseURL
        self.authToken = authToken
        let configuration = URLSessionConfiguration.ephemeral
        // Foundation's default (6 per host) would queue the calls in the client and hide the server's concurrency.
        configuration.httpMaximumConnectionsPerHost = maxConnections
        configuration.timeoutIntervalForRequest = 60
        session = URLSession(configuration: configuration)
    }

    /// Posts one signed webhook; the time is from sending to the whole reply, in ms. An error is a failed request,
    /// a status other than 200, or a body that is not TwiML.
    func post(_ path: String, _ parameters: FormParameters, idempotencyToken: String) async -> (milliseconds: Double, error: String?) {
        let url = baseURL + path
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue(TwilioSignatureValidator(authToken: authToken).signature(url: url, parameters: parameters),
                         forHTTPHeaderField: "X-Twilio-Signature")
        request.setValue(idempotencyToken, forHTTPHeaderField: "I-Twilio-Idempotency-Token")
        request.httpBody = Data(parameters.formEncoded.utf8)
        let t0 = DispatchTime.now().uptimeNanoseconds
        do {
            let (data, response) = try await session.data(for: request)
            let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            let body = String(decoding: data, as: UTF8.self)
            guard status == 200 else { return (milliseconds, "HTTP \(status): \(body.prefix(200))") }
            guard body.contains("<Response") else { return (milliseconds, "not TwiML: \(body.prefix(200))") }
            return (milliseconds, nil)
        } catch {
            return (Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6, "\(error)")
        }
    }

    /// Every `_sum` and `_count` series of `/metrics`, by name with labels.
    func metrics() async throws -> MetricsSnapshot {
        let (data, _) = try await session.data(from: URL(string: baseURL + "/metrics")!)
        var values: [String: Double] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            let series = String(line[..<space])
            if series.contains("_sum") || series.contains("_count") { values[series] = value }
        }
        return MetricsSnapshot(values: values)
    }
}

/// Prometheus sums and counts at one moment; two snapshots give a level's means.
struct MetricsSnapshot {
    let values: [String: Double]

    /// The sum over series named `name` whose labels contain `label` (any when nil).
    func total(_ name: String, label: String? = nil) -> Double {
        values.filter { key, _ in
            (key == name || key.hasPrefix(name + "{")) && (label.map { key.contains($0) } ?? true)
        }.values.reduce(0, +)
    }

    /// Mean of a histogram between `before` and this snapshot (its unit), nan without observations.
    func mean(_ histogram: String, label: String? = nil, since before: MetricsSnapshot) -> (mean: Double, count: Double) {
        let count = total(histogram + "_count", label: label) - before.total(histogram + "_count", label: label)
        let sum = total(histogram + "_sum", label: label) - before.total(histogram + "_sum", label: label)
        return (count > 0 ? sum / count : .nan, count)
    }
}

/// Set once the server announces that it listens.
final class ReadyFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var ready = false
    func set() { lock.withLock { ready = true } }
    func wait(seconds: Int) async throws {
        for _ in 0..<(seconds * 20) {
            if lock.withLock({ ready }) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ValidationError("the server did not start within \(seconds) s")
    }
}
