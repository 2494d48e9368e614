import Foundation

/// Everything `frontdesk serve` and the tests configure, with defaults. Filled in one place:
/// flags (the `serve` command) > environment (`init(environment:)`) > the defaults below.
public struct AppConfig: Sendable {
    /// Address to listen on. Env `FRONTDESK_HOST`.
    public var host = "127.0.0.1"
    /// TCP port; 0 picks a free one. Env `FRONTDESK_PORT`.
    public var port = 8080
    /// Directory holding model.safetensors, vocab.txt and config.json. Env `FRONTDESK_MODEL_DIR`.
    public var modelDirectory = ".models/all-MiniLM-L6-v2"
    /// SQLite database file (WAL; `-wal`/`-shm` files sit next to it). Env `FRONTDESK_DB`.
    public var databasePath = "./frontdesk.sqlite"
    /// PostgreSQL instead of SQLite (`postgres://user[:password]@host[:port]/database[?sslmode=…]`), for several
    /// nodes behind a load balancer on one database. Env `FRONTDESK_DATABASE_URL`; unset: SQLite at `databasePath`.
    public var databaseURL: String?
    /// Connections this node's PostgreSQL pool may open (the listener uses one more). Env
    /// `FRONTDESK_DATABASE_POOL`; default 20. Keep nodes × (pool + 1) under the server's `max_connections`.
    public var databasePoolSize = 20
    /// How long a claimed job may run before another node (or this one, restarted) takes it over as abandoned.
    /// Env `FRONTDESK_JOB_LEASE_SECONDS`; default 300. Longer than the slowest job (a Twilio request times out in 30 s).
    public var jobLeaseSeconds = 300
    /// The operator key for `/v1/admin/...`. Env `FRONTDESK_ADMIN_KEY`. When unset on first start a key is
    /// generated and printed once; only its hash is stored.
    public var adminKey: String?
    /// The URL Twilio and browsers use to reach this server (behind a proxy). Env `FRONTDESK_PUBLIC_BASE_URL`.
    public var publicBaseURL: String?
    /// Threads each query embedding uses (OpenBLAS itself runs single-threaded). Env `FRONTDESK_EMBED_THREADS`;
    /// default: half the cores (at least 1, at most 4). A query alone is faster on more threads (1.7 ms on 2 vs
    /// 2.8 ms on 1 here), but under concurrent calls a pass split over every core waits for threads busy with
    /// other requests: at 100 simulated calls on 2 cores, turn p95 was 31 ms with 2 threads and 18 ms with 1.
    public var embedThreads = min(max(1, ProcessInfo.processInfo.activeProcessorCount / 2), 4)
    /// A folder of sample businesses (`<slug>/business.json` + `knowledge.jsonl`) loaded at start-up when the
    /// database does not have them yet. Env `FRONTDESK_DEMO_CORPORA`; `make serve` passes `corpora`.
    public var demoCorporaDirectory: String?
    /// The Twilio account auth token that signs webhooks (`X-Twilio-Signature`). Env `FRONTDESK_TWILIO_AUTH_TOKEN`.
    /// A business may carry its own token, which takes precedence for its numbers.
    public var twilioAuthToken: String?
    /// Whether Twilio webhooks must carry a valid signature. Env `FRONTDESK_TWILIO_VERIFY`, `on` (default) or
    /// `off`; turn it off only for local testing with hand-made requests.
    public var twilioVerify = true
    /// The Twilio account SID (`AC` + 32 hex digits) outbound texts are sent with, using `twilioAuthToken`.
    /// Env `FRONTDESK_TWILIO_ACCOUNT_SID`; without it (or without the token) texts stay queued in the outbox.
    public var twilioAccountSid: String?
    /// The pacing of outbound calls for the whole Twilio account, held across nodes (``OutboundLimits``).
    /// Env `FRONTDESK_OUTBOUND_CALLS_PER_SECOND` (default 1, Twilio's default CPS; 0.01–100) and
    /// `FRONTDESK_OUTBOUND_MAX_CONCURRENT_CALLS` (default 10; 1–1000).
    public var outboundLimits = OutboundLimits.default
    /// Base URL of Twilio's REST API. Env `FRONTDESK_TWILIO_API_BASE_URL`; tests point it at a local stand-in.
    public var twilioAPIBaseURL = "https://api.twilio.com"
    /// The OpenAI-compatible model that rephrases grounded answers for the phone, or nil to speak the extractive
    /// answer as is. Env `FRONTDESK_LLM_BASE_URL`, `FRONTDESK_LLM_MODEL`, `FRONTDESK_LLM_API_KEY`,
    /// `FRONTDESK_LLM_TIMEOUT_MS` (see ``LLMConfig``).
    public var llm: LLMConfig?

    /// IP addresses of the reverse proxies in front of this server, whose `X-Forwarded-For` is believed when the web
    /// chat widget counts new conversations and the panel throttles sign-ins per client address. Env
    /// `FRONTDESK_TRUSTED_PROXIES` (comma-separated); empty (the default): the peer's address, and `X-Forwarded-For`
    /// is ignored (any client can send it).
    public var trustedProxies: [String] = []
    /// The web panel's folder: `templates/` (Mustache, loaded once at start-up) and `static/` (served at
    /// `/app/static`). Env `FRONTDESK_PANEL_DIR`; default `panel`, relative to the working directory (the repository's
    /// root for `make serve`). Without it the panel answers 503 and the API works as ever (docs/panel.md).
    public var panelDirectory = "panel"
    /// bcrypt's cost (log₂ rounds) for new panel passwords. Env `FRONTDESK_BCRYPT_COST`, 4–31; default 12 (about a
    /// quarter of a second per hash here). Stored hashes keep the cost they were made with; lower it only for tests.
    public var bcryptCost: UInt8 = 12

    /// Our labelled call-centre sentences the sentiment model is trained from (at first use, in seconds). Without
    /// the file, sentiment uses the lexicon alone. Env `FRONTDESK_SENTIMENT_TRAINING`.
    public var sentimentTrainingFile = "corpora/sentiment/train.jsonl"

    public init() {}

    /// Defaults overridden by the `FRONTDESK_*` variables that are set and not empty.
    public init(environment: [String: String]) throws {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let host = value("FRONTDESK_HOST") { self.host = host }
        if let port = value("FRONTDESK_PORT") {
            guard let number = Int(port), (0...65535).contains(number) else {
                throw ConfigError(message: "FRONTDESK_PORT must be a port number 0–65535, got \"\(port)\"")
            }
            self.port = number
        }
        if let directory = value("FRONTDESK_MODEL_DIR") { modelDirectory = directory }
        if let path = value("FRONTDESK_DB") { databasePath = path }
        databaseURL = value("FRONTDESK_DATABASE_URL")
        if let pool = value("FRONTDESK_DATABASE_POOL") {
            guard let number = Int(pool), (1...500).contains(number) else {
                throw ConfigError(message: "FRONTDESK_DATABASE_POOL must be 1–500, got \"\(pool)\"")
            }
            databasePoolSize = number
        }
        if let lease = value("FRONTDESK_JOB_LEASE_SECONDS") {
            guard let number = Int(lease), (1...86_400).contains(number) else {
                throw ConfigError(message: "FRONTDESK_JOB_LEASE_SECONDS must be 1–86400, got \"\(lease)\"")
            }
            jobLeaseSeconds = number
        }
        if let threads = value("FRONTDESK_EMBED_THREADS") {
            guard let number = Int(threads), (1...64).contains(number) else {
                throw ConfigError(message: "FRONTDESK_EMBED_THREADS must be 1–64, got \"\(threads)\"")
            }
            embedThreads = number
        }
        adminKey = value("FRONTDESK_ADMIN_KEY")
        publicBaseURL = value("FRONTDESK_PUBLIC_BASE_URL")
        demoCorporaDirectory = value("FRONTDESK_DEMO_CORPORA")
        if let file = value("FRONTDESK_SENTIMENT_TRAINING") { sentimentTrainingFile = file }
        twilioAuthToken = value("FRONTDESK_TWILIO_AUTH_TOKEN")
        if let verify = value("FRONTDESK_TWILIO_VERIFY") {
            switch verify {
            case "on": twilioVerify = true
            case "off": twilioVerify = false
            default: throw ConfigError(message: "FRONTDESK_TWILIO_VERIFY must be \"on\" or \"off\", got \"\(verify)\"")
            }
        }
        if let sid = value("FRONTDESK_TWILIO_ACCOUNT_SID") {
            guard Self.isAccountSid(sid) else {
                throw ConfigError(message: "FRONTDESK_TWILIO_ACCOUNT_SID must be \"AC\" followed by 32 hex digits, got \"\(sid.prefix(8))…\"")
            }
            twilioAccountSid = sid
        }
        if let base = value("FRONTDESK_TWILIO_API_BASE_URL") {
            guard let url = URL(string: base), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
                  url.host?.isEmpty == false
            else {
                throw ConfigError(message: "FRONTDESK_TWILIO_API_BASE_URL must be an http(s) URL, got \"\(base)\"")
            }
            twilioAPIBaseURL = base
        }
        if let rate = value("FRONTDESK_OUTBOUND_CALLS_PER_SECOND") {
            guard let number = Double(rate), number.isFinite, OutboundLimits.callsPerSecondRange.contains(number) else {
                throw ConfigError(message: "FRONTDESK_OUTBOUND_CALLS_PER_SECOND must be a number 0.01–100, got \"\(rate)\"")
            }
            outboundLimits.callsPerSecond = number
        }
        if let limit = value("FRONTDESK_OUTBOUND_MAX_CONCURRENT_CALLS") {
            guard let number = Int(limit), OutboundLimits.maxConcurrentCallsRange.contains(number) else {
                throw ConfigError(message: "FRONTDESK_OUTBOUND_MAX_CONCURRENT_CALLS must be 1–1000, got \"\(limit)\"")
            }
            outboundLimits.maxConcurrentCalls = number
        }
        if let proxies = value("FRONTDESK_TRUSTED_PROXIES") {
            let addresses = proxies.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if let bad = addresses.first(where: { ClientAddressResolver.normalizedIP($0) == nil }) {
                throw ConfigError(message: "FRONTDESK_TRUSTED_PROXIES must list IP addresses separated by commas, got \"\(bad)\"")
            }
            trustedProxies = addresses
        }
        if let directory = value("FRONTDESK_PANEL_DIR") { panelDirectory = directory }
        if let cost = value("FRONTDESK_BCRYPT_COST") {
            guard let number = UInt8(cost), (4...31).contains(number) else {
                throw ConfigError(message: "FRONTDESK_BCRYPT_COST must be 4–31, got \"\(cost)\"")
            }
            bcryptCost = number
        }
        llm = try LLMConfig(environment: value)
    }
}

extension AppConfig {
    /// Browsers reach this server over https (the public URL says so): the panel's cookies are `Secure`.
    var servesHTTPS: Bool {
        publicBaseURL.flatMap { URL(string: $0)?.scheme?.lowercased() } == "https"
    }

    /// `AC` followed by 32 hex digits, the shape of every Twilio account SID.
    static func isAccountSid(_ text: String) -> Bool {
        text.count == 34 && text.hasPrefix("AC") && text.dropFirst(2).allSatisfy(\.isHexDigit)
    }
}

/// A configuration value that cannot be used; the message names the setting.
public struct ConfigError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
