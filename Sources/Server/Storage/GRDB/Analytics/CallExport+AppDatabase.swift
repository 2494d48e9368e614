import Foundation

// `frontdesk export` (CallConsole) still builds the export and the rollup from the database; these read through
// `GRDBAnalyticsRepository` until it takes `Repositories`, and then this file goes.

extension CallExport {
    init(database: AppDatabase, businessId: String, timeZone: TimeZone, range: AnalyticsRange) {
        self.init(analytics: GRDBAnalyticsRepository(database: database), businessId: businessId, timeZone: timeZone,
                  range: range)
    }
}

extension CallRollup {
    init(database: AppDatabase, businessId: String, timeZone: TimeZone, range: AnalyticsRange) {
        self.init(analytics: GRDBAnalyticsRepository(database: database), businessId: businessId, timeZone: timeZone,
                  range: range)
    }
}
