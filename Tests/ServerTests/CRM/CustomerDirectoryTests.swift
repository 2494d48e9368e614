import Foundation
import GRDB
import Testing
@testable import Server

/// `CustomerDirectory`, the in-transaction entry point calls and texts use to find or create customers.
struct CustomerDirectoryTests {
    @Test func upsertMergesByPhoneAndFillsOnlyAMissingName() async throws {
        let repositories = try TestRepositories()
        let a = try await repositories.makeBusiness("business-a")
        let b = try await repositories.makeBusiness("business-b")
        let (first, second, third, other) = try await repositories.database.dbPool.write { db in
            let first = try CustomerDirectory.upsert(db, businessId: a.id, phone: "+15557654321", source: "test")
            let second = try CustomerDirectory.upsert(db, businessId: a.id, phone: "+15557654321", name: "  Ann Lee ", source: "test")
            let third = try CustomerDirectory.upsert(db, businessId: a.id, phone: "+15557654321", name: "Someone Else", source: "test")
            let other = try CustomerDirectory.upsert(db, businessId: b.id, phone: "+15557654321", name: "B's Ann", source: "test")
            return (first, second, third, other)
        }
        #expect(first.name == nil)
        #expect(second.id == first.id)
        #expect(second.name == "Ann Lee")
        #expect(third.name == "Ann Lee", "a name the business has is never overwritten")
        #expect(other.id != first.id)
        #expect(try await repositories.count("customers") == 2)
        await #expect(throws: RepositoryError.self) {
            try await repositories.database.dbPool.write { db in
                try CustomerDirectory.upsert(db, businessId: a.id, phone: "555-0100", source: "test")
            }
        }
    }

    @Test func oneSMSThreadPerCustomerAndRedeliveriesAreStoredOnce() async throws {
        let repositories = try TestRepositories()
        let a = try await repositories.makeBusiness("business-a")
        let (thread, again, firstMessage, duplicate) = try await repositories.database.dbPool.write { db in
            let customer = try CustomerDirectory.upsert(db, businessId: a.id, phone: "+15557654321", source: "test")
            let thread = try CustomerDirectory.smsConversation(db, customer: customer)
            let again = try CustomerDirectory.smsConversation(db, customer: customer)
            let firstMessage = try CustomerDirectory.append(db, to: thread, direction: .inbound, body: "hi", twilioSid: "SM1")
            let duplicate = try CustomerDirectory.append(db, to: thread, direction: .inbound, body: "hi", twilioSid: "SM1")
            return (thread, again, firstMessage, duplicate)
        }
        #expect(thread.id == again.id)
        #expect(firstMessage?.id != nil)
        #expect(duplicate == nil)
        #expect(try await repositories.count("messages") == 1)
        // The unique index backs the rule even for a writer that skips CustomerDirectory.
        await #expect(throws: DatabaseError.self) {
            try await repositories.database.dbPool.write { db in
                try db.execute(sql: """
                    INSERT INTO conversations (id, business_id, customer_id, channel, created_at, updated_at)
                    VALUES ('x', ?, ?, 'sms', '2030-01-01', '2030-01-01')
                    """, arguments: [a.id, thread.customerId])
            }
        }
    }

    @Test func aChildRowCannotPointAtAnotherBusinessesCustomer() async throws {
        let repositories = try TestRepositories()
        let a = try await repositories.makeBusiness("business-a")
        let b = try await repositories.makeBusiness("business-b")
        let customerB = try await repositories.database.dbPool.write { db in
            try CustomerDirectory.upsert(db, businessId: b.id, phone: "+15557654321", source: "test")
        }
        // The composite foreign key (customer_id, business_id) refuses A's appointment on B's customer.
        await #expect(throws: DatabaseError.self) {
            try await repositories.database.dbPool.write { db in
                try Appointment(businessId: a.id, customerId: customerB.id, startAt: Date(), endAt: Date() + 3600,
                                createdAt: Date(), updatedAt: Date()).insert(db)
            }
        }
    }
}
