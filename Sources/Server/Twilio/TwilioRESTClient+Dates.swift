import Foundation

extension TwilioRESTClient {
    /// Reads a `Retry-After` header: delta-seconds (`"120"`) or an HTTP date (`"Wed, 21 Oct 2026 07:28:00 GMT"`),
    /// the latter measured from the response's own `Date` header when it has one (so our clock's skew does not
    /// matter), else from `now`. A date in the past is zero; anything else unreadable is nil.
    static func retryAfter(_ value: String, responseDate: String?, now: Date) -> Duration? {
        let value = value.trimmingCharacters(in: .whitespaces)
        if !value.isEmpty, value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            return Int(value).map { .seconds($0) }
        }
        guard let until = httpDate(value) else { return nil }
        let from = responseDate.flatMap(httpDate) ?? now
        return .milliseconds(max(0, Int((until.timeIntervalSince(from) * 1000).rounded())))
    }

    /// Parses the dates Twilio writes: RFC 2822 in its resources (`Thu, 24 Aug 2023 05:01:45 +0000`) and the
    /// HTTP date in headers (`Thu, 24 Aug 2023 05:01:45 GMT`).
    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss Z", "EEE, dd MMM yyyy HH:mm:ss zzz"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text.trimmingCharacters(in: .whitespaces)) { return date }
        }
        return nil
    }
}
