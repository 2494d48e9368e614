// Our own word lists, written for FrontDesk (not derived from another lexicon's file). Values: ±1 mild,
// ±2 clear, ±3 strong. Keys are lower case without apostrophes ("dont", "wont be back").

extension SentimentLexicon {
    /// The lexicon FrontDesk ships: call-centre speech first, general review vocabulary second.
    public static let callCentre = SentimentLexicon(
        valences: callCentreValences.merging(generalValences) { callCentre, _ in callCentre },
        // Verbal negators reach three words ("don't really like it"); determiners only the next word, so
        // "nothing else thanks" and "no, that's wrong" keep their sense.
        negators: [
            "not": 3, "never": 3, "dont": 3, "doesnt": 3, "didnt": 3, "isnt": 3, "wasnt": 3, "arent": 3,
            "werent": 3, "cant": 3, "cannot": 3, "couldnt": 3, "wont": 3, "wouldnt": 3, "shouldnt": 3,
            "havent": 3, "hasnt": 3, "hadnt": 3, "aint": 3, "hardly": 2, "barely": 2, "neither": 2, "nor": 2,
            "no": 1, "nothing": 1, "nobody": 1, "none": 1, "without": 1,
        ],
        intensifiers: [
            "very": 1.3, "really": 1.3, "so": 1.3, "extremely": 1.5, "absolutely": 1.4, "totally": 1.3,
            "completely": 1.3, "super": 1.3, "incredibly": 1.5, "utterly": 1.5, "truly": 1.3, "highly": 1.3,
            "such": 1.2, "bloody": 1.4, "seriously": 1.3, "genuinely": 1.2, "thoroughly": 1.3, "most": 1.2,
            "especially": 1.2, "way too": 1.3, "really really": 1.5,
        ],
        dampeners: [
            "a bit": 0.6, "a little": 0.6, "a little bit": 0.5, "slightly": 0.6, "kind of": 0.7, "kinda": 0.7,
            "sort of": 0.7, "somewhat": 0.7, "fairly": 0.8, "mostly": 0.8, "reasonably": 0.8, "partly": 0.6,
            "almost": 0.6,
        ],
        contrastWords: ["but", "however"]
    )

    /// What callers say to a plumber, a clinic or a letting agent.
    static let callCentreValences: [String: Double] = [
        // thanks and praise
        "thanks": 2, "thank": 1.5, "thank you": 2, "thanks a lot": 2, "thanks so much": 2.6,
        "thank you so much": 2.6, "thank you very much": 2.6, "many thanks": 2.3, "cheers": 1.5, "ta": 1,
        "appreciate": 2, "appreciated": 2, "appreciate it": 2, "much appreciated": 2.4, "grateful": 2.2,
        "brilliant": 3, "lovely": 2.5, "perfect": 2.5, "perfectly": 2, "fantastic": 3, "great": 2.5,
        "excellent": 3, "amazing": 3, "wonderful": 3, "awesome": 2.5, "superb": 3, "helpful": 2, "kind": 1.5,
        "sorted": 1.5, "sorted out": 1.8, "fixed": 1, "resolved": 1.5, "quick": 1, "quickly": 0.7, "prompt": 1.5,
        "promptly": 1.5, "friendly": 2, "polite": 1.5, "professional": 1.5, "efficient": 1.5, "reliable": 1.5,
        "recommend": 2, "happy": 2, "pleased": 2, "glad": 2, "relieved": 1.8, "delighted": 3, "thrilled": 3,
        "well done": 2, "good job": 2, "great job": 2.5, "spot on": 2, "on time": 1.2, "right away": 0.8,
        "works": 0.8, "well": 0, "went well": 2, "held up well": 2, "very well": 1.8, "really well": 1.8, "so well": 1.8, "smoothly": 1.8, "like new": 2, "welcoming": 2, "top job": 2.5, "marvellous": 3, "chuffed": 2.5, "thorough": 1.8, "careful": 1.2, "toasty": 1.5, "at ease": 1.8, "weight off": 2, "respectful": 1.8, "use you again": 2, "worked out": 1.5, "exactly what": 1.5, "cant thank you enough": 3, "couldnt have gone better": 3, "cant complain": 1.5, "recommending": 2, "kind of you": 2, "what kind": 0, "which kind": 0, "any kind": 0, "best number": 0, "best time": 0, "best way": 0, "best day": 0, "can you recommend": 0, "could you recommend": 0, "recommended you": 0, "still available": 0, "still open": 0, "still need": 0, "cold": 0, "working again": 1.5, "works great": 2.5, "works fine": 1.5, "no problem": 1, "thats great": 2.5,
        "no worries": 1, "no complaints": 1.5, "no issues": 1, "over the moon": 3, "life saver": 3,
        "lifesaver": 3, "made my day": 2.5, "above and beyond": 3, "cant fault": 2.5, "couldnt be happier": 3,
        "couldnt be better": 2.5, "fine": 0.8, "sounds good": 1.5, "much better": 2,
        "peace of mind": 1.5, "saved": 1.2, "reassuring": 1.5, "impressed": 2.5,
        // complaints, waiting, things still wrong
        "useless": -3, "ridiculous": -3, "terrible": -3, "awful": -3, "horrible": -3, "appalling": -3,
        "shocking": -2.5, "unacceptable": -3, "disgraceful": -3, "disgusting": -3, "rubbish": -2.5,
        "pathetic": -3, "incompetent": -3, "hopeless": -2.5, "nightmare": -3, "joke": -2, "a joke": -2.5,
        "what a joke": -2.8, "mess": -2, "bad": -2, "poor": -2, "worst": -3, "worse": -2, "broken": -1.2,
        "broke": -1.2, "still broken": -2.8, "still not working": -2.8, "still not fixed": -2.8,
        "still waiting": -2.2, "still leaking": -2.5, "not working": -1.5, "doesnt work": -1.8, "didnt work": -2,
        "does not work": -1.8, "stopped working": -1.5, "not fixed": -1.8, "broken again": -2.2, "broke again": -2.2, "leaking again": -2.2, "happened again": -2, "back again": -1.5, "again and again": -2.2, "called again": -1.2, "calling again": -1.2, "ringing again": -1.2, "off again": -1.5, "not again": -2, "once again": -1.2,
        "yet again": -1.8, "second time": -1, "third time": -1.8, "three times": -1.2, "how many times": -2.2,
        "waited": -1.2, "waiting": -0.6, "been waiting": -1.8, "kept waiting": -2, "on hold": -1.2,
        "for ages": -1.5, "for hours": -1, "for weeks": -1, "waiting all day": -2, "waited all day": -2.2, "late": -1.2,
        "no show": -2, "nobody came": -2.2, "no one came": -2.2, "didnt show up": -2.5, "didnt turn up": -2.5,
        "never showed up": -2.5, "never turned up": -2.5, "never came": -2.2, "nobody called": -2,
        "no one called": -2, "never called back": -2.5, "didnt call back": -2.2, "no one got back": -2.2,
        "nobody got back": -2.2, "never heard back": -2.2, "ignored": -2.5, "ignoring": -2.5,
        "cancel": 0, "cancelled": -1, "cancelled on me": -2.2, "cancelled without": -2, "complaint": -2, "complain": -1.8, "complaining": -1.8, "make a complaint": -2.5,
        "refund": -1.2, "want a refund": -2, "money back": -1.5, "compensation": -1.5,
        "speak to a manager": -1.5, "speak to your manager": -1.8, "speak to someone in charge": -1.5,
        "waste of time": -2.8, "waste of money": -2.8, "rip off": -2.8, "ripped off": -2.8, "overcharged": -2.5,
        "fed up": -2.5, "sick of": -2.5, "sick and tired": -3, "let down": -2, "let me down": -2,
        "not happy": -2.2, "not good enough": -2.5, "not acceptable": -2.5, "not helpful": -2,
        "not impressed": -2, "not satisfied": -2, "not pleased": -2, "angry": -2.5, "annoyed": -2,
        "annoying": -2, "frustrated": -2.5, "frustrating": -2.5, "furious": -3, "livid": -3, "upset": -2,
        "disappointed": -2.5, "disappointing": -2.5, "unhappy": -2.5, "rude": -2.5, "unprofessional": -2.5,
        "hung up": -1.5, "cut off": -1, "gave up": -1.5, "lied": -2.5, "lying": -2, "scam": -3, "cowboys": -2.5,
        "worried": -1, "stressed": -1.5, "problem": -0.5, "problems": -0.8, "wrong": -1.2, "mistake": -1.5,
        "missed": -1.2, "forgot": -1.5, "forgotten": -1.5, "damage": -1.2, "damaged": -1.5, "dirty": -1.8,
        "mess up": -2, "messed up": -2.2, "unreliable": -2.2, "slow": -1.2, "expensive": -1, "overpriced": -2,
        "unfortunately": -1.2, "still": -0.6, "still dripping": -2.2, "still blocked": -2.2, "still isnt": -2, "still not": -2, "still no": -2, "filthy": -2.5, "shoddy": -2.5, "shambles": -3, "disgrace": -3, "botched": -2.5, "ruined": -2.5, "clueless": -2.5, "dreadful": -3, "ashamed": -2, "nowhere": -1.5, "getting nowhere": -2.5, "had enough": -2.5, "wits end": -2.5, "fobbed off": -2.5, "tired of": -2.2, "stressful": -2, "freezing": -1.2, "disgusted": -3, "lost": -0.8, "twice": -0.8, "four times": -1.2, "every time": -0.8, "keeps happening": -2, "keeps cutting out": -1.5, "keeps breaking": -2, "keeps going up": -1.5, "falling apart": -2.5, "without telling": -1.5, "no heating": -1.5, "no hot water": -2, "without heating": -1.5, "without hot water": -2, "hurts": -1.5, "pain": -1.2, "in pain": -1.5, "wasnt done": -1.5, "promised": -0.8, "heard nothing": -2, "nothing happened": -2, "nothing has been done": -2.2, "losing my patience": -2.5, "couldnt be bothered": -2.5, "cant be bothered": -2.5, "why": -0.5, "one person to another": -2, "not paying": -1.5, "charged twice": -2, "not what i was told": -1.5, "not ok": -2, "not okay": -2, "isnt acceptable": -2.5, "thanks for nothing": -2.5, "sadly": -1.2, "cant believe": -1, "no one": -0.5, "nobody": -0.5,
        "not worth": -2, "wont be back": -2.5, "will not be back": -2.5, "never again": -2.5,
    ]

    /// General praise and criticism, as in product, film and restaurant reviews.
    static let generalValences: [String: Double] = [
        "good": 2, "nice": 2, "best": 2.5, "better": 1.5, "love": 2.5, "loved": 2.5, "loves": 2.5,
        "like": 0, "liked": 1.5, "enjoy": 2, "enjoyed": 2, "enjoyable": 2, "fun": 2, "funny": 1.5,
        "beautiful": 2.5, "beautifully": 2.5, "delicious": 3, "tasty": 2, "fresh": 1.2, "pleasant": 2,
        "comfortable": 1.8, "easy": 1.2, "easily": 1, "clear": 0.8, "sturdy": 1.5, "worth": 1.2, "worth it": 2,
        "favorite": 2, "favourite": 2, "solid": 1.2, "attentive": 2, "outstanding": 3, "incredible": 2.5,
        "masterpiece": 3, "charming": 2, "cool": 1.2, "decent": 1, "wow": 1.5, "impressive": 2.5,
        "satisfied": 2, "recommended": 2, "well made": 2, "quality": 0.8, "high quality": 2, "classic": 1.2,
        "gem": 2.5, "enjoying": 2, "terrific": 3, "fabulous": 3, "fine": 0.8, "glad": 2, "warm": 1,
        "stunning": 3, "brilliantly": 3, "exceptional": 3, "flawless": 3, "pleasure": 2, "winner": 2,
        "handy": 1.2, "works well": 2, "work well": 2, "worked well": 2, "well worth": 2.5, "funniest": 2,
        "smart": 1.5, "clever": 1.5, "touching": 1.5, "moving": 1, "entertaining": 2, "compelling": 2,
        "inspiring": 2, "intelligent": 1.5, "remarkable": 2.5, "superior": 2, "generous": 1.8, "must have": 2,
        "gorgeous": 2.5, "cute": 1.5, "yummy": 2.5, "happier": 1.8, "excited": 2, "exciting": 2,
        "great value": 2.5, "good value": 2, "bargain": 1.5, "effective": 1.5, "fast": 1,
        "hate": -3, "hated": -3, "hates": -3, "dislike": -2, "disappointment": -2.5, "poorly": -2,
        "dull": -2, "boring": -2, "bored": -2, "bland": -1.5, "mediocre": -1.5, "lame": -2, "stupid": -2.5,
        "crap": -2.5, "crappy": -2.5, "junk": -2.5, "garbage": -2.5, "trash": -2.5, "sucks": -2.5, "sucked": -2.5,
        "suck": -2.5, "stinks": -2.5, "nasty": -2.5, "gross": -2.5, "cold": -0.5, "pointless": -2,
        "unusable": -2.5, "defective": -2.5, "faulty": -2.2, "returned": -1, "return": -0.5, "died": -1.5,
        "dies": -1.5, "fails": -2, "fail": -2, "failed": -2, "failure": -2.2, "weak": -1.2, "painful": -2,
        "worthless": -3, "lousy": -2.5, "inferior": -2, "cheaply": -1.5, "cheap": -0.5, "flimsy": -2,
        "uncomfortable": -2, "difficult": -1, "avoid": -2, "waste": -2.5, "wasted": -2.5, "wasting": -2.5,
        "sad": -1.5, "awkward": -1.2, "mistakes": -1.5, "flaw": -1.5, "flawed": -1.5, "unfunny": -2,
        "unwatchable": -3, "overrated": -2, "mess": -2, "sloppy": -2, "unbearable": -2.8, "irritating": -2,
        "annoys": -2, "confusing": -1.5, "noisy": -1.2, "static": -0.8, "disgust": -2.8, "ugly": -2.2,
        "tasteless": -2, "greasy": -1.2, "soggy": -1.8, "stale": -1.8, "undercooked": -2, "overcooked": -1.5,
        "burnt": -1.5, "dirty": -1.8, "slowly": -1, "unhelpful": -2.5, "impossible": -1.5, "problematic": -1.5,
        "unreliable": -2.2, "terribly": -2.5, "awfully": -2, "horribly": -2.5, "badly": -2, "broken": -1.2,
        "insult": -2.5, "insulting": -2.5, "ridiculously": -1.5, "fake": -2, "cheesy": -1.2, "poorer": -1.5,
        "embarrassing": -2.2, "regret": -2, "not recommend": -2.5, "wouldnt recommend": -2.5,
        "would not recommend": -2.5, "dont buy": -2.5, "do not buy": -2.5, "stay away": -2.5,
        "not worth it": -2.5, "doesnt fit": -1.2,
    ]
}
