import Foundation
import Testing
@testable import Receptionist

@Suite struct PassageTests {
    @Test func decodesTheServersJSON() throws {
        let json = #"{"entryId":"abc","chunkId":12,"title":"Parking","text":"Park on Fairview Avenue.","category":"visits","score":0.031,"similarity":0.72}"#
        let passage = try JSONDecoder().decode(Passage.self, from: Data(json.utf8))
        #expect(passage == Passage(entryId: "abc", chunkId: 12, title: "Parking", text: "Park on Fairview Avenue.",
                                   category: "visits", score: 0.031, similarity: 0.72))
    }

    @Test func categoryAndSimilarityMayBeAbsent() throws {
        let json = #"{"entryId":"abc","chunkId":12,"title":"Parking","text":"Park.","score":0.5}"#
        let passage = try JSONDecoder().decode(Passage.self, from: Data(json.utf8))
        #expect(passage.category == nil)
        #expect(passage.similarity == nil)
        #expect(try JSONDecoder().decode(Passage.self, from: JSONEncoder().encode(passage)) == passage)
    }
}
