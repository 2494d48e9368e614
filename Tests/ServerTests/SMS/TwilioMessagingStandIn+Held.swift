import Foundation
import Hummingbird
@testable import Server

/// A Twilio that does not answer: `POST /held/2010-04-01/Accounts/{AccountSid}/Messages.json` (a client whose base
/// URL ends in `/held`) is logged in `held` and left unanswered until `releaseHeld()`, then refused with a 503 —
/// the text is never sent and never appears in `received`. A test points one node at it to keep that node's
/// `sms.send` jobs claimed, and the other node at the normal path.
extension TwilioMessagingStandIn {
    /// Held requests, in arrival order.
    var held: [Received] { heldLog.withLock { $0 } }

    /// Answers every held request (and any that arrives later) with a 503, so the stand-in can shut down.
    func releaseHeld() { holding.withLock { $0 = false } }

    func addHeldRoutes(to router: Router<BasicRequestContext>) {
        router.post("held/2010-04-01/Accounts/:account/Messages.json") { request, _ -> Response in
            _ = try await self.record(request, held: true)
            // Bounded, so a test that forgets to release cannot keep the stand-in up for ever.
            let deadline = ContinuousClock.now + .seconds(600)
            while self.holding.withLock({ $0 }), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            return Self.error(503, code: 20503, message: "Service Unavailable")
        }
    }
}
