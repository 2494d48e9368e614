import Maintenance
import Testing

@Suite struct GSM7Tests {
    @Test func septetsCountExtensionCharactersTwice() {
        #expect(GSM7.septets("Reply YES K7Q2") == 14)
        #expect(GSM7.septets("€5 [a]") == 9)
        #expect(GSM7.septets("Café à Zürich? ¡Sì!") == 19)
        #expect(GSM7.septets("Sí") == nil)           // í is not in the table (ì is)
        #expect(GSM7.septets("2–6pm") == nil)        // en dash
        #expect(GSM7.septets("it’s") == nil)         // curly apostrophe
        #expect(GSM7.septets("leak 💧") == nil)
    }

    @Test func segmentsFollowTheEncoding() {
        #expect(GSM7.segments(String(repeating: "a", count: 160)) == 1)
        #expect(GSM7.segments(String(repeating: "a", count: 161)) == 2)
        #expect(GSM7.segments(String(repeating: "a", count: 306)) == 2)
        #expect(GSM7.segments(String(repeating: "a", count: 307)) == 3)
        #expect(GSM7.segments(String(repeating: "–", count: 70)) == 1)
        #expect(GSM7.segments(String(repeating: "–", count: 71)) == 2)
        #expect(GSM7.segments("today 2–6pm" + String(repeating: "a", count: 60)) == 2)   // 71 UCS-2 units
    }

    @Test func sanitizingReplacesTypographyOnly() {
        #expect(GSM7.sanitized("it’s “wet” — 2–6pm…") == "it's \"wet\" - 2-6pm...")
        #expect(GSM7.isEncodable(GSM7.sanitized("it’s “wet” — 2–6pm…")))
        #expect(GSM7.sanitized("leak 💧") == "leak 💧")
    }
}
