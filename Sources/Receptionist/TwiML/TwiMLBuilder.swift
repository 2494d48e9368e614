/// Builds the verbs of a ``TwiML`` response from statements: `Say`, `Gather`, `Dial`, `Redirect`, `Pause`,
/// `Message`, `Hangup`, any ``TwiMLVerb``, optionals of these (nil adds nothing) and arrays of verbs, with
/// `if`/`else`, `if let`, `switch` and `for`-`in`.
@resultBuilder
public enum TwiMLBuilder {
    public static func buildExpression(_ verb: TwiMLVerb) -> [TwiMLVerb] { [verb] }
    public static func buildExpression(_ verb: TwiMLVerb?) -> [TwiMLVerb] { verb.map { [$0] } ?? [] }
    public static func buildExpression(_ verbs: [TwiMLVerb]) -> [TwiMLVerb] { verbs }
    public static func buildExpression(_ say: Say) -> [TwiMLVerb] { [.say(say)] }
    public static func buildExpression(_ say: Say?) -> [TwiMLVerb] { say.map { [.say($0)] } ?? [] }
    public static func buildExpression(_ gather: Gather) -> [TwiMLVerb] { [.gather(gather)] }
    public static func buildExpression(_ dial: Dial) -> [TwiMLVerb] { [.dial(dial)] }
    public static func buildExpression(_ dial: Dial?) -> [TwiMLVerb] { dial.map { [.dial($0)] } ?? [] }
    public static func buildExpression(_: Hangup) -> [TwiMLVerb] { [.hangup] }
    public static func buildExpression(_ redirect: Redirect) -> [TwiMLVerb] { [.redirect(redirect)] }
    public static func buildExpression(_ pause: Pause) -> [TwiMLVerb] { [.pause(pause)] }
    public static func buildExpression(_ message: Message) -> [TwiMLVerb] { [.message(message)] }
    public static func buildExpression(_ message: Message?) -> [TwiMLVerb] { message.map { [.message($0)] } ?? [] }

    public static func buildBlock(_ components: [TwiMLVerb]...) -> [TwiMLVerb] { components.flatMap { $0 } }
    public static func buildOptional(_ component: [TwiMLVerb]?) -> [TwiMLVerb] { component ?? [] }
    public static func buildEither(first component: [TwiMLVerb]) -> [TwiMLVerb] { component }
    public static func buildEither(second component: [TwiMLVerb]) -> [TwiMLVerb] { component }
    public static func buildArray(_ components: [[TwiMLVerb]]) -> [TwiMLVerb] { components.flatMap { $0 } }
    public static func buildLimitedAvailability(_ component: [TwiMLVerb]) -> [TwiMLVerb] { component }
}

/// Builds the prompts inside a ``Gather``: `Say`, `Pause`, ``GatherChild``, optionals and arrays of these,
/// with `if`/`else`, `if let`, `switch` and `for`-`in`.
@resultBuilder
public enum GatherBuilder {
    public static func buildExpression(_ child: GatherChild) -> [GatherChild] { [child] }
    public static func buildExpression(_ children: [GatherChild]) -> [GatherChild] { children }
    public static func buildExpression(_ say: Say) -> [GatherChild] { [.say(say)] }
    public static func buildExpression(_ say: Say?) -> [GatherChild] { say.map { [.say($0)] } ?? [] }
    public static func buildExpression(_ pause: Pause) -> [GatherChild] { [.pause(pause)] }

    public static func buildBlock(_ components: [GatherChild]...) -> [GatherChild] { components.flatMap { $0 } }
    public static func buildOptional(_ component: [GatherChild]?) -> [GatherChild] { component ?? [] }
    public static func buildEither(first component: [GatherChild]) -> [GatherChild] { component }
    public static func buildEither(second component: [GatherChild]) -> [GatherChild] { component }
    public static func buildArray(_ components: [[GatherChild]]) -> [GatherChild] { components.flatMap { $0 } }
    public static func buildLimitedAvailability(_ component: [GatherChild]) -> [GatherChild] { component }
}
