extension EntityExtractor {
    /// An apartment or unit said on its own, without a street: "apartment 3", "it's unit four b", "flat 2",
    /// "suite 210" → "Apartment 3", "Unit 4B", "Flat 2", "Suite 210"; nil when none.
    public static func unitNumber(in text: String) -> String? {
        let spoken = SpokenText(text).convertingNumberWords()
        for start in spoken.words.indices {
            if let (unit, _) = unit(at: start, in: spoken) { return unit }
        }
        return nil
    }

    /// An answer to "is there an apartment or unit number?" that is just the number or letter: "3b", "twelve",
    /// "it's 4 b", "number 7", "b" → "Unit 3B", "Unit 12" …; nil when the answer is anything else.
    static func bareUnit(in text: String) -> String? {
        let filler: Set<String> = ["it", "is", "its", "number", "no", "um", "uh", "er", "the", "yes", "yeah", "yep", "sure", "oh"]
        var words = SpokenText(text).convertingNumberWords().words.filter { !filler.contains($0) }
        // "4 b": a number and a letter said apart.
        if words.count == 2, words[0].allSatisfy(\.isNumber), words[1].count == 1, words[1].first?.isLetter == true {
            words = [words[0] + words[1]]
        }
        guard words.count == 1, let id = words.first else { return nil }
        let isID = isHouseNumber(id) || (id.count == 1 && id.first?.isLetter == true && id != "a")
        return isID ? "Unit " + id.uppercased() : nil
    }
}
