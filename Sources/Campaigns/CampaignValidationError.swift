import Foundation

/// A campaign, script or setting that breaks a rule: which field (as the API names it, e.g.
/// `script.questions[2].field`) and a sentence that starts with that field.
public struct CampaignValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The API's path of the bad field: `name`, `script.opening_line`, `calling_window.end`, ….
    public let field: String
    /// "script.opening_line uses {{frist_name}}, which …": starts with ``field``.
    public let message: String

    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { message }
}
