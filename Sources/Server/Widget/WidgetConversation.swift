import Foundation
import Receptionist

/// A conversation held in the web chat widget: the CRM conversation (channel `web`) with what the widget needs
/// between two messages. Row of `widget_conversations` with its `conversations` row's customer.
public struct WidgetConversation: Sendable, Equatable {
    public var conversationId: String
    public var businessId: String
    /// The ``WidgetKey`` that started it.
    public var keyId: String
    public var visitorId: String
    /// The normalised origin of the page it was started on.
    public var origin: String
    /// SHA-256 of the client's limit key (``ClientAddressResolver/limitKey(_:)``).
    public var clientHash: String
    /// The receptionist between two messages.
    public var machine: CallMachine
    /// Raised by every stored message; a message's write is conditional on the version it was answered from.
    public var version: Int64
    public var createdAt: Date
    /// The customer, once the visitor left a phone number.
    public var customerId: String?

    public init(conversationId: String, businessId: String, keyId: String, visitorId: String, origin: String,
                clientHash: String, machine: CallMachine, version: Int64, createdAt: Date, customerId: String? = nil) {
        self.conversationId = conversationId
        self.businessId = businessId
        self.keyId = keyId
        self.visitorId = visitorId
        self.origin = origin
        self.clientHash = clientHash
        self.machine = machine
        self.version = version
        self.createdAt = createdAt
        self.customerId = customerId
    }
}

/// How a widget conversation's machine is kept in its text column: the JSON GRDB's records write for nested values
/// (sorted keys, dates as milliseconds), on both backends, so `frontdesk migrate` copies it as it is.
enum WidgetMachineJSON {
    static func encode(_ machine: CallMachine) throws -> String {
        let encoder = JSONEncoder()
        encoder.dataEncodingStrategy = .base64
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.nonConformingFloatEncodingStrategy = .throw
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(machine), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> CallMachine {
        let decoder = JSONDecoder()
        decoder.dataDecodingStrategy = .base64
        decoder.dateDecodingStrategy = .millisecondsSince1970
        decoder.nonConformingFloatDecodingStrategy = .throw
        return try decoder.decode(CallMachine.self, from: Data(text.utf8))
    }
}
