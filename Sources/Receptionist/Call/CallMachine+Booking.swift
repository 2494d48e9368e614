import Foundation

/// Booking on the phone: offering real free slots (from the business's booking rules), taking the caller's pick,
/// and booking it once the details are confirmed.
extension CallMachine {
    /// Free slots not yet turned down, inside `window` when one is given.
    func candidateSlots(_ policy: CallPolicy, within window: TimeWindow?) -> [BookingInterval] {
        policy.openSlots.filter { slot in
            !declinedSlots.contains(slot) && window.map { slot.start >= $0.start && slot.start < $0.end } ?? true
        }
    }

    /// Offers up to two slots, or returns nil when there is nothing to offer.
    mutating func offerSlots(_ slots: [BookingInterval], policy: CallPolicy, lead preface: String) -> [CallAction]? {
        guard !slots.isEmpty else { return nil }
        offeredSlots = Array(slots.prefix(2))
        state = .bookingRequest
        let spoken = offeredSlots.map { CallScript.slot($0, policy: policy) }
        let choice = spoken.count == 2 ? "\(spoken[0]) or \(spoken[1])" : spoken[0]
        let question = spoken.count == 2 ? "Which would suit you?" : "Would that suit you?"
        // A choice ending in "a.m." already ends its sentence.
        return [.say("\(preface) I can do \(choice)\(choice.hasSuffix(".") ? "" : ".") \(question)"), .listen]
    }

    /// A booking request with free slots to offer: the ones in the caller's window, else the soonest.
    mutating func offerForRequest(_ policy: CallPolicy) -> [CallAction]? {
        let window = lead?.timeWindow
        if let actions = offerSlots(candidateSlots(policy, within: window), policy: policy, lead: "Sure.") {
            return actions
        }
        guard window != nil else { return nil }
        return offerSlots(candidateSlots(policy, within: nil), policy: policy, lead: "I don't have anything free then.")
    }

    /// BOOKING_REQUEST with slots on offer: the caller picks one, asks for another time, or declines.
    mutating func chooseSlot(_ text: String, policy: CallPolicy) -> [CallAction] {
        let intent = IntentClassifier.classify(text)
        if intent == .goodbye { return finish(saying: CallScript.goodbye(policy)) }
        let words = Set(text.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init))
        var chosen: BookingInterval?
        if !words.isDisjoint(with: ["first", "earlier", "former", "earliest"]) {
            chosen = offeredSlots.first
        } else if !words.isDisjoint(with: ["second", "later", "latter", "last"]), offeredSlots.count > 1 {
            chosen = offeredSlots[1]
        } else if let window = EntityExtractor.timeWindow(in: text, now: policy.now, timeZone: policy.timeZone) {
            if let match = offeredSlots.first(where: { $0.start >= window.start && $0.start < window.end }) {
                chosen = match
            } else {
                let slots = candidateSlots(policy, within: window)
                if let actions = offerSlots(slots, policy: policy, lead: "Sure.") { return actions }
                if let actions = offerSlots(candidateSlots(policy, within: nil), policy: policy,
                                            lead: "I'm sorry, I don't have anything free then.") { return actions }
            }
        } else if intent == .affirm {
            chosen = offeredSlots.first
        } else if intent == .deny {
            declinedSlots += offeredSlots
            if let actions = offerSlots(candidateSlots(policy, within: lead?.timeWindow), policy: policy, lead: "No problem.")
                ?? offerSlots(candidateSlots(policy, within: nil), policy: policy, lead: "No problem.") {
                return actions
            }
            return detailsWithoutSlot(policy, saying: "I don't have another free time to offer right now.")
        } else if retries < 1 {
            retries += 1
            let spoken = offeredSlots.map { CallScript.slot($0, policy: policy) }
            return [.say("Sorry, which would suit you: \(spoken.joined(separator: " or "))?"), .listen]
        }
        guard let slot = chosen else {
            return detailsWithoutSlot(policy, saying: "Let me take your details instead.")
        }
        retries = 0
        offeredSlots = []
        let spoken = CallScript.slot(slot, policy: policy)
        lead?.appointment = slot
        lead?.timeWindow = TimeWindow(phrase: spoken, start: slot.start, end: slot.end)
        state = .leadCapture
        return [.say("Great, \(spoken) it is. Let me take a few details.")] + askNext(policy)
    }

    /// No slot agreed: take the details so someone calls back to arrange a time.
    mutating func detailsWithoutSlot(_ policy: CallPolicy, saying line: String) -> [CallAction] {
        offeredSlots = []
        retries = 0
        state = .leadCapture
        return [.say(line + " Someone will call you back to arrange a time.")] + askNext(policy)
    }

    /// The agreed slot was taken meanwhile: offer others (or take the details without one).
    mutating func slotTaken(policy: CallPolicy) -> [CallAction] {
        guard let slot = lead?.appointment else { return [] }
        lead?.appointment = nil
        lead?.timeWindow = nil
        declinedSlots.append(slot)
        if let actions = offerSlots(candidateSlots(policy, within: nil), policy: policy,
                                    lead: "I'm sorry, that time has just been taken.") {
            return actions
        }
        return detailsWithoutSlot(policy, saying: "I'm sorry, that time has just been taken and I have no other free time to offer.")
    }
}
