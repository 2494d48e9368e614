import Foundation
import Synchronization

/// The simulation's clock: the time every service reads (`now:`), moved only by the simulator.
final class SimulationClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date) { current = Mutex(start) }

    var now: Date { current.withLock { $0 } }

    /// Moves to `date`; never back.
    func advance(to date: Date) { current.withLock { $0 = max($0, date) } }
}

/// The phones of the simulated world, where Twilio stands in the server: the outbox's texts are delivered here (an
/// ``SMSSender``, used by the real `SMSOutbox` and `sms.send` jobs), and the calls the loop places are received here
/// (``SimulatedCallJob``). Nothing leaves the process. The simulator reads what each phone received after every
/// pass of the work queue and lets the simulated person answer.
final class SimulatedPhones: SMSSender, Sendable {
    /// A text as delivered: to whom, what, and when (the simulation's time).
    struct Text: Sendable, Equatable {
        var to: String
        var body: String
        var at: Date
    }

    /// A call the booking loop placed (an escalation to a landlord contact).
    struct Call: Sendable, Equatable {
        var to: String
        var purpose: String?
        var at: Date
    }

    private struct State {
        var texts: [Text] = []
        var calls: [Call] = []
        var sent = 0
        var placed = 0
    }

    private let state = Mutex(State())
    private let now: @Sendable () -> Date

    init(now: @escaping @Sendable () -> Date) { self.now = now }

    func send(to: String, from: String, body: String) async throws(SMSSendError) -> String {
        let at = now()
        let count = state.withLock { state in
            state.texts.append(Text(to: to, body: body, at: at))
            state.sent += 1
            return state.sent
        }
        // Twilio's shape: "SM" and 32 hex digits.
        return "SM" + String(format: "%032x", count)
    }

    /// The texts delivered since the last call, in delivery order.
    func takeTexts() -> [Text] {
        state.withLock { state in
            defer { state.texts.removeAll() }
            return state.texts
        }
    }

    func received(_ call: Call) {
        state.withLock { state in
            state.calls.append(call)
            state.placed += 1
        }
    }

    /// Every call placed so far.
    var calls: [Call] { state.withLock { $0.calls } }
    /// How many texts were delivered in the whole run.
    var delivered: Int { state.withLock { $0.sent } }
}

/// Stands where ``OutboundCallJob`` (Twilio's Calls API) stands in the server: the work queue's `call.create` job,
/// here received by the simulated phone instead of dialled. The simulated landlord does not pick up, so nothing
/// more happens (no call record: no webhook will ever speak for the call).
struct SimulatedCallJob: JobHandler {
    var kind: String { OutboundCallJob.kind }
    let phones: SimulatedPhones
    let now: @Sendable () -> Date

    func run(_ job: Job) async throws {
        let plan: OutboundCallJob.Payload
        do { plan = try job.decode(OutboundCallJob.Payload.self) } catch { throw PermanentJobError("bad payload: \(error)") }
        phones.received(SimulatedPhones.Call(to: plan.to, purpose: plan.context.purpose, at: now()))
    }
}
