import Foundation
import Maintenance
import Testing

@Suite struct DispatchTextsTests {
    let chicago = TimeZone(identifier: "America/Chicago")!
    static let longAddress = "12345 North Westmoreland Boulevard, Apartment 1204B, Springfield, IL 62704"

    private func local(_ day: Int, _ hour: Int) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = chicago
        return calendar.date(from: DateComponents(year: 2026, month: 1, day: day, hour: hour))!
    }

    private var now: Date { local(1, 10) }

    private func job(problem: String = "no hot water", address: String = "14 Elm St",
                     priority: TicketPriority = .urgent, window: VisitWindow? = nil) -> DispatchJob {
        DispatchJob(code: "K7Q2", problem: problem, address: address, priority: priority,
                    window: window ?? VisitWindow(start: local(1, 14), end: local(1, 18)), timeZone: chicago)
    }

    @Test func theOfferIsTheIssuesWording() {
        #expect(DispatchTexts.offer(job(), now: now)
                == "Job K7Q2: no hot water at 14 Elm St, today 2-6pm. Reply YES K7Q2 to take it or NO K7Q2.")
        let tomorrow = job(window: VisitWindow(start: local(2, 9), end: local(2, 12)))
        #expect(DispatchTexts.offer(tomorrow, now: now)
                == "Job K7Q2: no hot water at 14 Elm St, tomorrow 9am-12pm. Reply YES K7Q2 to take it or NO K7Q2.")
        let flood = DispatchJob(code: "M3P9", problem: "Water pouring through the ceiling.", address: "3 Oak Ave",
                                priority: .emergency, window: nil, timeZone: chicago)
        #expect(DispatchTexts.offer(flood, now: now)
                == "EMERGENCY job M3P9: Water pouring through the ceiling at 3 Oak Ave, ASAP. Reply YES M3P9 to take it or NO M3P9.")
    }

    @Test func aLongAddressKeepsTheOfferInOneSMSByShorteningTheRest() {
        let offer = DispatchTexts.offer(job(problem: "kitchen sink drain is completely blocked and backing up",
                                            address: Self.longAddress,
                                            window: VisitWindow(start: local(9, 9), end: local(9, 12))), now: now)
        #expect(offer.count <= 160, "\(offer.count): \(offer)")
        #expect(offer.contains(Self.longAddress))
        #expect(offer.contains("Fri 9 Jan 9am-12pm"))
        #expect(offer.hasSuffix("Reply YES K7Q2 or NO K7Q2."))
        #expect(offer.hasPrefix("Job K7Q2: kitchen sink drain..."), "\(offer)")
        #expect(GSM7.segments(offer) == 1)
    }

    @Test func aLongAddressThatStillFitsChangesNothing() {
        let offer = DispatchTexts.offer(job(problem: "no heat", address: Self.longAddress), now: now)
        #expect(offer == "Job K7Q2: no heat at \(Self.longAddress), today 2-6pm. Reply YES K7Q2 to take it or NO K7Q2.")
        #expect(offer.count == 147)
    }

    @Test func aSlightlyLongOfferDropsTheWordsToTakeItBeforeCuttingTheProblem() {
        // 164 characters in full; without "to take it " 153: the problem stays whole.
        let offer = DispatchTexts.offer(job(problem: "no heat in the bedroom", address: Self.longAddress + " X"), now: now)
        #expect(offer == "Job K7Q2: no heat in the bedroom at \(Self.longAddress) X, today 2-6pm. Reply YES K7Q2 or NO K7Q2.")
        #expect(offer.count == 153)
    }

    @Test func anAddressTooLongForOneSMSIsNeverCut() {
        let address = Self.longAddress + ", rear building, gate code 4412, second door on the left past the garages"
        let offer = DispatchTexts.offer(job(problem: "the bathroom ceiling fan rattles and smells of burning",
                                            address: address), now: now)
        #expect(offer.contains(address))
        // Two parts whatever is cut, so nothing is: the whole problem and the full wording go.
        #expect(offer.contains(": the bathroom ceiling fan rattles and smells of burning at"), "\(offer)")
        #expect(offer.hasSuffix("Reply YES K7Q2 to take it or NO K7Q2."))
        #expect(GSM7.segments(offer) == 2)
    }

    /// Every text, with the long address, a long problem and long names, measured: all GSM-7, and one SMS each
    /// except where the address alone pushes past it.
    @Test func everyTextIsGSM7AndItsLengthIsKnown() {
        let long = job(problem: "water heater leaking from the bottom onto the garage floor", address: Self.longAddress,
                       priority: .emergency, window: VisitWindow(start: local(2, 9), end: local(2, 12)))
        let vendor = "Westmoreland Plumbing & Heating LLC"
        let texts: [(String, String)] = [
            ("offer", DispatchTexts.offer(long, now: now)),
            ("vendorBooked", DispatchTexts.vendorBooked(long, tenantName: "Ana Diaz", tenantPhone: "+15550102000", now: now)),
            ("alreadyTaken", DispatchTexts.alreadyTaken(code: "K7Q2")),
            ("declined", DispatchTexts.declined(code: "K7Q2")),
            ("vendorReminder", DispatchTexts.vendorReminder(long, now: now)),
            ("vendorCompletionRequest", DispatchTexts.vendorCompletionRequest(long)),
            ("tenantConfirmation", DispatchTexts.tenantConfirmation(long, vendorName: vendor, now: now)),
            ("tenantReminder", DispatchTexts.tenantReminder(long, vendorName: vendor, now: now)),
            ("tenantCompletionRequest", DispatchTexts.tenantCompletionRequest(long)),
            ("tenantAutoClosed", DispatchTexts.tenantAutoClosed(code: "K7Q2")),
            ("landlordNotice", DispatchTexts.landlordNotice(long, vendorName: vendor, now: now)),
            ("escalation", DispatchTexts.escalation(long, reason: .emergencyNotAccepted, tenantName: "Ana Diaz",
                                                    tenantPhone: "+15550102000")),
            ("whichJob", DispatchTexts.whichJob(.accept, open: ["K7Q2", "M3P9", "T4W8"])),
        ]
        for (name, text) in texts {
            #expect(GSM7.isEncodable(text), "\(name) is not GSM-7: \(text)")
            // The emergency escalation with its tenant and a 74-character address needs two parts; all else fits one.
            #expect(GSM7.segments(text) == (name == "escalation" ? 2 : 1), "\(name) is \(text.count) characters: \(text)")
            #expect(text.contains(Self.longAddress) || !(name.contains("offer") || name.contains("Reminder") && name.hasPrefix("vendor")),
                    "\(name) lost the address")
        }
    }

    @Test func vendorTexts() {
        #expect(DispatchTexts.vendorBooked(job(), tenantName: "Ana", tenantPhone: "+15550102000", now: now)
                == "Job K7Q2 is yours: no hot water at 14 Elm St, today 2-6pm. Tenant: Ana +15550102000. Thank you!")
        #expect(DispatchTexts.vendorBooked(job(), tenantName: nil, tenantPhone: nil, now: now)
                == "Job K7Q2 is yours: no hot water at 14 Elm St, today 2-6pm. Thank you!")
        #expect(DispatchTexts.alreadyTaken(code: "K7Q2") == "Job K7Q2 has already been taken. Thank you for replying!")
        #expect(DispatchTexts.declined(code: "K7Q2") == "Thanks for letting us know. Job K7Q2 will go to another vendor.")
        #expect(DispatchTexts.vendorReminder(job(window: VisitWindow(start: local(2, 9), end: local(2, 12))), now: now)
                == "Reminder: Job K7Q2 at 14 Elm St, tomorrow 9am-12pm (no hot water).")
        #expect(DispatchTexts.vendorReminder(job(), now: local(1, 13)) == "Reminder: Job K7Q2 at 14 Elm St, today 2-6pm (no hot water).")
        #expect(DispatchTexts.vendorCompletionRequest(job()) == "Finished Job K7Q2 at 14 Elm St? Reply DONE K7Q2 to close it.")
    }

    @Test func tenantTexts() {
        #expect(DispatchTexts.tenantConfirmation(job(), vendorName: "Acme Plumbing", now: now)
                == "Job K7Q2 (no hot water) is booked: Acme Plumbing will come today 2-6pm. Reply to this text if anything changes.")
        #expect(DispatchTexts.tenantReminder(job(window: VisitWindow(start: local(2, 9), end: local(2, 12))),
                                             vendorName: "Acme Plumbing", now: now)
                == "Reminder: Acme Plumbing comes tomorrow 9am-12pm for Job K7Q2 (no hot water).")
        #expect(DispatchTexts.tenantCompletionRequest(job())
                == "Is Job K7Q2 (no hot water) fixed? Reply DONE K7Q2 if it is, or tell us what is still wrong.")
        #expect(DispatchTexts.tenantAutoClosed(code: "K7Q2")
                == "Job K7Q2 is now closed. Still a problem? Text us and we will open a new job.")
        #expect(DispatchTexts.autoClosedNote(afterMinutes: 1440) == "Closed automatically: no DONE reply within 24 hours after the visit.")
        #expect(DispatchTexts.autoClosedNote(afterMinutes: 90) == "Closed automatically: no DONE reply within 90 minutes after the visit.")
    }

    @Test func landlordTexts() {
        #expect(DispatchTexts.landlordNotice(job(), vendorName: "Acme Plumbing", now: now)
                == "Job K7Q2 booked: no hot water at 14 Elm St. Acme Plumbing, today 2-6pm.")
        #expect(DispatchTexts.escalation(job(), reason: .allDeclinedOrTimedOut, tenantName: "Ana Diaz", tenantPhone: "+15550102000")
                == "Job K7Q2 needs you: every vendor declined or did not answer. Urgent: no hot water at 14 Elm St. Tenant: Ana Diaz +15550102000.")
        #expect(DispatchTexts.escalation(job(priority: .routine), reason: .noCandidates, tenantName: nil, tenantPhone: nil)
                == "Job K7Q2 needs you: no active vendor covers this trade and area. Routine: no hot water at 14 Elm St.")
        #expect(DispatchTexts.escalation(job(priority: .emergency), reason: .emergencyNotAccepted, tenantName: nil,
                                         tenantPhone: nil, emergencyWindowMinutes: 30)
                == "Job K7Q2 needs you: no vendor accepted within 30 minutes. EMERGENCY: no hot water at 14 Elm St.")
    }

    @Test func theEscalationCallSaysTheTicketSummaryWithTheCodeSpelledOut() {
        #expect(DispatchTexts.escalationCall(job(), businessName: "Harbour Lane Property Management",
                                             reason: .allDeclinedOrTimedOut, tenantName: "Ana Diaz")
                == "This is Harbour Lane Property Management maintenance calling about job K 7 Q 2, an urgent job: no hot "
                + "water at 14 Elm St. It needs you because every vendor declined or did not answer. The tenant is Ana Diaz. "
                + "The details are in a text we sent you.")
        let emergency = DispatchTexts.escalationCall(job(priority: .emergency), businessName: "Elm Lettings",
                                                     reason: .emergencyNotAccepted, tenantName: nil, emergencyWindowMinutes: 30)
        #expect(emergency.contains("an emergency: no hot water") && emergency.contains("no vendor accepted within 30 minutes."))
        #expect(!emergency.contains("tenant"))
    }

    @Test func answersToASecondOrOvertakenYesAreOneSMS() {
        #expect(DispatchTexts.alreadyYours(code: "K7Q2") == "Job K7Q2 is already yours. Thank you!")
        #expect(DispatchTexts.withdrawn(code: "K7Q2") == "Job K7Q2 has been taken by another vendor: no need to reply. Thank you!")
        #expect(DispatchTexts.fits(DispatchTexts.withdrawn(code: "K7Q2")) && DispatchTexts.fits(DispatchTexts.alreadyYours(code: "K7Q2")))
    }

    @Test func whichJobAndUnmatchedReplies() {
        #expect(DispatchTexts.whichJob(.accept, open: ["K7Q2", "M3P9"]) == "You have 2 open jobs: reply YES K7Q2 or YES M3P9.")
        #expect(DispatchTexts.whichJob(.decline, open: ["K7Q2", "M3P9", "T4W8"])
                == "You have 3 open jobs: reply NO K7Q2, NO M3P9 or NO T4W8.")
        #expect(DispatchTexts.whichJob(.done, open: ["A2B3", "C4D5", "E6F7", "G8H9"])
                == "You have 4 open jobs: reply DONE and the job code, e.g. DONE A2B3.")
        let yes = DispatchReply(parsing: "YES")
        #expect(DispatchTexts.unmatched(.notAReply) == nil)
        guard case let .unmatched(ambiguous) = yes.match(openCodes: ["M3P9", "K7Q2"]) else {
            Issue.record("a bare YES with two open offers matched")
            return
        }
        #expect(DispatchTexts.unmatched(ambiguous) == "You have 2 open jobs: reply YES K7Q2 or YES M3P9.")
        guard case let .unmatched(typo) = DispatchReply(parsing: "yes k7qo").match(openCodes: ["K7Q2"]) else {
            Issue.record("a mistyped code matched")
            return
        }
        #expect(DispatchTexts.unmatched(typo) == "Job K7QO is not open for you. Reply YES K7Q2.")
        #expect(DispatchTexts.unmatched(.codeNotOpen(.accept, code: "K7Q2", open: []))
                == "Job K7Q2 is not open for you, and you have no open jobs with us.")
        #expect(DispatchTexts.unmatched(.noOpenJobs(.done)) == "You have no open jobs with us right now.")
    }

    @Test func tenantWordsAreMadeGSM7AndOneLine() {
        let text = DispatchTexts.offer(job(problem: "tenant’s “boiler”\nis out – again."), now: now)
        #expect(text == "Job K7Q2: tenant's \"boiler\" is out - again at 14 Elm St, today 2-6pm. Reply YES K7Q2 to take it or NO K7Q2.")
    }
}
