import Events

/// `GET /v1/events`, `GET /v1/events/stream` (EventsController), `GET /v1/calls/{sid}/live` and `GET /v1/campaigns/{id}/live` (LiveController), kept
/// beside the main document.
extension OpenAPIDocument {
    static var eventPaths: JSON { [
        "/v1/events": [
            "get": op("The event log", "What happened to the business's calls, customers, texts, appointments and knowledge, oldest first: the audit trail. Keyset-paged: pass `next_after` as `after` until it is null. Ids are the order of commits; `sequence` numbers the events of one stream 1, 2, 3 ….",
                      tag: "events", parameters: eventFilterParameters + [
                        query("after", "Only events with a larger id (default 0).", type: "integer"),
                        query("limit", "1–500, default 100.", type: "integer"),
                      ],
                      responses: ["200": body("EventPage"),
                                  "400": error("Unknown event type (code unknown_event_type, the type is named), bad stream name, after or limit.")]),
        ],
        "/v1/events/stream": [
            "get": op("The event log, live (Server-Sent Events)", "First the stored events after `Last-Event-ID` (or `after`), then each new event as it is committed, as `id: <id>`, `event: <type>`, `data: <the Event as JSON>`. A `: heartbeat` comment is sent after 15 s of silence. The stream ends when the server shuts down; reconnect with `Last-Event-ID` to continue without gaps or repeats.",
                      tag: "events", parameters: eventFilterParameters + [
                        query("after", "Start after this event id when there is no Last-Event-ID header (default 0: the whole log).", type: "integer"),
                        ["name": "Last-Event-ID", "in": "header", "required": false, "description": "The id of the last event received; takes precedence over `after`.",
                         "schema": ["type": "integer"]] as JSON,
                      ],
                      responses: ["200": ["description": "An endless text/event-stream", "content": ["text/event-stream": ["schema": ["type": "string"]]]] as JSON,
                                  "400": error("Unknown event type, bad stream name, after or Last-Event-ID.")]),
        ],
        "/v1/calls/{sid}/live": [
            "get": op("Watch a call live (Server-Sent Events)", "One call of the business, inbound or outbound. First `event: snapshot` whose `data` is the CallDetail of `GET /v1/calls/{sid}` (the call, every turn so far in order, its leads) and whose `id` is the log position it is as of; then each event of the stream `call:<sid>` as it is committed (turns, status changes, transfer, emergency, lead, alerts, `call.ended`), framed as in `GET /v1/events/stream`; a `: heartbeat` comment after 15 s of silence. The response ends cleanly right after `call.ended` has been sent (at once, after the snapshot, for a call that has ended). With `Last-Event-ID` (or `after`) there is no snapshot: only the call's events after that id, so a reconnect misses nothing and repeats nothing (`after=0`: the whole call as events).",
                      tag: "calls", parameters: [
                        path("sid"),
                        query("after", "Resume after this event id instead of starting with a snapshot.", type: "integer"),
                        ["name": "Last-Event-ID", "in": "header", "required": false, "description": "The id of the last frame received (snapshot or event); takes precedence over `after`.",
                         "schema": ["type": "integer"]] as JSON,
                      ],
                      responses: ["200": ["description": "A text/event-stream that ends after call.ended", "content": ["text/event-stream": ["schema": ["type": "string"]]]] as JSON,
                                  "400": error("A bad after or Last-Event-ID."),
                                  "404": error("No such call in this business.")]),
        ],
        "/v1/campaigns/{id}/live": [
            "get": op("Watch a campaign live (Server-Sent Events)", "One campaign of the business. First `event: snapshot` whose `data` is `{\"campaign\": <the Campaign of GET /v1/campaigns/{id}, without its counters>, \"counters\": <CampaignCounters>}` and whose `id` is the log position it is as of; then each event of the stream `campaign:<id>` as it is committed (each attempt's start, CallSid, answer and end with its outcome, recipients deferred or suppressed, state changes), framed as in `GET /v1/events/stream`; heartbeats after 15 s of silence. Each attempt's call is watched turn by turn with `GET /v1/calls/{sid}/live`. The stream stays open until the client leaves. With `Last-Event-ID` (or `after`) there is no snapshot: only the events after that id.",
                      tag: "campaigns", parameters: [
                        path("id"),
                        query("after", "Resume after this event id instead of starting with a snapshot.", type: "integer"),
                        ["name": "Last-Event-ID", "in": "header", "required": false, "description": "The id of the last frame received (snapshot or event); takes precedence over `after`.",
                         "schema": ["type": "integer"]] as JSON,
                      ],
                      responses: ["200": ["description": "A text/event-stream", "content": ["text/event-stream": ["schema": ["type": "string"]]]] as JSON,
                                  "400": error("A bad after or Last-Event-ID."),
                                  "404": error("No such campaign in this business.")]),
        ],
    ] }

    static var eventFilterParameters: [JSON] { [
        query("stream", "Only this stream: call:<CallSid>, customer:<id>, knowledge:<business id>, job:<id>, ticket:<id>, vendor:<id>."),
        ["name": "type", "in": "query", "required": false, "style": "form", "explode": true,
         "description": "Only these types; repeat the parameter or separate them with commas.",
         "schema": ["type": "array", "items": ref("EventType")]] as JSON,
    ] }

    static var eventSchemas: JSON { [
        "EventType": ["type": "string", "enum": EventType.allCases.map(\.rawValue)] as JSON,
        "Event": object([
            "id": ["type": "integer", "description": "Increasing over the whole log, in commit order."],
            "stream": ["type": "string", "description": "kind:id — call:<CallSid>, customer:<id>, knowledge:<business id>, job:<id>, ticket:<id>, vendor:<id>."],
            "sequence": ["type": "integer", "description": "1, 2, 3 … within the stream."],
            "type": ref("EventType"),
            "created_at": ["type": "string", "format": "date-time", "description": "UTC, with milliseconds."],
            "payload": ["type": "object", "description": "The event's fields (snake_case); which ones depends on `type` (docs/events.md)."],
        ], required: ["id", "stream", "sequence", "type", "created_at", "payload"]),
        "EventPage": object(["events": ["type": "array", "items": ref("Event")],
                             "next_after": ["type": ["integer", "null"], "description": "Pass as `after` for the next page; null when this page is the last for now."]]),
    ] }
}
