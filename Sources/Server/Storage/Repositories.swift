/// Every repository the application reads and writes through, for one storage backend. The app is built from one
/// value of this type (`Repositories.sqlite(database:now:)` today); a second backend implements the same
/// protocols and makes its own value, and the repository contract tests run against each.
///
/// Every method that reads or writes a tenant's rows takes the business id and scopes by it: the repository owns
/// the tenant, controllers never compare ids.
public struct Repositories: Sendable {
    public var businesses: any BusinessRepository
    public var apiKeys: any APIKeyRepository
    public var adminKeys: any AdminKeyStore
    public var knowledge: any KnowledgeRepository
    public var calls: any CallRepository
    public var customers: any CustomerRepository
    public var appointments: any AppointmentRepository
    public var analytics: any AnalyticsRepository
    /// Texts that arrive (the SMS webhook).
    public var messages: any MessagingRepository
    /// The event log's read side and the consumers' checkpoints (events are appended by the other repositories,
    /// inside their own transactions).
    public var events: any EventLog
    /// The one work queue: background jobs and timers.
    public var jobs: any WorkQueue
    /// Texts going out (rows, their `sms.send` jobs, what delivery needs to know).
    public var outbox: any OutboxRepository
    /// Appointment reminders, queued as texts.
    public var reminders: any ReminderRepository
    /// Post-call summaries and sentiment.
    public var callSummaries: any CallSummaryRepository
    /// Named leases: what must run on one node at a time runs where its lease is held.
    public var leases: any LeaseRepository
    /// The pacing of outbound calls (calls per second, calls in progress), shared by every node.
    public var outboundPacing: any OutboundPacingRepository
    /// Maintenance tickets (each an event stream, `ticket:<id>`).
    public var tickets: any TicketRepository
    /// The vendors maintenance jobs are offered to.
    public var vendors: any VendorRepository
    /// The booking loop: offers, the vendor rotation, dispatch settings.
    public var dispatch: any DispatchRepository
    /// Outbound calling campaigns, their recipients and attempts (each campaign an event stream, `campaign:<id>`).
    public var campaigns: any CampaignRepository
    /// Each business's do-not-call list.
    public var doNotCall: any DoNotCallRepository
    /// The web chat widget: publishable keys, allowed origins, widget conversations.
    public var widget: any WidgetRepository
    /// The web panel's users, their roles per business and their passwords.
    public var panelUsers: any PanelUserRepository
    /// The web panel's signed-in browsers.
    public var panelSessions: any PanelSessionRepository
    /// The web panel's failed sign-ins (throttling).
    public var loginAttempts: any LoginAttemptRepository

    public init(
        businesses: any BusinessRepository, apiKeys: any APIKeyRepository, adminKeys: any AdminKeyStore,
        knowledge: any KnowledgeRepository, calls: any CallRepository, customers: any CustomerRepository,
        appointments: any AppointmentRepository, analytics: any AnalyticsRepository,
        messages: any MessagingRepository, events: any EventLog, jobs: any WorkQueue, outbox: any OutboxRepository,
        reminders: any ReminderRepository, callSummaries: any CallSummaryRepository, leases: any LeaseRepository,
        outboundPacing: any OutboundPacingRepository, tickets: any TicketRepository, vendors: any VendorRepository,
        dispatch: any DispatchRepository, campaigns: any CampaignRepository, doNotCall: any DoNotCallRepository,
        widget: any WidgetRepository,
        panelUsers: any PanelUserRepository, panelSessions: any PanelSessionRepository,
        loginAttempts: any LoginAttemptRepository
    ) {
        self.widget = widget
        self.panelUsers = panelUsers
        self.panelSessions = panelSessions
        self.loginAttempts = loginAttempts
        self.dispatch = dispatch
        self.campaigns = campaigns
        self.doNotCall = doNotCall
        self.outboundPacing = outboundPacing
        self.tickets = tickets
        self.vendors = vendors
        self.messages = messages
        self.events = events
        self.jobs = jobs
        self.outbox = outbox
        self.reminders = reminders
        self.callSummaries = callSummaries
        self.leases = leases
        self.businesses = businesses
        self.apiKeys = apiKeys
        self.adminKeys = adminKeys
        self.knowledge = knowledge
        self.calls = calls
        self.customers = customers
        self.appointments = appointments
        self.analytics = analytics
    }
}
