import Foundation
import Testing
@testable import Receptionist

/// Entries copied from corpora/*/knowledge.jsonl.
enum SamplePassages {
    static let officeHours = Passage(
        entryId: "dental-office-hours", chunkId: 2, title: "Office hours",
        text: "Our office hours are Monday 8:00am to 5:00pm, Tuesday 8:00am to 7:00pm, Wednesday 8:00am to 5:00pm, Thursday 10:00am to 7:00pm, Friday 8:00am to 2:00pm, and Saturday 8:00am to 12:00pm. We are closed on Sundays.\n\nEvening appointments on Tuesdays and Thursdays and Saturday mornings book up fastest, usually three to four weeks ahead, so please call early if you need one. The front desk phones are answered from 7:45am until closing; we close for lunch from 12:30pm to 1:30pm Monday to Thursday, when calls go to voicemail.",
        category: "hours", score: 0.032, similarity: 0.71)

    static let implants = Passage(
        entryId: "dental-implants", chunkId: 31, title: "Dental implants",
        text: "A dental implant is a titanium post placed in the jawbone to replace a missing tooth root, with a crown fitted on top. Our all-in fee for a single implant is $4,200, which covers the implant placement, abutment and crown, plus the CT scan and follow-up visits. If a bone graft is needed, it costs $650 extra.\n\nTreatment usually takes three to six months from start to finish, because the implant needs time to bond with the bone before the crown is fitted. Dr. Whitfield offers a free 30-minute implant consultation. Insurance often covers part of the crown, and CareCredit financing is available.",
        category: "treatments", score: 0.030, similarity: 0.64)

    static let boilerService = Passage(
        entryId: "plumbing-boiler-service", chunkId: 7, title: "Boiler service",
        text: "A standard annual gas boiler service costs £95 including VAT. We service all the main gas boiler brands. The engineer checks the burner, heat exchanger, flue, seals, gas pressure and safety devices, and gives you a service record for your warranty.\n\nA service takes 45 minutes to an hour. We recommend booking between April and August, when we are less busy.",
        category: "pricing", score: 0.028, similarity: 0.58)

    static let reportRepair = Passage(
        entryId: "property-report-repair", chunkId: 3, title: "How to report a repair",
        text: "The quickest way to report a non-emergency repair is through the Harbour Lane tenant portal or app, which is available 24 hours a day. You can also email maintenance@harbourlane-lettings.example or phone the office during opening hours. Please describe the problem, where it is in the property, when it started, and attach photos or a short video if you can.\n\nEvery report gets a reference number, and you can follow its progress in the portal. Our maintenance coordinator reviews new reports every working morning, sets the priority and, where needed, gets the landlord's approval before instructing a contractor. Emergencies must always be phoned in, not emailed or reported through the portal.",
        category: "maintenance", score: 0.031, similarity: 0.66)

    static let emergencies = Passage(
        entryId: "dental-emergencies", chunkId: 40, title: "Dental emergencies and same-day care",
        text: "We keep emergency slots open every day we are open, so if you have severe pain, swelling, a broken tooth, a lost filling or crown, or an injury to the mouth, call us as early in the day as you can and we will do our best to see you the same day.",
        category: "emergencies", score: 0.02, similarity: 0.5)
}

@Suite struct AnswerComposerTests {
    @Test func answersFromTheMostRelevantSentencesInOrder() throws {
        let answer = try #require(AnswerComposer.compose(
            question: "how much does an implant cost all in", passages: [SamplePassages.implants], threshold: 0.35))
        #expect(answer.text == "Our all-in fee for a single implant is $4,200, which covers the implant placement, abutment and crown, plus the CT scan and follow-up visits. If a bone graft is needed, it costs $650 extra.")
        #expect(answer.citations == [Citation(entryId: "dental-implants", chunkId: 31, score: 0.030, similarity: 0.64)])
        #expect(answer.confidence == 0.64)
    }

    @Test func sentencesComeOutInTheirOriginalOrder() throws {
        // "warranty" (sentence 3) and "service" (title word) — sentence 3 ranks first but is spoken after 1.
        let answer = try #require(AnswerComposer.compose(
            question: "do I get a service record for my warranty and what does a service cost",
            passages: [SamplePassages.boilerService], threshold: 0.35, maxWords: 60))
        #expect(answer.text == "A standard annual gas boiler service costs £95 including VAT. The engineer checks the burner, heat exchanger, flue, seals, gas pressure and safety devices, and gives you a service record for your warranty.")
    }

    @Test func emailAddressesAreSpelledOut() throws {
        let answer = try #require(AnswerComposer.compose(
            question: "how do i put in a maintenance request is there an app or something",
            passages: [SamplePassages.reportRepair], threshold: 0.35))
        #expect(answer.text == "The quickest way to report a non-emergency repair is through the Harbour Lane tenant portal or app, which is available 24 hours a day. You can also email maintenance at harbourlane-lettings dot example or phone the office during opening hours.")
    }

    @Test func noQuestionWordsFallsBackToTheFirstSentence() throws {
        let answer = try #require(AnswerComposer.compose(
            question: "um hi", passages: [SamplePassages.boilerService], threshold: 0.35))
        #expect(answer.text == "A standard annual gas boiler service costs £95 including VAT.")
    }

    @Test func titleWordsCountLessThanOtherWords() {
        let title: Set<String> = ["offic", "hour"]
        let question = Set(ContentWords.stems("what are your office hours on sunday"))
        #expect(AnswerComposer.relevance(of: "Our office hours are Monday 8:00am to 5:00pm.", question: question, title: title) == 1.0)
        #expect(AnswerComposer.relevance(of: "We are closed on Sundays.", question: question, title: title) == 1.0)
        #expect(AnswerComposer.relevance(of: "Sunday office hours.", question: question, title: title) == 2.0)
        #expect(AnswerComposer.relevance(of: "Nothing here.", question: question, title: title) == 0)
    }

    @Test func tiesGoToTheEarlierSentenceAndTheFirstHasAPrior() throws {
        let passage = Passage(entryId: "e", chunkId: 1, title: "Misc",
                              text: "Intro line here. Parking is free. Parking is paid at weekends.",
                              score: 0.1, similarity: 0.9)
        let parking = try #require(AnswerComposer.compose(question: "parking", passages: [passage], threshold: 0.5, maxSentences: 1))
        #expect(parking.text == "Parking is free.")
        let none = try #require(AnswerComposer.compose(question: "boilers", passages: [passage], threshold: 0.5, maxSentences: 1))
        #expect(none.text == "Intro line here.")
    }

    @Test func onlyRelevantSentencesAreAddedAfterTheFirst() throws {
        let answer = try #require(AnswerComposer.compose(
            question: "what are your hours on thursday", passages: [SamplePassages.officeHours], threshold: 0.35))
        // Sentence 2 ("We are closed on Sundays.") shares no word with the question, so it is not added.
        #expect(answer.text == "Our office hours are Monday 8:00am to 5:00pm, Tuesday 8:00am to 7:00pm, Wednesday 8:00am to 5:00pm, Thursday 10:00am to 7:00pm, Friday 8:00am to 2:00pm, and Saturday 8:00am to 12:00pm.")
    }

    @Test func aLongSentenceIsCutAtAClauseBoundary() throws {
        let answer = try #require(AnswerComposer.compose(
            question: "toothache emergency", passages: [SamplePassages.emergencies], threshold: 0.35, maxWords: 20))
        #expect(answer.text == "We keep emergency slots open every day we are open, so if you have severe pain, swelling, a broken tooth.")
        #expect(AnswerComposer.wordCount(answer.text) <= 20)
    }

    @Test(arguments: [
        ("One two three four five six seven eight nine ten eleven twelve.", 5, "One two three four five."),
        ("We fix boilers and the taps and the showers in town.", 6, "We fix boilers and the taps."),
        ("We fix boilers and the taps and the showers in town.", 5, "We fix boilers."),
        ("Bring photo ID (a passport or driving licence) and your card.", 5, "Bring photo ID a passport."),
        ("Short one.", 5, "Short one."),
        ("Call early — slots go fast and book up weeks ahead.", 4, "Call early."),
    ])
    func fittedCutsAtTheWordLimit(_ sentence: String, _ maxWords: Int, _ expected: String) {
        #expect(AnswerComposer.fitted(sentence, maxWords: maxWords) == expected)
    }

    @Test func belowThresholdOrNoPassagesGivesNil() {
        #expect(AnswerComposer.compose(question: "hours", passages: [], threshold: 0.35) == nil)
        var weak = SamplePassages.officeHours
        weak.similarity = 0.34
        #expect(AnswerComposer.compose(question: "hours", passages: [weak], threshold: 0.35) == nil)
        weak.similarity = 0.35
        #expect(AnswerComposer.compose(question: "hours", passages: [weak], threshold: 0.35)?.confidence == 0.35)
        #expect(AnswerComposer.compose(question: "hours", passages: [weak], threshold: 0.2, maxSentences: 0) == nil)
        #expect(AnswerComposer.compose(question: "hours", passages: [weak], threshold: 0.2, maxWords: 0) == nil)
    }

    @Test func theFirstRankedPassageThatClearsTheThresholdIsUsed() throws {
        var first = SamplePassages.boilerService
        first.similarity = 0.4
        first.score = 0.05
        var unranked = SamplePassages.implants
        unranked.similarity = nil
        let passages = [first, unranked, SamplePassages.officeHours]
        // Retrieval order decides among passages that clear the threshold, not the highest similarity.
        let ranked = try #require(AnswerComposer.compose(question: "what are your hours", passages: passages, threshold: 0.35))
        #expect(ranked.citations.map(\.entryId) == ["plumbing-boiler-service"])
        #expect(ranked.confidence == 0.4)
        // A passage below the threshold is passed over for the next that clears it.
        let next = try #require(AnswerComposer.compose(question: "what are your hours", passages: passages, threshold: 0.5))
        #expect(next.citations.map(\.entryId) == ["dental-office-hours"])
        #expect(next.confidence == 0.71)
        // None clears it (a passage without similarity never does when others have one): nil.
        #expect(AnswerComposer.compose(question: "hours", passages: [first, unranked], threshold: 0.5) == nil)
    }

    @Test func equalSimilaritiesPreferTheEarlierPassage() throws {
        var a = SamplePassages.boilerService
        var b = SamplePassages.officeHours
        a.similarity = 0.6
        b.similarity = 0.6
        let answer = try #require(AnswerComposer.compose(question: "hours", passages: [b, a], threshold: 0.35))
        #expect(answer.citations.map(\.entryId) == ["dental-office-hours"])
    }

    @Test func withoutSimilaritiesTheFirstPassageIsUsedWithItsClampedScore() throws {
        var a = SamplePassages.boilerService
        var b = SamplePassages.officeHours
        a.similarity = nil
        b.similarity = nil
        a.score = 0.8
        let answer = try #require(AnswerComposer.compose(question: "service", passages: [a, b], threshold: 0.5))
        #expect(answer.citations.map(\.entryId) == ["plumbing-boiler-service"])
        #expect(answer.confidence == 0.8)
        a.score = 1.7
        #expect(AnswerComposer.compose(question: "service", passages: [a, b], threshold: 0.5)?.confidence == 1)
        a.score = 0.03  // a fused rank score: too low to vouch for the answer
        #expect(AnswerComposer.compose(question: "service", passages: [a, b], threshold: 0.35) == nil)
    }

    @Test func aPassageWithNothingSpeakableIsSkipped() throws {
        let empty = Passage(entryId: "empty", chunkId: 9, title: "Logo", text: "🎉 ![](logo.png)", score: 0.1, similarity: 0.9)
        let answer = try #require(AnswerComposer.compose(
            question: "service", passages: [empty, SamplePassages.boilerService], threshold: 0.35))
        #expect(answer.citations.map(\.entryId) == ["plumbing-boiler-service"])
        #expect(answer.confidence == 0.58)
        #expect(AnswerComposer.compose(question: "logo", passages: [empty], threshold: 0.35) == nil)
    }

    @Test func markdownPassagesAreCleanedForSpeech() throws {
        let passage = Passage(
            entryId: "md", chunkId: 1, title: "Prices",
            text: "## Prices\n\n| Job | Price |\n|---|---|\n| Boiler service | £95 |\n| Call-out | £89 |\n\n**Book** at https://x.example/book 🎉",
            score: 0.1, similarity: 0.8)
        let answer = try #require(AnswerComposer.compose(
            question: "how much is a call-out", passages: [passage], threshold: 0.35, maxSentences: 1))
        #expect(answer.text == "Call-out: £89.")
        let two = try #require(AnswerComposer.compose(
            question: "boiler service and call-out prices", passages: [passage], threshold: 0.35))
        #expect(two.text == "Boiler service: £95. Call-out: £89.")
    }

    /// The property the receptionist relies on: over every sample knowledge entry and a range of questions,
    /// every word spoken comes from the passage (or is one of VoiceText's fixed spoken forms), and the
    /// answer respects the sentence and word limits.
    @Test(arguments: [(2, 40), (1, 12), (3, 25)])
    func answersInventNoWordsAndRespectLimits(_ maxSentences: Int, _ maxWords: Int) throws {
        let samples = try KnowledgeSamples.all()
        #expect(samples.count == 148)
        let questions = ["what does it cost", "when are you open on saturday", "hi", "emergency",
                         "can I book online or by email"]
        var answered = 0
        for sample in samples {
            let passage = Passage(entryId: sample.title, chunkId: 1, title: sample.title, text: sample.content,
                                  score: 0.03, similarity: 0.5)
            for question in questions + [sample.title] {
                let answer = try #require(AnswerComposer.compose(
                    question: question, passages: [passage], threshold: 0.35,
                    maxSentences: maxSentences, maxWords: maxWords))
                answered += 1
                let source = Set(ContentWords.words(sample.content)).union(VoiceText.spokenForms)
                let invented = Set(ContentWords.words(answer.text)).subtracting(source)
                #expect(invented.isEmpty, "\(sample.title) / \(question): \(invented)")
                #expect(AnswerComposer.wordCount(answer.text) <= maxWords, "\(answer.text)")
                #expect(VoiceText.sentences(answer.text).count <= maxSentences, "\(answer.text)")
                #expect(answer.text.last.map { ".!?".contains($0) } == true, "\(answer.text)")
                #expect(answer.citations == [Citation(passage)])
                #expect(answer.confidence == 0.5)
            }
        }
        #expect(answered == 148 * 6)
    }
}
