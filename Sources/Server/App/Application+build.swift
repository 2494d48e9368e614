import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import VectorIndex

/// Why the server would not start: the message says what to do about it.
public struct StartupError: Error, CustomStringConvertible {
    public let description: String
}

/// Everything the routes use, assembled once by `buildApplication`.
struct AppServices: Sendable {
    /// The database: SQLite (one process) or PostgreSQL (several nodes).
    let storage: any StorageBackend
    let businesses: any BusinessRepository
    let apiKeys: any APIKeyRepository
    let adminKeys: any AdminKeyStore
    let knowledgeRepository: any KnowledgeRepository
    let knowledge: KnowledgeService
    let embedder: MiniLMEmbedder
    /// This application's metrics registry; never the process-global `MetricsSystem`.
    let metrics: AppMetrics
    let calls: any CallRepository
    let callService: CallService
    let twilio: TwilioVerification
    let jobs: any WorkQueue
    /// Runs `jobs` as a service of the application (started by `buildApplication`, not by router tests, which call
    /// `runDue(now:)` themselves).
    let jobRunner: JobRunner
    let sentiment: SentimentService
    let customers: any CustomerRepository
    let appointments: any AppointmentRepository
    /// Texts going out: queued in the outbox, delivered by the work queue's `sms.send` jobs.
    let smsOutbox: SMSOutbox
    let reminders: ReminderService
    /// The clock of CRM rules (bookings in the past, availability); tests inject their own.
    let now: @Sendable () -> Date
    /// The durable event log (read side; writes append their events in their own transactions).
    let events: any EventLog
    /// Runs the event consumers (owner alerts, post-call work, reminders) as a service of the application;
    /// router tests call `drainAll()` themselves.
    let eventConsumers: EventConsumerRunner
    /// Places calls through Twilio (the `call.create` job).
    let outboundCalls: OutboundCalls
    /// The maintenance booking loop (offers, replies, timers, escalation).
    let dispatch: DispatchService
    /// Dials running campaigns (a periodic task of the job runner; tests call `run()` with their clock).
    let campaignDialer: CampaignDialer
    /// Every repository, on the one backend (the fields above are its members, kept for existing callers).
    let repositories: Repositories
    /// Several nodes (PostgreSQL): keeps the knowledge indexes in step with other nodes' edits.
    let knowledgeSync: KnowledgeSync?
    /// Whether this node runs the periodic tasks and the event consumers (the leader lease).
    let leader: LeaderElection
    /// The web chat widget's conversations, answered by `callService`.
    let widget: WidgetService
    /// Whose `X-Forwarded-For` the widget believes (`FRONTDESK_TRUSTED_PROXIES`).
    let clientAddresses: ClientAddressResolver
    /// For the widget snippet's script URL.
    let publicBaseURL: String?
    /// The web panel: its templates, accounts, sessions and sign-in throttle.
    let panel: PanelServices
}

/// Builds the whole application — model, database, services, router — for `frontdesk serve` and the tests alike.
///
/// - Parameters:
///   - announce: where one-time secrets are shown (a generated admin key, demo businesses' API keys); standard
///     output by default, never the log.
public func buildApplication(
    _ config: AppConfig, logger: Logger = Logger(label: "frontdesk"),
    announce: @escaping @Sendable (String) -> Void = { line in
        // Unbuffered (print is block-buffered when piped): a supervisor or test must see the line now.
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
) async throws -> some ApplicationProtocol {
    let services = try await makeServices(config, logger: logger, announce: announce)
    let router = buildRouter(services, logger: logger)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "frontdesk"),
        // Shut down in reverse order: the HTTP server, then the job runner (its current job finishes), then the
        // embedding threads and the database.
        services: [ShutdownService(storage: services.storage, queues: [services.knowledge.queryEmbedder, services.knowledge.bulkEmbedder], logger: logger)]
            + services.storage.services + [services.leader, services.jobRunner, services.eventConsumers]
            + (services.knowledgeSync.map { [$0] } ?? []),
        onServerRunning: { channel in
            // Printed (not only logged) so scripts and the live tests can find a port chosen with --port 0.
            let port = channel.localAddress?.port ?? config.port
            announce("FrontDesk listening on http://\(config.host):\(port)")
        },
        logger: logger
    )
    if let directory = config.demoCorporaDirectory {
        app.beforeServerStarts {
            try await DemoCorpora(directory: URL(fileURLWithPath: directory, isDirectory: true), services: services, logger: logger)
                .load(announce: announce)
        }
    }
    return app
}

/// - Parameters:
///   - now: the services' clock; `sleep`: how a placed call waits for its dial slot. A simulation on a virtual clock
///     (`frontdesk bench campaign`) passes its own of both.
func makeServices(_ config: AppConfig, logger: Logger, announce: @Sendable (String) -> Void,
                  now: @escaping @Sendable () -> Date = Date.init,
                  sleep: (@Sendable (TimeInterval) async throws -> Void)? = nil) async throws -> AppServices {
    let modelURL = URL(fileURLWithPath: config.modelDirectory, isDirectory: true)
    let embedder: MiniLMEmbedder
    do {
        embedder = try LoadedModels.embedder(directory: modelURL)
    } catch {
        throw StartupError(description: """
            frontdesk will not start without its embedding model: \(error)
            Fetch it with `make bootstrap` (or `bash scripts/bootstrap.sh`), or set FRONTDESK_MODEL_DIR / --model-dir \
            to the directory holding model.safetensors, vocab.txt and config.json.
            """)
    }
    logger.info("model loaded", metadata: ["directory": "\(modelURL.path)", "dimension": "\(embedder.dimension)"])

    let storage = try await openStorage(config, logger: logger, now: now)
    let repositories = storage.repositories
    let adminKeys = repositories.adminKeys
    do {
        if let generated = try await adminKeys.ensureAdminKey(configured: config.adminKey) {
            announce("""
                Generated the admin key (shown only now; only its hash is stored):
                  \(generated)
                Use it as `Authorization: Bearer <key>` on /v1/admin/…, or set FRONTDESK_ADMIN_KEY to choose your own.
                """)
        }
    } catch let error as RepositoryError {
        throw StartupError(description: "FRONTDESK_ADMIN_KEY is not usable: \(error)")
    }

    // Our own workers parallelise each forward pass; OpenBLAS stays single-threaded so the two never contend
    // (its pthreads build serialises concurrent threaded calls). Queries get `embedThreads` for latency; bulk
    // work (imports, edits) runs on one thread so a large import leaves a core for callers' searches.
    _ = BLASThreads.set(1)
    let metrics = AppMetrics()
    let knowledgeRepository = repositories.knowledge
    let tokenizer = try WordPieceTokenizer(vocabularyFile: modelURL.appendingPathComponent("vocab.txt"))
    let knowledge = KnowledgeService(
        repository: knowledgeRepository,
        queryEmbedder: EmbeddingQueue(embedder: embedder.withThreads(config.embedThreads), maxBatch: 32,
                                      name: "embed-queries", metrics: metrics.factory),
        bulkEmbedder: EmbeddingQueue(embedder: embedder, maxBatch: 256, name: "embed-bulk", metrics: metrics.factory),
        chunker: KnowledgeChunker(tokenizer: tokenizer),
        logger: logger, metrics: metrics.factory, versions: repositories.businesses)
    let calls = repositories.calls
    var phraser: CallService.Phraser?
    if let llm = config.llm {
        // One client (one URLSession) for the process; every answer it cannot phrase in time stays extractive.
        let answerPhraser = AnswerPhraser(client: ChatCompletionsClient(config: llm), logger: logger)
        phraser = { question, passages, extractive in
            await answerPhraser.phrase(question: question, passages: passages.map { ($0.title, $0.text) },
                                       extractive: extractive).text
        }
        logger.info("LLM phrasing on", metadata: ["llm": "\(llm)"])
    }
    let businesses = repositories.businesses
    let sentiment = SentimentService(trainingFile: URL(fileURLWithPath: config.sentimentTrainingFile),
                                     embedder: knowledge.bulkEmbedder, logger: logger)
    var sender: (any SMSSender)?
    var callsClient: TwilioCallsClient?
    if let sid = config.twilioAccountSid, let token = config.twilioAuthToken, let base = URL(string: config.twilioAPIBaseURL) {
        sender = TwilioMessagingClient(accountSid: sid, authToken: token, baseURL: base)
        callsClient = TwilioCallsClient(accountSid: sid, authToken: token, baseURL: base)
    } else {
        logger.notice("no FRONTDESK_TWILIO_ACCOUNT_SID and FRONTDESK_TWILIO_AUTH_TOKEN: outbound texts and calls stay queued")
    }
    let twilio = TwilioVerification(verify: config.twilioVerify, globalAuthToken: config.twilioAuthToken,
                                    publicBaseURL: config.publicBaseURL)
    var placeCall = OutboundCallJob(client: callsClient, calls: calls, verification: twilio,
                                    pacing: repositories.outboundPacing, limits: config.outboundLimits, events: repositories.events,
                                    logger: logger, now: now)
    if let sleep { placeCall.sleep = sleep }
    let core = makeCoreServices(config, storage: storage, logger: logger, metrics: metrics, now: now, sms: sender, handlers: [
        CallSummaryJob(summaries: repositories.callSummaries, calls: calls, businesses: businesses,
                       sentiment: sentiment, now: Date.init),
        placeCall,
        CallUpdateJob(client: callsClient, logger: logger),
    ])
    let appointments = repositories.appointments
    let events = repositories.events
    var callService = CallService(calls: calls, events: events, knowledge: knowledge, phraser: phraser,
                                  booking: CallBooking(appointments: appointments), logger: logger,
                                  metrics: metrics.factory)
    let jobRunner = core.jobRunner
    callService.machineAnswers = MachineAnswers(jobs: repositories.jobs, now: now, queued: { jobRunner.wake() })
    if !config.twilioVerify {
        logger.warning("FRONTDESK_TWILIO_VERIFY=off: Twilio webhooks are NOT authenticated; anyone who can reach this server can fake calls")
    } else if config.twilioAuthToken == nil {
        logger.notice("no FRONTDESK_TWILIO_AUTH_TOKEN: Twilio webhooks are served only for businesses with their own auth token")
    }
    if config.twilioVerify, config.publicBaseURL == nil {
        logger.notice("no FRONTDESK_PUBLIC_BASE_URL: Twilio signatures are checked against http://<Host header>; set the public URL Twilio posts to")
    }
    let panel = await PanelServices.make(config, repositories: repositories, logger: logger, now: now)
    return AppServices(
        storage: storage, businesses: businesses,
        apiKeys: repositories.apiKeys, adminKeys: adminKeys,
        knowledgeRepository: knowledgeRepository, knowledge: knowledge, embedder: embedder, metrics: metrics,
        calls: calls, callService: callService, twilio: twilio, jobs: repositories.jobs, jobRunner: core.jobRunner,
        sentiment: sentiment, customers: repositories.customers,
        appointments: appointments,
        smsOutbox: core.smsOutbox, reminders: core.reminders, now: now, events: events, eventConsumers: core.eventConsumers,
        outboundCalls: core.outboundCalls, dispatch: core.dispatch, campaignDialer: core.campaignDialer,
        repositories: repositories,
        knowledgeSync: (storage as? any KnowledgeChangeFeed).map {
            KnowledgeSync(knowledge: knowledge, businesses: businesses, feed: $0, logger: logger)
        },
        leader: core.leader,
        widget: WidgetService(widgets: repositories.widget, businesses: businesses, calls: callService, logger: logger, now: now),
        clientAddresses: ClientAddressResolver(trustedProxies: config.trustedProxies),
        publicBaseURL: config.publicBaseURL, panel: panel)
}

/// What runs on the database alone, without the embedding model: the SMS outbox, the work queue's runner (texts,
/// reminders, the booking loop's timers), the event consumers, outbound calls and the booking loop itself.
/// `makeServices` adds the model's services (knowledge, sentiment, the call flow) to it; `frontdesk simulate
/// dispatch` runs the booking loop on it alone, with the simulation's phones in place of Twilio.
struct CoreServices: Sendable {
    let storage: any StorageBackend
    let repositories: Repositories
    let smsOutbox: SMSOutbox
    let reminders: ReminderService
    let jobRunner: JobRunner
    let eventConsumers: EventConsumerRunner
    let outboundCalls: OutboundCalls
    let dispatch: DispatchService
    let campaignDialer: CampaignDialer
    /// Whether this node runs the periodic tasks and the event consumers (the leader lease).
    let leader: LeaderElection
}

/// Assembles ``CoreServices`` on `storage`.
///
/// - Parameters:
///   - sms: delivers the outbox's texts (Twilio's Messaging API); nil: no account, texts stay queued.
///   - handlers: the work queue's handlers that need more than the database: the call summary (the model),
///     placing a call (Twilio's Calls API).
func makeCoreServices(_ config: AppConfig, storage: any StorageBackend, logger: Logger, metrics: AppMetrics,
                      now: @escaping @Sendable () -> Date, sms sender: (any SMSSender)?,
                      handlers: [any JobHandler]) -> CoreServices {
    let repositories = storage.repositories
    let businesses = repositories.businesses
    let smsOutbox = SMSOutbox(repository: repositories.outbox, sender: sender, logger: logger, now: now)
    let reminders = ReminderService(reminders: repositories.reminders)
    let jobs = repositories.jobs
    // Several nodes: periodic work and the event consumers run on the lease holder only (SQLite: this process).
    let leader = LeaderElection(leases: repositories.leases, logger: logger)
    let wakeBox = JobWakeBox()
    let wakeJobs: @Sendable () -> Void = { wakeBox.wake() }
    let outboundCalls = OutboundCalls(jobs: jobs, businesses: businesses, now: now, queued: wakeJobs)
    let dispatch = DispatchService(
        tickets: repositories.tickets, vendors: repositories.vendors, dispatch: repositories.dispatch, businesses: businesses,
        appointments: repositories.appointments, customers: repositories.customers, events: repositories.events,
        outboundCalls: outboundCalls, logger: logger, now: now, queued: wakeJobs)
    let campaignDialer = CampaignDialer(campaigns: repositories.campaigns, businesses: businesses,
                                        outboundCalls: outboundCalls, logger: logger, now: now)
    let jobRunner = JobRunner(
        queue: jobs,
        handlers: handlers + [
            SMSSendJob(outbox: smsOutbox),
            ReminderSendJob(businesses: businesses, reminders: repositories.reminders, now: now),
            DispatchTimer(service: dispatch),
        ],
        periodic: [
            PeriodicTask(name: "campaign-dialer", interval: CampaignDialer.interval) { _ in
                _ = try await campaignDialer.run()
            },
            // The web panel's expired sessions, and failed sign-ins long past the throttle's window.
            PeriodicTask(name: "panel-housekeeping", interval: 3600) { now in
                try await repositories.panelSessions.deleteExpired(before: now)
                try await repositories.loginAttempts.prune(before: now.addingTimeInterval(-86_400))
            },
            // Once an hour, every active business's upcoming appointments get their reminder (once each): a net
            // under the per-appointment timers the `reminders` consumer sets (both use the same outbox key).
            PeriodicTask(name: "reminders", interval: 3600) { now in
                var cursor: String?
                repeat {
                    let page = try await businesses.list(limit: 500, cursor: cursor)
                    for business in page.items where business.status == .active {
                        _ = try await reminders.sendUpcoming(business: business, now: now)
                    }
                    cursor = page.nextCursor
                } while cursor != nil
            },
        ],
        logger: logger, metrics: metrics.factory, lease: .seconds(config.jobLeaseSeconds),
        runsPeriodic: { leader.isLeader },
        externalWakeups: storage.kind == "sqlite" ? nil : storage.jobSignal)
    wakeBox.set { jobRunner.wake() }
    let events = repositories.events
    let eventConsumers = EventConsumerRunner(
        log: events,
        consumers: [
            OwnerAlertConsumer(businesses: businesses, customers: repositories.customers, calls: repositories.calls,
                               outbox: smsOutbox, queued: wakeJobs),
            PostCallConsumer(jobs: jobs, now: now, queued: wakeJobs),
            ReminderConsumer(businesses: businesses, jobs: jobs, now: now, queued: wakeJobs),
            TicketIntakeConsumer(tickets: repositories.tickets, logger: logger),
            TextIntakeConsumer(businesses: businesses, vendors: repositories.vendors, tickets: repositories.tickets,
                               events: events, outbox: smsOutbox, logger: logger, queued: wakeJobs),
            DispatchConsumer(service: dispatch),
            CampaignCallConsumer(campaigns: repositories.campaigns, calls: repositories.calls, logger: logger),
            CampaignAppointmentConsumer(campaigns: repositories.campaigns, appointments: repositories.appointments,
                                        customers: repositories.customers, businesses: businesses, logger: logger, now: now),
        ],
        signal: storage.eventSignal, logger: logger, metrics: metrics.factory, isActive: { leader.isLeader })
    return CoreServices(storage: storage, repositories: repositories, smsOutbox: smsOutbox, reminders: reminders,
                        jobRunner: jobRunner, eventConsumers: eventConsumers, outboundCalls: outboundCalls,
                        dispatch: dispatch, campaignDialer: campaignDialer, leader: leader)
}

func buildRouter(_ services: AppServices, logger: Logger) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    // Outermost, so it records the status JSONErrorMiddleware renders for thrown errors.
    router.middlewares.add(RequestMetricsMiddleware(factory: services.metrics.factory))
    router.middlewares.add(JSONErrorMiddleware())
    // The web panel's pages, static files and errors under /app: HTML errors for browsers, security headers on all.
    router.middlewares.add(PanelResponseMiddleware(pages: services.panel.pages))
    router.middlewares.add(FileMiddleware(services.panel.staticDirectory.path, urlBasePath: "/app/static", logger: logger))
    HealthController(embedder: services.embedder, storage: services.storage, knowledgeSync: services.knowledgeSync).addRoutes(to: router.group())
    OpenAPIController().addRoutes(to: router.group())
    let dispatchAnalytics = DispatchAnalytics(events: services.repositories.events, vendors: services.repositories.vendors)
    MetricsController(metrics: services.metrics, dispatch: DispatchMetrics(
        analytics: dispatchAnalytics, businesses: services.businesses, factory: services.metrics.factory, now: services.now))
        .addRoutes(to: router.group())

    let tenant = router.group("v1").add(middleware: BusinessAuthMiddleware(keys: services.apiKeys))
    KnowledgeController(service: services.knowledge, repository: services.knowledgeRepository)
        .addRoutes(to: tenant.group("knowledge"))
    ConfigController(businesses: services.businesses).addRoutes(to: tenant.group("config"))
    CallsController(calls: services.calls, sentiment: services.sentiment).addRoutes(calls: tenant.group("calls"), leads: tenant.group("leads"))
    let analyticsAPI = AnalyticsController(analytics: services.repositories.analytics, embedder: services.knowledge.bulkEmbedder,
                                           dispatch: dispatchAnalytics, now: Date.init)
    analyticsAPI.addRoutes(to: tenant.group("analytics"))
    CustomersController(customers: services.customers, businesses: services.businesses)
        .addRoutes(customers: tenant.group("customers"), conversations: tenant.group("conversations"))
    AppointmentsController(appointments: services.appointments, customers: services.customers, calls: services.calls,
                           now: services.now)
        .addRoutes(to: tenant.group("appointments"))
    RemindersController(reminders: services.reminders, now: services.now).addRoutes(to: tenant.group("reminders"))
    OwnerController(appointments: services.appointments, analytics: services.repositories.analytics, now: services.now).addRoutes(to: tenant.group("owner"))
    EventsController(log: services.events, signal: services.storage.eventSignal, metrics: services.metrics.factory).addRoutes(to: tenant.group("events"))
    let live = LiveController(log: services.events, signal: services.storage.eventSignal, metrics: services.metrics.factory,
                              calls: services.calls, campaigns: services.repositories.campaigns, now: services.now)
    live.addRoutes(calls: tenant.group("calls"))
    TicketsController(tickets: services.repositories.tickets, businesses: services.businesses, events: services.events)
        .addRoutes(to: tenant.group("tickets"))
    VendorsController(vendors: services.repositories.vendors, businesses: services.businesses).addRoutes(to: tenant.group("vendors"))
    DispatchSettingsController(dispatch: services.repositories.dispatch).addRoutes(to: tenant.group("dispatch/settings"))
    CampaignsController(campaigns: services.repositories.campaigns, businesses: services.businesses, now: services.now)
        .addRoutes(to: tenant.group("campaigns"))
    live.addRoutes(campaigns: tenant.group("campaigns"))
    DoNotCallController(list: services.repositories.doNotCall, businesses: services.businesses)
        .addRoutes(to: tenant.group("do-not-call"))
    WidgetController(widgets: services.repositories.widget, publicBaseURL: services.publicBaseURL)
        .addRoutes(to: tenant.group("widget"))

    // The web chat widget: its script, and the API its pages call with the publishable key (docs/widget.md).
    WidgetScriptController().addRoutes(to: router)
    WidgetAPIController(service: services.widget, widgets: services.repositories.widget, businesses: services.businesses,
                        clients: services.clientAddresses, now: services.now)
        .addRoutes(to: router.group("widget/v1/:key"))

    TwilioController(businesses: services.businesses, calls: services.calls, service: services.callService,
                     verification: services.twilio, logger: logger, metrics: services.metrics.factory)
        .addRoutes(to: router.group("twilio"))
    TwilioSMSController(
        verifier: TwilioWebhookVerifier(businesses: services.businesses, calls: services.calls, verification: services.twilio,
                                        logger: logger, metrics: services.metrics.factory),
        businesses: services.businesses, messages: services.repositories.messages, dispatch: services.dispatch,
        logger: logger, now: services.now)
        .addRoutes(to: router.group("twilio"))

    let admin = router.group("v1/admin").add(middleware: AdminAuthMiddleware(store: services.adminKeys))
    AdminController(businesses: services.businesses, apiKeys: services.apiKeys, knowledge: services.knowledge,
                    calls: services.calls)
        .addRoutes(to: admin)
    AdminUsersController(businesses: services.businesses, accounts: services.panel.accounts,
                         users: services.repositories.panelUsers)
        .addRoutes(to: admin)

    let panel = router.group("app")
    PanelController(panel: services.panel, users: services.repositories.panelUsers, now: services.now)
        .addRoutes(to: panel)
    let business = panel.group("b/:slug")
        .add(middleware: PanelSessionMiddleware(sessions: services.panel.sessions))
        .add(middleware: PanelBusinessMiddleware(users: services.repositories.panelUsers))
    PanelBusinessController(panel: services.panel, users: services.repositories.panelUsers).addRoutes(to: business)
    PanelCallsController(panel: services.panel, users: services.repositories.panelUsers, calls: services.calls,
                         summaries: services.repositories.callSummaries).addRoutes(to: business)
    PanelKnowledgeController(
        panel: services.panel, users: services.repositories.panelUsers, service: services.knowledge,
        repository: services.knowledgeRepository, calls: services.callService, businesses: services.businesses,
        analytics: services.repositories.analytics, imports: PanelImports(now: services.now), now: services.now)
        .addRoutes(to: business)
    PanelOverviewController(panel: services.panel, users: services.repositories.panelUsers,
                            analytics: services.repositories.analytics, api: analyticsAPI, now: services.now)
        .addRoutes(to: business)
    return router
}

/// Runs last at shutdown (after the HTTP server has finished its in-flight requests): stops the embedding
/// threads and closes the database cleanly.
struct ShutdownService: Service {
    let storage: any StorageBackend
    let queues: [EmbeddingQueue]
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        queues.forEach { $0.shutdown() }
        try await storage.close()
        logger.info("database closed")
    }
}
