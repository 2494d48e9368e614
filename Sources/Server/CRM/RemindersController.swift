import Foundation
import Hummingbird

/// `POST /v1/reminders/send-upcoming`: queue reminder texts now (the job runner also does it hourly).
struct RemindersController {
    let reminders: ReminderService
    let now: @Sendable () -> Date

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("send-upcoming", use: sendUpcoming)
    }

    @Sendable func sendUpcoming(_ request: Request, context: AppRequestContext) async throws -> Response {
        let business = try context.requireBusiness()
        return try JSONResponse.make(try await reminders.sendUpcoming(business: business, now: now()))
    }
}
