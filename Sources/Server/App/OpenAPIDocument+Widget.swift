/// `/v1/widget` (WidgetController), `/widget/v1/{key}/…` (WidgetAPIController) and `/widget.js`, kept beside the
/// main document.
extension OpenAPIDocument {
    static var widgetPaths: JSON { [
        "/v1/widget": [
            "get": op("The web chat widget's settings", "The business's publishable key (`pk_…`, made on first read; public by design: it goes in the business's pages), the origins allowed to use it, and the `<script>` tag to paste. A publishable key is never accepted as an API key, nor an API key as a publishable key.",
                      tag: "widget", responses: ["200": body("WidgetSettings")]),
            "put": op("Replace the allowed origins", "`allowed_origins`: up to 50 origins `scheme://host[:port]` (http or https; no path, wildcard or user information). They are normalised (lower case, the scheme's default port dropped, a trailing `/` dropped) and duplicates dropped. An empty list denies every page. Live on the next widget request.",
                      tag: "widget", request: "WidgetOriginsInput",
                      responses: ["200": body("WidgetSettings"), "400": error("Malformed JSON."),
                                  "422": error("An origin that is not one (`invalid_origin`, each listed in `details` by its 1-based row), more than 50 (`too_many_origins`), an unknown field.")]),
        ],
        "/v1/widget/key/rotate": [
            "post": op("Rotate the publishable key", "A new key at once; the old key, and every visitor token it issued, stop working. The allowed origins stay.",
                       tag: "widget", responses: ["200": body("WidgetSettings")]),
        ],
        "/widget.js": [
            "get": op("The chat widget script", "Plain JavaScript: `<script src=\"https://HOST/widget.js\" data-key=\"pk_…\" async></script>` adds a chat bubble (in a shadow root) to the page. `Cache-Control: public, max-age=300` with an `ETag` (`If-None-Match` → 304).",
                      tag: "widget", auth: nil,
                      responses: ["200": text("text/javascript; charset=utf-8"), "304": ["description": "Not modified"] as JSON]),
        ],
        "/widget/v1/{key}/conversations": [
            "post": widgetOp("Start a conversation", "A new web conversation in the CRM (channel `web`) with the receptionist's greeting, and a visitor token (valid 2 hours) bound to the key, the visitor, the conversation and the origin. At most 6 new conversations per client address (an IPv6 address's /64) and business in any 12 hours; the client address is the peer's, or `X-Forwarded-For`'s when the peer is one of `FRONTDESK_TRUSTED_PROXIES`.",
                             token: false, responses: ["201": body("WidgetStarted"),
                                                       "429": widgetLimited("`too_many_conversations`")]),
            "options": widgetPreflight(),
        ],
        "/widget/v1/{key}/conversations/{id}": [
            "get": widgetOp("Read the conversation", "Every message so far, in order, replies with the titles of the knowledge they cited. For a page reload to resume.",
                            token: true, responses: ["200": body("WidgetConversation"), "404": error("No such conversation for this token.")]),
            "options": widgetPreflight(),
        ],
        "/widget/v1/{key}/conversations/{id}/messages": [
            "post": widgetOp("Send a message", "The visitor's message goes through the receptionist as a caller's words do: a grounded answer with its source, an honest decline with the offer to take a message, an emergency's safety line (and the owner alerted), lead capture. Returns the two new messages: the visitor's and the reply. At most 10 messages per conversation in any 60 seconds.",
                             token: true, request: "WidgetMessageInput",
                             responses: ["200": body("WidgetConversation"), "400": error("Malformed JSON."),
                                         "404": error("No such conversation for this token."),
                                         "409": error("The conversation has ended (`conversation_ended`); start a new one."),
                                         "413": error("Body over 64 KB."),
                                         "422": error("Empty text (`empty_message`), more than 2,000 characters (`message_too_long`), an unknown field."),
                                         "429": widgetLimited("`too_many_messages`")]),
            "options": widgetPreflight(),
        ],
    ] }

    /// A widget route: the publishable key in the path, `Origin` required, CORS for allowed origins only.
    static func widgetOp(_ summary: String, _ description: String, token: Bool, request: String? = nil,
                         responses: JSON) -> JSON {
        var all = responses
        all["401"] = error(token
            ? "Not an active publishable key (`invalid_key`); no visitor token (`missing_token`), one not issued by this key — e.g. before a rotation — (`invalid_token`), or an expired one (`token_expired`)."
            : "Not an active publishable key (`invalid_key`).")
        all["403"] = error(token
            ? "No `Origin` (`origin_required`), an origin not on the key's list (`origin_not_allowed`, without CORS headers), a suspended business (`business_suspended`), or a token issued to another origin (`origin_mismatch`)."
            : "No `Origin` (`origin_required`), an origin not on the key's list (`origin_not_allowed`, without CORS headers), or a suspended business (`business_suspended`).")
        var parameters: [JSON] = [path("key"), ["name": "Origin", "in": "header", "required": true, "schema": ["type": "string"]] as JSON]
        if summary != "Start a conversation" { parameters.insert(path("id"), at: 1) }
        let operation = op(summary, description + " Every answer to an allowed origin carries `Access-Control-Allow-Origin: <origin>` and `Vary: Origin` (`Vary` on every answer).",
                           tag: "widget", auth: token ? "visitorToken" : nil, parameters: parameters, request: request,
                           responses: all)
        return operation
    }

    static func widgetPreflight() -> JSON {
        op("CORS preflight", "204 with `Access-Control-Allow-Origin` (the origin, when on the key's list), `Access-Control-Allow-Methods: GET, POST`, `Access-Control-Allow-Headers: Authorization, Content-Type`, `Access-Control-Max-Age: 600` and `Vary: Origin`; an origin not on the list gets 403 without CORS headers.",
           tag: "widget", auth: nil,
           parameters: [path("key"), ["name": "Origin", "in": "header", "required": true, "schema": ["type": "string"]] as JSON],
           responses: ["204": ["description": "Allowed"] as JSON, "401": error("Not an active publishable key."),
                       "403": error("No Origin, or an origin not on the key's list.")])
    }

    static func widgetLimited(_ code: String) -> JSON {
        ["description": "Over the limit (\(code)); `Retry-After` says in how many seconds to try again.",
         "headers": ["Retry-After": ["schema": ["type": "integer"], "description": "Seconds."] as JSON] as JSON,
         "content": ["application/json": ["schema": ref("Error")]]] as JSON
    }

    static var widgetSchemas: JSON { [
        "WidgetOriginsInput": object(["allowed_origins": ["type": "array", "items": string(), "maxItems": WidgetOrigin.maxOrigins] as JSON],
                                     required: ["allowed_origins"]),
        "WidgetSettings": object([
            "publishable_key": string(), "key_created_at": string(format: "date-time"),
            "allowed_origins": ["type": "array", "items": string()], "script_url": string(),
            "snippet": ["type": "string", "description": "The <script> tag to paste into the business's pages."],
        ]),
        "WidgetMessageInput": object(["text": ["type": "string", "maxLength": WidgetService.maxMessageCharacters] as JSON], required: ["text"]),
        "WidgetMessage": object([
            "id": ["type": "integer"], "role": ["type": "string", "enum": ["visitor", "receptionist"]], "text": string(),
            "sources": ["type": "array", "items": ref("MessageSource"), "description": "What the reply was drawn from (empty when nothing)."],
            "created_at": string(format: "date-time"),
        ]),
        "WidgetConversation": object([
            "conversation_id": string(), "business_name": string(), "state": string(), "ended": ["type": "boolean"],
            "messages": ["type": "array", "items": ref("WidgetMessage")],
        ]),
        "WidgetStarted": ["allOf": [ref("WidgetConversation"), object([
            "visitor_id": string(), "token": ["type": "string", "description": "Send as `Authorization: Bearer <token>`."],
            "expires_at": string(format: "date-time"),
            "limits": object(["max_message_characters": ["type": "integer"], "messages_per_minute": ["type": "integer"]]),
        ])]] as JSON,
    ] }
}
