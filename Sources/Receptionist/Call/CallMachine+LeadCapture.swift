import Foundation

/// Emergencies, bookings and taking a caller's details: LEAD_CAPTURE and CONFIRMATION.
extension CallMachine {
    mutating func emergencyReported(_ match: EmergencyMatch, text: String, policy: CallPolicy) -> [CallAction] {
        emergency = match
        var draft = lead ?? LeadDraft(reason: .emergency)
        if leadSaved {
            // A message was already saved on this call: the emergency is a new lead, with the details known.
            draft = LeadDraft(reason: .emergency, name: draft.name, phone: draft.phone, address: draft.address)
            leadSaved = false
        }
        draft.reason = .emergency
        draft.isEmergency = true
        draft.severity = .urgent
        draft.notes = draft.notes ?? text
        draft.category = draft.category ?? EntityExtractor.category(in: text)
        fill(&draft, from: text, policy: policy)
        lead = draft
        offer = nil
        state = .leadCapture
        let caller = callerNumber.map { " Caller \($0)." } ?? ""
        let alert = OwnerAlert(kind: .emergency, callbackNumber: callerNumber,
                               message: "EMERGENCY (\(match.phrase)) \(policy.medium == .chat ? "in a web chat with" : "on a call to") \(policy.businessName).\(caller) They said: \"\(text.prefix(160))\"")
        return [.flagEmergency(match), .say(CallScript.safety(policy)), .alertOwner(alert), .say(CallScript.emergencyIntro)]
            + askNext(policy)
    }

    mutating func startBooking(_ text: String, policy: CallPolicy) -> [CallAction] {
        var draft = lead ?? LeadDraft(reason: .booking)
        draft.notes = draft.notes ?? text
        draft.category = EntityExtractor.category(in: text)
        draft.severity = EntityExtractor.severity(in: text)
        draft.timeWindow = EntityExtractor.timeWindow(in: text, now: policy.now, timeZone: policy.timeZone)
        fill(&draft, from: text, policy: policy)
        lead = draft
        retries = 0
        if let offer = offerForRequest(policy) { return offer }
        if draft.timeWindow == nil {
            state = .bookingRequest
            return [.say(CallScript.bookingAskTime), .listen]
        }
        state = .leadCapture
        return [.say(CallScript.bookingIntro)] + askNext(policy)
    }

    /// BOOKING_REQUEST: the caller's preferred time. Words that do not resolve to a time are kept as a note.
    mutating func bookingTime(_ text: String, policy: CallPolicy) -> [CallAction] {
        if !offeredSlots.isEmpty { return chooseSlot(text, policy: policy) }
        if IntentClassifier.classify(text) == .goodbye { return finish(saying: CallScript.goodbye(policy)) }
        if let window = EntityExtractor.timeWindow(in: text, now: policy.now, timeZone: policy.timeZone) {
            lead?.timeWindow = window
        } else if retries < 1, IntentClassifier.classify(text) == .unclear {
            retries += 1
            return [.say(CallScript.didNotCatch), .listen]
        } else {
            let notes = [lead?.notes, "Preferred time: \(text)"].compactMap { $0 }.joined(separator: ". ")
            lead?.notes = notes
        }
        retries = 0
        state = .leadCapture
        return [.say("Thanks. Let me take a few details.")] + askNext(policy)
    }

    mutating func startLead(_ reason: LeadReason, notes: String?, intro: String, policy: CallPolicy) -> [CallAction] {
        var draft = lead ?? LeadDraft(reason: reason)
        draft.notes = draft.notes ?? notes
        lead = draft
        retries = 0
        state = .leadCapture
        return [.say(intro)] + askNext(policy)
    }

    /// The fields still needed, in the order they are asked: an emergency asks where first.
    func missingFields(_ policy: CallPolicy) -> [LeadField] {
        guard let lead else { return [] }
        let order: [LeadField] = lead.isEmergency ? [.address, .phone, .name] : [.name, .phone, .address, .notes]
        return order.filter { field in
            if field == .address && !policy.collectAddress { return false }
            return lead[field] == nil
        }
    }

    /// Asks for the next missing field, or reads everything back when nothing is missing.
    mutating func askNext(_ policy: CallPolicy) -> [CallAction] {
        guard let field = missingFields(policy).first else {
            asking = nil
            offer = nil
            state = .confirmation
            return [.say(CallScript.readBack(lead!, medium: policy.medium)), .listen]
        }
        state = .leadCapture
        asking = field
        if field == .phone, let callerNumber, !callerIDDeclined {
            offer = .callerID
            return [.say(CallScript.confirmCallerID(callerNumber)), .listen]
        }
        offer = nil
        return [.say(CallScript.prompt(for: field, emergency: lead?.isEmergency ?? false)), .listen]
    }

    /// LEAD_CAPTURE: the answer to the field last asked for (other details in the same words are kept too).
    mutating func leadField(_ text: String, policy: CallPolicy) -> [CallAction] {
        guard var draft = lead, let field = asking else { return askNext(policy) }
        let intent = IntentClassifier.classify(text)
        if intent == .goodbye {
            return finish(saying: CallScript.goodbye(policy))
        }
        if offer == .callerID {
            offer = nil
            if let number = EntityExtractor.phoneNumber(in: text, defaultCountryCode: policy.defaultCountryCode) {
                draft.phone = number
            } else if intent == .affirm {
                draft.phone = callerNumber
            } else if intent == .deny {
                callerIDDeclined = true
                lead = draft
                return [.say(CallScript.prompt(for: .phone, emergency: draft.isEmergency)), .listen]
            } else {
                offer = .callerID
                return retry(field, policy: policy)
            }
            lead = draft
            retries = 0
            return askNext(policy)
        }
        fill(&draft, from: text, policy: policy)
        if draft[field] == nil, let value = Self.bareValue(for: field, in: text, intent: intent) {
            draft[field] = value
        }
        lead = draft
        if draft[field] == nil {
            if retries < 2 { return retry(field, policy: policy) }
            // Two tries and still nothing usable: keep the caller's words (or the caller ID) and move on.
            lead?[field] = field == .phone ? callerNumber ?? text : text
        }
        retries = 0
        return askNext(policy)
    }

    private mutating func retry(_ field: LeadField, policy: CallPolicy) -> [CallAction] {
        retries += 1
        if field == .phone, offer == .callerID, let callerNumber {
            return [.say(CallScript.yesOrNo + " " + CallScript.confirmCallerID(callerNumber)), .listen]
        }
        return [.say(CallScript.retry(for: field)), .listen]
    }

    /// CONFIRMATION: "yes", a correction ("no, it's 14 Elm Road"), or "no" and which part is wrong.
    mutating func confirmation(_ text: String, policy: CallPolicy) -> [CallAction] {
        guard var draft = lead else { return askNext(policy) }
        let intent = IntentClassifier.classify(text)
        let before = draft
        fill(&draft, from: text, policy: policy, overwrite: true)
        if draft != before {
            lead = draft
            retries = 0
            return [.say(CallScript.updated)] + askNext(policy)
        }
        if let field = Self.namedField(in: text), intent != .affirm {
            lead?[field] = nil
            if field == .phone { callerIDDeclined = true }
            retries = 0
            return askNext(policy)
        }
        switch intent {
        case .affirm:
            retries = 0
            if let slot = lead?.appointment {
                booked = true
                let spoken = lead?.timeWindow?.phrase ?? CallScript.slot(slot, policy: policy)
                let saved = saveLead(policy)  // fills the callback number from the caller ID first
                let actions = [CallAction.book(slot, lead!)] + saved
                state = .wrapUp
                offer = .anythingElse
                return actions + [.say("You're booked for \(spoken). We'll text you a reminder. " + CallScript.anythingElse), .listen]
            }
            let actions = saveLead(policy)
            if lead?.isEmergency == true {
                state = .ended
                return actions + [.say(CallScript.saved(lead!) + " " + CallScript.safety(policy)), .hangUp]
            }
            state = .wrapUp
            offer = .anythingElse
            return actions + [.say(CallScript.saved(lead!) + " " + CallScript.anythingElse), .listen]
        case .deny:
            offer = .correction
            return [.say(CallScript.whichField), .listen]
        case .goodbye:
            return finish(saying: CallScript.goodbye(policy))
        default:
            retries += 1
            return [.say(CallScript.yesOrNo), .listen]
        }
    }

    /// The lead stored, and the owner told.
    mutating func saveLead(_ policy: CallPolicy?) -> [CallAction] {
        guard var draft = lead, !leadSaved else { return [] }
        if draft.phone == nil { draft.phone = callerNumber }
        lead = draft
        leadSaved = true
        var summary = [draft.name, draft.phone, draft.address].compactMap { $0 }.joined(separator: ", ")
        if let notes = draft.notes { summary += (summary.isEmpty ? "" : ": ") + String(notes.prefix(160)) }
        let alert = OwnerAlert(kind: .newLead, callbackNumber: draft.phone,
                               message: "New \(draft.isEmergency ? "EMERGENCY " : "")lead (\(draft.reason.rawValue)): \(summary)")
        return [.saveLead(draft), .alertOwner(alert)]
    }

    /// Details found anywhere in the caller's words: a spoken number, "my name is …", a street address.
    func fill(_ draft: inout LeadDraft, from text: String, policy: CallPolicy, overwrite: Bool = false) {
        if overwrite || draft.phone == nil,
           let phone = EntityExtractor.phoneNumber(in: text, defaultCountryCode: policy.defaultCountryCode) {
            draft.phone = phone
        }
        if overwrite || draft.name == nil, let name = EntityExtractor.name(in: text) { draft.name = name }
        if policy.collectAddress, overwrite || draft.address == nil, let address = EntityExtractor.address(in: text) {
            draft.address = address
        }
    }

    /// A reply that is just the value asked for ("Jon Smith", "14 Elm Road"), when no pattern matched.
    static func bareValue(for field: LeadField, in text: String, intent: CallerIntent) -> String? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "." })
        switch field {
        case .name:
            guard intent != .affirm, intent != .deny, (1...4).contains(words.count),
                  words.allSatisfy({ $0.allSatisfy { $0.isLetter || $0 == "'" || $0 == "-" } }) else { return nil }
            return words.map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }.joined(separator: " ")
        case .address:
            guard words.count >= 2, text.contains(where: \.isNumber) else { return nil }
            return text
        case .notes:
            return intent == .unclear ? nil : text
        case .phone:
            return nil
        }
    }

    /// Which detail the caller says is wrong ("the number's wrong", "change the address").
    static func namedField(in text: String) -> LeadField? {
        let words = Set(text.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init))
        if !words.isDisjoint(with: ["number", "phone", "digits"]) { return .phone }
        if !words.isDisjoint(with: ["address", "street", "road", "house"]) { return .address }
        if !words.isDisjoint(with: ["name", "spelling", "spelled", "spelt"]) { return .name }
        return nil
    }
}
