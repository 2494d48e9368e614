import Foundation
import Testing
@testable import Receptionist

@Suite struct SpokenAnswerTests {
    @Test func citationOfAPassageCopiesItsIdentityAndScores() {
        #expect(Citation(SamplePassages.implants)
            == Citation(entryId: "dental-implants", chunkId: 31, score: 0.030, similarity: 0.64))
    }

    @Test func roundTripsThroughJSON() throws {
        let answer = SpokenAnswer(text: "We open at 8.", citations: [Citation(entryId: "e", chunkId: 7, score: 0.5, similarity: nil)],
                                  confidence: 0.42)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(answer), as: UTF8.self)
        #expect(json == #"{"citations":[{"chunkId":7,"entryId":"e","score":0.5}],"confidence":0.42,"text":"We open at 8."}"#)
        #expect(try JSONDecoder().decode(SpokenAnswer.self, from: Data(json.utf8)) == answer)
    }
}
