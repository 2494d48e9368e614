import Foundation

/// Every line the receptionist speaks, in one place: short, one idea per sentence, no jargon.
enum CallScript {
    static let anythingElse = "Is there anything else I can help you with?"
    static let whatElse = "Sure. What else can I help you with?"
    static let howCanIHelp = "How can I help you today?"
    static let didNotCatch = "Sorry, I didn't quite catch that. Could you say it again?"
    static let noSpeech = "Sorry, I didn't hear anything."
    static let cannotHear = "I'm sorry, I can't hear you. Please call back any time. Goodbye."
    static let goodbye = "Thank you for calling. Goodbye."

    /// The goodbye of a call, or of a chat.
    static func goodbye(_ policy: CallPolicy) -> String {
        policy.medium == .chat ? "Thank you for getting in touch. Goodbye." : goodbye
    }

    /// The first line of a web chat (the business's greeting is written for the phone).
    static func chatGreeting(businessName: String) -> String {
        "Hi, you're chatting with \(businessName)'s virtual receptionist. Ask me a question, or leave your name and number and someone will get back to you."
    }
    static let connecting = "Let me connect you now. Please hold."
    static let noOneAnswered = "I'm sorry, nobody could pick up right now. I'll take a message and make sure someone calls you back."
    static let yesOrNo = "Sorry, was that a yes or a no?"
    static let campaignOptedOut = "Understood. I've taken your number off our list, and we won't call you like this again. Goodbye."
    static let campaignCannotAnswer = "I'm sorry, I don't have the answer to that, but someone from the team can follow up."
    static let campaignEndedEarly = "No problem. Thank you for your time. Goodbye."

    /// Asked when an answer to a campaign question could not be read, before the question again.
    static func campaignReask(_ kind: OutboundScript.AnswerKind) -> String {
        switch kind {
        case .yesNo: "Sorry, was that a yes or a no?"
        case .dateTime: "Sorry, I didn't catch a day or time."
        case .number: "Sorry, I didn't catch a number."
        case .freeText: "Sorry, I didn't catch that."
        }
    }
    static let whichField = "Sorry about that. Which part should I change: the name, the number, or the address?"
    static let updated = "Thanks, I've updated that."
    static let tooLong = "I want to make sure someone helps you properly, so I'll pass your details on. Goodbye."

    static func closedOrBusy(_ policy: CallPolicy) -> String {
        if policy.medium == .chat {
            return "Nobody can chat live right now, but I can take a message and have someone get back to you."
        }
        return policy.isOpen
            ? "Nobody is available to take your call right now, but I can take a message and have someone call you back."
            : "We're closed right now, but I can take a message and have someone call you back."
    }

    static func declined(_ policy: CallPolicy, offerTransfer: Bool) -> String {
        offerTransfer
            ? "I'm sorry, I don't have that information. I can connect you with someone at \(policy.businessName). Would you like that?"
            : "I'm sorry, I don't have that information. Would you like to leave a message so someone can call you back?"
    }

    static let offerMessageInstead = "No problem. Would you like to leave a message instead?"

    static func safety(_ policy: CallPolicy) -> String {
        policy.medium == .chat
            ? "If anyone is in danger, please call \(policy.emergencyNumber) now."
            : "If anyone is in danger, please hang up now and call \(policy.emergencyNumber)."
    }

    static let emergencyIntro = "I'm marking this as an emergency and alerting the team right now. I just need a couple of quick details."
    static let bookingAskTime = "Sure, I can help with that. What day and time would suit you?"
    static let bookingIntro = "Sure, I can help with that. Let me take a few details."
    static let messageIntro = "Of course, I can take a message."

    static func prompt(for field: LeadField, emergency: Bool) -> String {
        switch field {
        case .name: "Can I get your name, please?"
        case .phone: "What's the best phone number to reach you?"
        case .address: emergency ? "What's the address of the emergency?" : "What's the address where you need the work done?"
        case .notes: "What would you like me to pass on?"
        }
    }

    static func retry(for field: LeadField) -> String {
        switch field {
        case .name: "Sorry, I didn't get your name. Could you say it again?"
        case .phone: "Sorry, I didn't get that number. Could you say it digit by digit?"
        case .address: "Sorry, I didn't get the address. Could you give me the house number and street?"
        case .notes: "Sorry, what would you like me to pass on?"
        }
    }

    static func confirmCallerID(_ number: String) -> String {
        "Is the number you're calling from, ending in \(spokenDigits(String(number.suffix(4)))), the best number to reach you?"
    }

    /// The details read back (on the phone a number is grouped digit by digit for text-to-speech; in a chat it is
    /// written as it is).
    static func readBack(_ lead: LeadDraft, medium: ConversationMedium = .phone) -> String {
        var parts: [String] = []
        if let name = lead.name { parts.append("Name: \(name).") }
        if let phone = lead.phone { parts.append("Number: \(medium == .chat ? phone : spokenPhone(phone)).") }
        if let address = lead.address { parts.append("Address: \(address).") }
        if lead.appointment != nil, let when = lead.timeWindow?.phrase { parts.append("Appointment: \(when).") }
        return "Let me read that back. " + parts.joined(separator: " ") + " Is that right?"
    }

    static func saved(_ lead: LeadDraft) -> String {
        let thanks = lead.name.map { "Thank you, \($0.split(separator: " ").first.map(String.init) ?? $0)." } ?? "Thank you."
        return lead.isEmergency
            ? "\(thanks) The team has been alerted and will call you back right away."
            : "\(thanks) I've passed your details on and someone will call you back soon."
    }

    /// "today at 3 p.m.", "tomorrow at 8 a.m.", "Thursday at 10:30 a.m." in the business's time zone.
    static func slot(_ slot: BookingInterval, policy: CallPolicy) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = policy.timeZone
        let days = calendar.dateComponents([.day], from: calendar.startOfDay(for: policy.now),
                                           to: calendar.startOfDay(for: slot.start)).day ?? 0
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = policy.timeZone
        formatter.dateFormat = days < 7 ? "EEEE" : "EEEE d MMMM"
        let day = days == 0 ? "today" : days == 1 ? "tomorrow" : formatter.string(from: slot.start)
        let time = SpokenClock.time(slot.start, in: policy.timeZone)
        return "\(day) at \(time)"
    }

    /// "+15551234567" → "5 5 5, 1 2 3, 4 5 6 7": national digits grouped so text-to-speech reads digits, not a number.
    static func spokenPhone(_ e164: String) -> String {
        var digits = Array(e164.filter(\.isNumber))
        if e164.hasPrefix("+1"), digits.count == 11 { digits.removeFirst() }
        let groups: [ArraySlice<Character>] = digits.count == 10
            ? [digits[0..<3], digits[3..<6], digits[6..<10]]
            : stride(from: 0, to: digits.count, by: 4).map { digits[$0..<min($0 + 4, digits.count)] }
        return groups.map { spokenDigits(String($0)) }.joined(separator: ", ")
    }

    static func spokenDigits(_ digits: String) -> String {
        digits.map(String.init).joined(separator: " ")
    }
}
