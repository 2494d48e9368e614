import Events
import Foundation
import Testing
@testable import Server

/// The JSON of one event, as the list, the stream and `tail --json` write it.
@Suite struct EventViewTests {
    @Test func timestampsAreUTCWithMillisecondsRoundedNotTruncated() {
        // 1_750_000_000.123 is the double …0.12299999…: a truncating formatter prints .122.
        #expect(EventView.timestamp(Date(timeIntervalSince1970: 1_750_000_000.123)) == "2025-06-15T15:06:40.123Z")
        #expect(EventView.timestamp(Date(timeIntervalSince1970: 1_750_000_000.9996)) == "2025-06-15T15:06:41.000Z")
        #expect(EventView.timestamp(Date(timeIntervalSince1970: 1_750_000_000)) == "2025-06-15T15:06:40.000Z")
        #expect(EventView.timestamp(Date(timeIntervalSince1970: -1.5)) == "1969-12-31T23:59:58.500Z")
    }

    @Test func thePayloadIsEmbeddedAsJSONWithExactIntegersAndItsOwnKeys() throws {
        let payload = #"{"big_id":9007199254740993,"kb_version":7,"ratio":0.25,"nested":{"camelCase":[1,"two",null,true]},"text":"line\nbreak \"quoted\""}"#
        let event = StoredEvent(id: 12, businessId: "b", stream: .knowledge(businessId: "b"), sequence: 3, type: .knowledgeChanged,
                                payload: payload, createdAt: Date(timeIntervalSince1970: 1_750_000_000.5))
        let json = EventView(event).json()
        #expect(!json.contains("\n"), "one line, for an SSE data: line")
        #expect(json == #"{"created_at":"2025-06-15T15:06:40.500Z","id":12,"payload":{"big_id":9007199254740993,"kb_version":7,"nested":{"camelCase":[1,"two",null,true]},"ratio":0.25,"text":"line\nbreak \"quoted\""},"sequence":3,"stream":"knowledge:b","type":"knowledge.changed"}"#)
        #expect(EventView(event, business: "slug").json().contains(#""business":"slug""#))

        // A payload that is not JSON is shown as its text rather than lost.
        let broken = StoredEvent(id: 1, businessId: nil, stream: .job(1), sequence: 1, type: .jobFailed, payload: "{oops",
                                 createdAt: Date(timeIntervalSince1970: 0))
        #expect(EventView(broken).json().contains(#""payload":"{oops""#))
        #expect(EventStreamSession.frame(event) == "id: 12\nevent: knowledge.changed\ndata: \(json)\n\n")
    }
}
