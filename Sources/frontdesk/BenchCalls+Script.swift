import ArgumentParser
import Foundation
import VectorIndex

/// A sample business as `bench calls` dials it: its numbers and the spoken questions from its `eval.jsonl`.
struct BenchBusiness {
    let slug: String
    let numbers: [String]
    let collectAddress: Bool
    /// FAQ and unanswerable eval questions. Emergencies are left out: they hand the call to the emergency flow,
    /// which a scripted caller could not follow with the rest of its script.
    let questions: [String]

    /// Every `<folder>/business.json` + `eval.jsonl` under `directory`, in folder order (as the server loads them).
    static func load(from directory: URL) throws -> [BenchBusiness] {
        let folders = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("eval.jsonl").path) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let businesses = try folders.map { folder -> BenchBusiness in
            let manifest = try JSONSerialization.jsonObject(
                with: Data(contentsOf: folder.appendingPathComponent("business.json"))) as? [String: Any] ?? [:]
            let questions = try String(contentsOf: folder.appendingPathComponent("eval.jsonl"), encoding: .utf8)
                .split(separator: "\n")
                .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                .filter { ($0["kind"] as? String) != "emergency" }
                .compactMap { $0["question"] as? String }
            return BenchBusiness(slug: manifest["slug"] as? String ?? folder.lastPathComponent,
                                 numbers: manifest["phone_numbers"] as? [String] ?? [],
                                 collectAddress: manifest["collect_address"] as? Bool ?? true, questions: questions)
        }
        guard !businesses.isEmpty, businesses.allSatisfy({ !$0.numbers.isEmpty && !$0.questions.isEmpty }) else {
            throw ValidationError("\(directory.path) holds no sample business with phone numbers and eval questions")
        }
        return businesses
    }
}

/// One simulated call: who calls whom, and what the caller does at each webhook.
struct SimulatedCallScript {
    enum Step: Equatable {
        /// `/twilio/voice`: the call is answered.
        case answer
        /// `/twilio/gather` with these words.
        case say(String)
        /// `/twilio/gather` with an empty `SpeechResult`: the caller said nothing.
        case silence
    }

    let sid: String
    let from: String
    let to: String
    /// `.answer` first, then the gathers; `/twilio/call-status` (completed) follows them.
    let steps: [Step]

    /// Questions no sample business can answer, the kind a receptionist hears every day.
    static let outOfScope = [
        "do you sell car insurance", "can you fix my laptop screen, it's cracked", "what's the weather doing tomorrow",
        "do you do dog grooming", "is this the pizza place, i want to order a delivery", "are you hiring at the moment",
        "can i book a table for four tonight", "do you sell tickets for the concert on saturday",
        "can you recommend a good accountant", "do you do wedding photography",
        "how much is a taxi to the airport", "can you unlock my phone for a different network",
        "can you help me fill in my tax return", "do you sell second hand cars", "what time does the post office close",
        "do you give driving lessons", "can i get a haircut this afternoon", "do you do window cleaning",
        "how do i renew my passport", "do you sell gym memberships",
    ]
    static let names = ["my name is jon smith", "it's maria lopez", "sarah o'connor", "this is david chen", "priya patel"]
    static let addresses = ["it's 14 elm road", "22 station street", "41 church lane", "7 mill road", "9 high street"]
    static let messages = ["please ring me back about a quote", "can someone call me about my bill",
                           "i'd like to talk about moving my appointment", "just wanted to ask for a call back"]

    /// A call of `turns` webhooks (`/twilio/voice` + `turns − 1` gathers) to `business`. Most gathers are questions:
    /// three in four from the business's eval set, one in four out of scope. About one call in four leaves a
    /// message (name, "yes" to the caller ID, address where the business asks for it, the message, "yes that's
    /// right"), one in four has a silent turn, and every call ends with "no that's all thanks".
    static func make(business: BenchBusiness, turns: Int, sid: String, rng: inout SplitMix64) -> SimulatedCallScript {
        let gathers = max(1, turns - 1)
        var middle: [Step] = []
        var message: [Step] = [.say("can i leave a message please"), .say(names.randomElement(using: &rng)!), .say("yes")]
        if business.collectAddress { message.append(.say(addresses.randomElement(using: &rng)!)) }
        message += [.say(messages.randomElement(using: &rng)!), .say("yes that's right")]
        let leavesMessage = Double.random(in: 0..<1, using: &rng) < 0.25 && message.count <= gathers - 1
        let silent = Double.random(in: 0..<1, using: &rng) < 0.25
        let questions = gathers - 1 - (leavesMessage ? message.count : 0) - (silent ? 1 : 0)
        for _ in 0..<max(0, questions) {
            let inScope = Double.random(in: 0..<1, using: &rng) < 0.75
            middle.append(.say((inScope ? business.questions : outOfScope).randomElement(using: &rng)!))
        }
        if leavesMessage {
            let at = Int.random(in: 0...middle.count, using: &rng)
            middle.insert(contentsOf: message, at: at)
        }
        if silent, questions > 0 {
            middle.insert(.silence, at: Int.random(in: 1...middle.count, using: &rng))
        } else if silent {
            middle.append(.silence)
        }
        let from = "+1555" + String(format: "%07d", Int.random(in: 0..<10_000_000, using: &rng))
        let to = business.numbers.randomElement(using: &rng)!
        return SimulatedCallScript(sid: sid, from: from, to: to,
                                   steps: [.answer] + middle + [.say("no that's all thanks")])
    }
}
