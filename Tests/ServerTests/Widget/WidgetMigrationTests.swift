import Foundation
import GRDB
import Testing
@testable import Server

/// `v13-widget` rebuilds `conversations` on SQLite (a column and a rule cannot change in place): what was there
/// before survives with its messages, the foreign keys still hold, and the new rules apply.
@Suite struct WidgetMigrationTests {
    @Test func conversationsSurviveTheRebuildAndWebOnesMayHaveNoCustomer() throws {
        let queue = try DatabaseQueue()
        let migrator = AppDatabase.migrator
        try migrator.migrate(queue, upTo: "v11-campaign-appointments")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO businesses (id, slug, name, time_zone, settings, created_at, updated_at)
                VALUES ('b1', 'old-shop', 'Old Shop', 'UTC', '{}', '2026-01-01', '2026-01-01');
                INSERT INTO customers (id, business_id, phone, created_at, updated_at)
                VALUES ('c1', 'b1', '+15550001111', '2026-01-01', '2026-01-01');
                INSERT INTO conversations (id, business_id, customer_id, channel, created_at, updated_at)
                VALUES ('t1', 'b1', 'c1', 'sms', '2026-01-01', '2026-01-02');
                INSERT INTO messages (conversation_id, business_id, direction, body, twilio_sid, created_at)
                VALUES ('t1', 'b1', 'inbound', 'is Tuesday free?', 'SM1', '2026-01-02');
                """)
        }
        try migrator.migrate(queue)
        try queue.write { db in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT * FROM conversations WHERE id = 't1'"))
            let customer: String? = row["customer_id"]
            let channel: String = row["channel"]
            let updated: String = row["updated_at"]
            #expect(customer == "c1")
            #expect(channel == "sms")
            #expect(updated == "2026-01-02")
            #expect(try String.fetchAll(db, sql: "SELECT body FROM messages WHERE conversation_id = 't1'") == ["is Tuesday free?"])
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            #expect(Set(try db.indexes(on: "conversations").map(\.name))
                    .isSuperset(of: ["conversations_one_sms_thread", "conversations_by_customer", "conversations_by_call"]))

            try db.execute(sql: """
                INSERT INTO conversations (id, business_id, customer_id, channel, created_at, updated_at)
                VALUES ('w1', 'b1', NULL, 'web', '2026-01-03', '2026-01-03')
                """)
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: """
                    INSERT INTO conversations (id, business_id, customer_id, channel, created_at, updated_at)
                    VALUES ('s2', 'b1', NULL, 'sms', '2026-01-03', '2026-01-03')
                    """)
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: """
                    INSERT INTO conversations (id, business_id, customer_id, channel, created_at, updated_at)
                    VALUES ('x1', 'b1', 'c1', 'widget', '2026-01-03', '2026-01-03')
                    """)
            }
            // Deleting the customer still takes their conversations and messages with them.
            try db.execute(sql: "DELETE FROM customers WHERE id = 'c1'")
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM conversations WHERE id = 't1'") == 0)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM messages") == 0)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM conversations WHERE id = 'w1'") == 1)
        }
    }
}
