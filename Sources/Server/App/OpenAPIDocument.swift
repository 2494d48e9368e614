import Foundation
import Hummingbird

/// The OpenAPI 3.1 description of every route, served at `GET /openapi.json`.
///
/// Written by hand next to the controllers; `OpenAPITests` fails when a registered route is missing here or a
/// documented one no longer exists, so the two cannot drift apart silently.
enum OpenAPIDocument {
    typealias JSON = [String: Any]

    static func data() throws -> Data {
        try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    static var document: JSON { [
        "openapi": "3.1.0",
        "info": [
            "title": "FrontDesk",
            "version": "0.1.0",
            "description": "Self-hosted AI phone receptionist and knowledge server for small service businesses. "
                + "Tenant routes take the business's `X-API-Key`; admin routes take the operator key as "
                + "`Authorization: Bearer <key>` (or `X-Admin-Key`). Errors are `{\"error\": {\"code\", \"message\", \"details\"?}}`.",
        ] as JSON,
        "components": components,
        "paths": paths.merging(eventPaths) { documented, _ in documented }.merging(dispatchPaths) { documented, _ in documented }
            .merging(campaignPaths) { documented, _ in documented }.merging(widgetPaths) { documented, _ in documented }
            .merging(panelPaths) { documented, _ in documented },
    ] }

    // MARK: Paths

    static var paths: JSON { [
        "/healthz": ["get": op("Health", "200 once migrations ran and the model is loaded; 503 when the database does not answer or this node's knowledge is behind the database.", tag: "operations", auth: nil,
                                responses: ["200": body("Health"), "503": body("Health")])],
        "/metrics": ["get": op("Prometheus metrics", "Prometheus text format (requests and latency per route, index sizes, embedder latency). No secrets, but keep it private.",
                               tag: "operations", auth: nil, responses: ["200": text("text/plain; version=0.0.4")])],
        "/openapi.json": ["get": op("This document", "The OpenAPI 3.1 description of the API.", tag: "operations", auth: nil,
                                    responses: ["200": ["description": "OpenAPI document", "content": ["application/json": ["schema": ["type": "object"]]]] as JSON])],

        "/v1/knowledge": [
            "post": op("Create a knowledge entry", "Chunked, embedded and searchable on the next search.", tag: "knowledge",
                       request: "EntryInput", responses: ["201": body("Entry"), "400": error("Malformed JSON or a wrong-typed field."),
                                                         "413": error("Body over 2 MB."), "422": error("Validation failed (empty title, content over 1 MB, …).")]),
            "get": op("List knowledge entries", "In creation order, paginated.", tag: "knowledge",
                      parameters: [query("category", "Only this category."), query("text", "Title or content contains this text."),
                                   query("limit", "1–500, default 50.", type: "integer"), query("cursor", "`next_cursor` of the previous page.")],
                      responses: ["200": body("EntryPage"), "400": error("Bad limit or cursor.")]),
        ],
        "/v1/knowledge/import": [
            "post": op("Import entries", "All or nothing. Formats: JSON array, JSON Lines, Markdown (one entry per heading), CSV (question/answer or title/content columns, optional category, tags, source), plain text. Chosen by Content-Type or `?format=`. Up to 20 MB.",
                       tag: "knowledge",
                       parameters: [query("format", "json, jsonl, markdown, csv or text; overrides Content-Type."), query("source", "Source recorded on rows without one.")],
                       requestContent: ["application/json": ["schema": ["type": "array", "items": ref("EntryInput")]] as JSON,
                                        "application/x-ndjson": ["schema": ["type": "string"]] as JSON,
                                        "text/markdown": ["schema": ["type": "string"]] as JSON,
                                        "text/csv": ["schema": ["type": "string"]] as JSON,
                                        "text/plain": ["schema": ["type": "string"]] as JSON],
                       responses: ["201": body("ImportResult"), "400": error("Unreadable body (not UTF-8, not JSON, no CSV header, …)."),
                                   "413": error("Body over 20 MB."), "415": error("Unknown format."),
                                   "422": error("Some rows are invalid; `details` lists them by row. Nothing was imported.")]),
        ],
        "/v1/knowledge/search": [
            "post": op("Search the knowledge base", "Hybrid (BM25 + MiniLM, fused by reciprocal rank), dense or keyword.", tag: "knowledge",
                       request: "SearchInput", responses: ["200": body("SearchResult"), "400": error("Empty query, k outside 1–50, unknown mode.")]),
        ],
        "/v1/knowledge/status": [
            "get": op("Index status", "Chunks in the database vs vectors in the index; `consistent` is true when they are the same set.", tag: "knowledge",
                      responses: ["200": body("IndexStatus")]),
        ],
        "/v1/knowledge/{id}": [
            "get": op("Get an entry", nil, tag: "knowledge", parameters: [path("id")], responses: ["200": body("Entry"), "404": error("No such entry in this business.")]),
            "put": op("Replace an entry", "Fields and chunks are replaced atomically.", tag: "knowledge", parameters: [path("id")], request: "EntryInput",
                      responses: ["200": body("Entry"), "400": error("Malformed JSON."), "404": error("No such entry."), "422": error("Validation failed.")]),
            "patch": op("Change some fields of an entry", "Absent fields stay; `null` clears category or source.", tag: "knowledge", parameters: [path("id")], request: "EntryPatch",
                        responses: ["200": body("Entry"), "404": error("No such entry."), "422": error("Validation failed.")]),
            "delete": op("Delete an entry", "Its chunks leave the index at once.", tag: "knowledge", parameters: [path("id")],
                         responses: ["204": ["description": "Deleted"] as JSON, "404": error("No such entry.")]),
        ],
        "/v1/config": [
            "get": op("Receptionist settings", nil, tag: "config", responses: ["200": body("ReceptionistSettings")]),
            "put": op("Replace receptionist settings", "Live on the next call. Omitted fields return to their defaults.", tag: "config", request: "ReceptionistSettings",
                      responses: ["200": body("ReceptionistSettings"), "400": error("Malformed JSON."), "422": error("Invalid value; the field is named.")]),
        ],
        "/v1/calls": [
            "get": op("List calls", "Newest first, paginated. Caller numbers are shown in full to the business (they are masked in logs).", tag: "calls",
                      parameters: [query("limit", "1–500, default 50.", type: "integer"), query("cursor", "`next_cursor` of the previous page.")],
                      responses: ["200": body("CallPage"), "400": error("Bad limit or cursor.")]),
        ],
        "/v1/calls/{sid}": [
            "get": op("A call with its transcript and leads", "Turns in order: the caller's words with ASR confidence; the receptionist's reply with cited entries, retrieval similarity and server latency.",
                      tag: "calls", parameters: [path("sid")], responses: ["200": body("CallDetail"), "404": error("No such call in this business.")]),
        ],
        "/v1/calls/{sid}/sentiment": [
            "get": op("The caller's sentiment, explained", "Per caller turn: score in [-1, 1], label, and the drivers behind it — lexicon words with the rules applied (negation, intensifier, contrast), or the training sentences the embedding model's score is made of; over the call: score weighted toward the end, label and trend (improving, worsening, steady).",
                      tag: "calls", parameters: [path("sid")],
                      responses: ["200": ["description": "Sentiment", "content": ["application/json": ["schema": ["type": "object"]]]] as JSON,
                                  "404": error("No such call in this business.")]),
        ],
        "/v1/leads": [
            "get": op("List leads", "Details taken on calls (messages, bookings, emergencies), newest first.", tag: "calls",
                      parameters: [query("limit", "1–500, default 50.", type: "integer"), query("cursor", "`next_cursor` of the previous page.")],
                      responses: ["200": body("LeadPage"), "400": error("Bad limit or cursor.")]),
        ],
        "/v1/analytics/{export}": [
            "get": op("Export calls or metrics", "`daily.csv|json` and `hourly.csv|json`: per local day/hour, calls, answered, outcomes, durations (mean, p50, p90), transfer success rate, knowledge answer rate, mean sentiment, server turn latency p50/p95. `calls.csv` (RFC 4180, UTF-8, header row, formula cells guarded), `calls.json` (an array) or `calls.ndjson`: one row per call with local times and zone, duration, outcome, emergency, questions answered/declined, cited entries, the first lead's fields, sentiment and summary. Streamed.",
                      tag: "analytics",
                      parameters: [path("export"), query("from", "Date (2026-11-01, a day in the business's zone) or ISO 8601 date-time; default 30 days before `to`."),
                                   query("to", "Date (inclusive) or date-time (exclusive); default now. At most 366 days after `from`.")],
                      responses: ["200": ["description": "The export", "content": ["text/csv": ["schema": ["type": "string"]], "application/json": ["schema": ["type": "array"]], "application/x-ndjson": ["schema": ["type": "string"]]]] as JSON,
                                  "400": error("Unparseable date, from after to, a range over a year, an unknown format."),
                                  "404": error("Not an export (use calls.csv, calls.json, calls.ndjson, daily/hourly .csv/.json, dispatch.csv).")]),
        ],
        "/v1/analytics/summary": [
            "get": op("Totals over a range", "The daily columns over the whole range (default: the last 30 days), plus leads taken.", tag: "analytics",
                      parameters: [query("from", "Date or ISO 8601 date-time."), query("to", "Date (inclusive) or date-time.")],
                      responses: ["200": ["description": "Totals", "content": ["application/json": ["schema": ["type": "object"]]]] as JSON,
                                  "400": error("Bad range.")]),
        ],
        "/v1/dispatch/settings": [
            "get": op("Booking-loop settings", "Offer timeouts per priority (`offer_timeouts.emergency_minutes|urgent_minutes|routine_minutes`, defaults 15/60/240), `reminder_lead_minutes` ([1440, 60]), `auto_close_after_minutes` (1440), `escalation_attempts_per_contact` (3), `escalation_attempt_gap_minutes` (5) and `landlord_contacts` ([{name, phone}], tried in order on escalation).", tag: "dispatch",
                      responses: ["200": ["description": "Settings", "content": ["application/json": ["schema": ["type": "object"]]]] as JSON]),
            "put": op("Replace the booking-loop settings", "The whole object; a field left out takes its default. Unknown fields and bad values are refused and nothing is stored.", tag: "dispatch",
                      responses: ["200": ["description": "Settings as stored", "content": ["application/json": ["schema": ["type": "object"]]]] as JSON,
                                  "400": error("Not JSON, or unknown fields."), "422": error("A value out of range (named).")]),
        ],
        "/v1/analytics/dispatch": [
            "get": op("Maintenance dispatch measures", "For the tickets opened in the range (default: the last 30 days), read from their event streams: time to first response (ticket → first offer), to accept (offer → YES), to book (ticket → scheduled), to close, and emergency escalation time, each `{count, median, p90}` in seconds (nearest rank); response, acceptance and timeout rates over decided offers, and the escalation rate (null when there is nothing to divide). For the business, `by_vendor` (with the vendor's name), `by_trade` and `by_property`. `dispatch.csv` gives the same as one row per group.", tag: "analytics",
                      parameters: [query("from", "Date or ISO 8601 date-time."), query("to", "Date (inclusive) or date-time.")],
                      responses: ["200": ["description": "Measures", "content": ["application/json": ["schema": ["type": "object"]]]] as JSON,
                                  "400": error("Bad range.")]),
        ],
        "/v1/analytics/knowledge-gaps": [
            "get": op("What the knowledge base is missing", "Questions the receptionist declined or answered with low confidence (below the threshold + 0.1), clustered by meaning (k-means on MiniLM vectors, k by silhouette): each topic with a count, a representative question, examples and how many were declined.", tag: "analytics",
                      parameters: [query("from", "Date or ISO 8601 date-time."), query("to", "Date (inclusive) or date-time."), query("max_topics", "1–50, default 10.", type: "integer")],
                      responses: ["200": ["description": "Topics", "content": ["application/json": ["schema": ["type": "object"]]]] as JSON,
                                  "400": error("Bad range or max_topics.")]),
        ],
        "/v1/customers": [
            "get": op("List customers", "In creation order, paginated. Customers are created here, and automatically from texts (and calls) by phone number.", tag: "crm",
                      parameters: [query("phone", "Only the customer with this number (normalised to E.164)."), query("text", "Name, phone, email or address contains this text."),
                                   query("limit", "1–500, default 50.", type: "integer"), query("cursor", "`next_cursor` of the previous page.")],
                      responses: ["200": body("CustomerPage"), "400": error("Bad limit or cursor."), "422": error("phone is not a phone number.")]),
            "post": op("Create a customer", "`phone` is normalised to E.164 (a national number takes the country code of the business's first number).", tag: "crm",
                       request: "CustomerInput", responses: ["201": body("Customer"), "400": error("Malformed JSON."), "409": error("The business already has a customer with this phone."),
                                                            "422": error("Invalid field (phone not E.164, bad email, unknown field).")]),
        ],
        "/v1/customers/{id}": [
            "get": op("Get a customer", nil, tag: "crm", parameters: [path("id")], responses: ["200": body("Customer"), "404": error("No such customer in this business.")]),
            "patch": op("Change a customer", "Absent fields stay; `null` clears name, email, address or notes.", tag: "crm", parameters: [path("id")], request: "CustomerInput",
                        responses: ["200": body("Customer"), "404": error("No such customer."), "409": error("Phone taken by another customer."), "422": error("Invalid field.")]),
            "delete": op("Delete a customer", "With their appointments, conversations and messages; the call log keeps its calls.", tag: "crm", parameters: [path("id")],
                         responses: ["204": ["description": "Deleted"] as JSON, "404": error("No such customer.")]),
        ],
        "/v1/customers/{id}/timeline": [
            "get": op("A customer's timeline", "Calls from their number, their messages and their appointments (at the start time), oldest first; the latest 500 of each.", tag: "crm",
                      parameters: [path("id")], responses: ["200": body("Timeline"), "404": error("No such customer.")]),
        ],
        "/v1/appointments": [
            "get": op("List appointments", "By start time, paginated.", tag: "crm",
                      parameters: [query("from", "Starting at or after this day (YYYY-MM-DD, local) or date-time."), query("to", "Starting before this day or date-time."),
                                   query("status", "booked, confirmed, cancelled, completed or no_show."), query("customer_id", "Only this customer's."),
                                   query("limit", "1–500, default 50.", type: "integer"), query("cursor", "`next_cursor` of the previous page.")],
                      responses: ["200": body("AppointmentPage"), "400": error("Bad filter, limit or cursor.")]),
            "post": op("Book an appointment", "Checked against the booking rules in the settings and the other appointments, atomically. `end` defaults to `start` + `slot_minutes`.", tag: "crm",
                       request: "AppointmentInput",
                       responses: ["201": body("Appointment"), "400": error("Malformed JSON."),
                                   "409": error("A booking rule is broken; the code says which: outside_hours, overlaps, day_full, morning_reserved, in_the_past, invalid_range."),
                                   "422": error("Invalid field (unknown customer, unreadable time).")]),
        ],
        "/v1/appointments/availability": [
            "get": op("Free slots of a day", "Slots of `slot_minutes` from opening time that a booking would get (hours, travel buffer, day limit, reserved mornings, past). DST days have one slot more or less.", tag: "crm",
                      parameters: [["name": "date", "in": "query", "required": true, "description": "The local day, YYYY-MM-DD.", "schema": ["type": "string", "format": "date"]] as JSON,
                                   query("emergency", "true: slots an emergency could take (reserved mornings included).", type: "boolean")],
                      responses: ["200": body("Availability"), "400": error("Missing or bad date.")]),
        ],
        "/v1/appointments/{id}": [
            "patch": op("Change an appointment", "Reschedule (moving `start` keeps the length), change status, service, notes, emergency. A new time, or a cancelled appointment made active, is checked against the rules.", tag: "crm",
                        parameters: [path("id")], request: "AppointmentPatch",
                        responses: ["200": body("Appointment"), "404": error("No such appointment."), "409": error("A booking rule is broken (see POST)."), "422": error("Invalid field.")]),
        ],
        "/v1/conversations/{id}": [
            "get": op("A conversation with its messages", "In time order.", tag: "crm", parameters: [path("id")],
                      responses: ["200": body("Conversation"), "404": error("No such conversation in this business.")]),
        ],
        "/twilio/sms": ["post": twilioSMS()],
        "/v1/reminders/send-upcoming": [
            "post": op("Queue appointment reminders now", "Customers whose booked or confirmed appointment starts within the business's `default_reminder_hours` get one text per appointment (never twice, never when opted out). The job runner also does this hourly.",
                       tag: "crm", responses: ["200": ["description": "`sent` and `skipped` (with `reason`: opted_out, already_sent, no_business_number)", "content": ["application/json": ["schema": ["type": "object"]]]] as JSON]),
        ],
        "/v1/owner/schedule/tomorrow": [
            "get": op("Tomorrow's jobs", "Appointments of tomorrow (business's zone) in order, with a `reply_text` that reads aloud (\"Tomorrow you have 4 jobs. First, 8 a.m., a boiler service at 14 Elm Road …\"). `?format=twiml` returns it as `<Say>`.",
                      tag: "owner", parameters: [query("format", "json (default) or twiml.")],
                      responses: ["200": ["description": "Schedule", "content": ["application/json": ["schema": ["type": "object"]], "text/xml": ["schema": ["type": "string"]]]] as JSON,
                                  "400": error("Unknown format.")]),
        ],
        "/v1/owner/summary/today": [
            "get": op("Today so far", "Calls, leads, bookings and emergencies of today (business's zone), with a `reply_text`; `?format=twiml` as `<Say>`.",
                      tag: "owner", parameters: [query("format", "json (default) or twiml.")],
                      responses: ["200": ["description": "Summary", "content": ["application/json": ["schema": ["type": "object"]], "text/xml": ["schema": ["type": "string"]]]] as JSON,
                                  "400": error("Unknown format.")]),
        ],
        "/twilio/voice": ["post": twilio("Inbound call", "Finds the business by `To`, starts the call and greets the caller with `<Gather input=\"speech\">`. An unknown or suspended number hears that it is not set up.")],
        "/twilio/gather": ["post": twilio("One caller turn", "`SpeechResult`, `Confidence` (empty: no speech). One step of the call's state machine; TwiML back.")],
        "/twilio/transfer-status": ["post": twilio("Transfer finished", "`DialCallStatus` of the `<Dial>`: completed ends the call; busy, no-answer or failed go to taking a message.")],
        "/twilio/call-status": ["post": twilio("Status callback", "`CallStatus`, `CallDuration`, `SequenceNumber`: applied in sequence order and never backwards; a final status closes the call and records its outcome (a lead in progress is kept).")],
        "/twilio/amd-status": ["post": twilio("Answering-machine result of an outbound call", "`AnsweredBy` (human, machine_start, machine_end_beep, machine_end_silence, machine_end_other, fax, unknown), `MachineDetectionDuration`: recorded as a `call.status` event on the call's stream.")],
        "/v1/admin/businesses/{id}/twilio-auth-token": [
            "put": op("Set the business's Twilio auth token", "Its webhooks are then verified with this token instead of FRONTDESK_TWILIO_AUTH_TOKEN. Write-only.", tag: "admin", auth: "admin",
                      parameters: [path("id")], request: "TwilioToken",
                      responses: ["204": ["description": "Set"] as JSON, "404": error("No such business."), "422": error("Not a Twilio auth token.")]),
            "delete": op("Remove the business's Twilio auth token", "The global token applies again.", tag: "admin", auth: "admin",
                         parameters: [path("id")], responses: ["204": ["description": "Removed"] as JSON, "404": error("No such business.")]),
        ],
        "/v1/admin/businesses": [
            "post": op("Create a business", "Returns its first API key once.", tag: "admin", auth: "admin", request: "BusinessInput",
                       responses: ["201": body("BusinessWithKey"), "409": error("Slug or number taken."), "422": error("Invalid field.")]),
            "get": op("List businesses", nil, tag: "admin", auth: "admin",
                      parameters: [query("limit", "1–500, default 50.", type: "integer"), query("cursor", "`next_cursor` of the previous page.")],
                      responses: ["200": body("BusinessPage")]),
        ],
        "/v1/admin/businesses/{id}": [
            "get": op("Get a business", nil, tag: "admin", auth: "admin", parameters: [path("id")], responses: ["200": body("Business"), "404": error("No such business.")]),
            "patch": op("Change a business", "Any of name, time_zone, status (ACTIVE/SUSPENDED), numbers (replaces the set), settings.", tag: "admin", auth: "admin",
                        parameters: [path("id")], request: "BusinessPatch",
                        responses: ["200": body("Business"), "404": error("No such business."), "409": error("Number taken."), "422": error("Invalid field.")]),
            "delete": op("Delete a business", "With its numbers, keys and knowledge.", tag: "admin", auth: "admin", parameters: [path("id")],
                         responses: ["204": ["description": "Deleted"] as JSON, "404": error("No such business.")]),
        ],
        "/v1/admin/businesses/{id}/keys": [
            "post": op("Rotate the business's API key", "The old key stops working at once; the new one is shown only here.", tag: "admin", auth: "admin",
                       parameters: [path("id")], responses: ["201": body("NewKey"), "404": error("No such business.")]),
            "get": op("List the business's keys", "Prefixes and dates only, never the keys.", tag: "admin", auth: "admin",
                      parameters: [path("id")], responses: ["200": body("KeyList"), "404": error("No such business.")]),
        ],
    ] }

    // MARK: Components

    static var components: JSON { [
        "securitySchemes": [
            "apiKey": ["type": "apiKey", "in": "header", "name": "X-API-Key", "description": "A business's API key."] as JSON,
            "admin": ["type": "http", "scheme": "bearer", "description": "The operator (admin) key."] as JSON,
            "visitorToken": ["type": "http", "scheme": "bearer", "description": "A web chat visitor token (`POST /widget/v1/{key}/conversations`)."] as JSON,
        ] as JSON,
        "schemas": ([
            "Error": object(["error": object(["code": string(), "message": string(),
                                              "details": ["type": "array", "items": object(["row": ["type": ["integer", "null"]], "field": nullable("string"), "message": string()], required: ["message"])]],
                                             required: ["code", "message"])], required: ["error"]),
            "Health": object(["status": string(), "model": string(), "dimension": ["type": "integer"], "migrations": ["type": "boolean"],
                              "database": ["type": "string", "enum": ["sqlite", "postgresql"]], "problem": string(),
                              "knowledge_behind": ["type": "array", "items": string(), "description": "Businesses whose knowledge this node has not caught up with for over 10 s."]]),
            "EntryInput": object(["title": string(), "content": string(), "category": nullable("string"),
                                  "tags": ["type": "array", "items": string()], "source": nullable("string")], required: ["title", "content"]),
            "EntryPatch": object(["title": string(), "content": string(), "category": nullable("string"),
                                  "tags": ["type": "array", "items": string()], "source": nullable("string")]),
            "Entry": object(["id": string(), "title": string(), "content": string(), "category": nullable("string"),
                             "tags": ["type": "array", "items": string()], "source": nullable("string"),
                             "created_at": string(format: "date-time"), "updated_at": string(format: "date-time")]),
            "EntryPage": object(["items": ["type": "array", "items": ref("Entry")], "next_cursor": nullable("string")]),
            "ImportResult": object(["imported": ["type": "integer"], "format": string(), "ids": ["type": "array", "items": string()]]),
            "SearchInput": object(["query": string(), "k": ["type": "integer", "minimum": 1, "maximum": 50, "default": 5],
                                   "categories": ["type": "array", "items": string()],
                                   "mode": ["type": "string", "enum": ["hybrid", "dense", "keyword"], "default": "hybrid"]], required: ["query"]),
            "SearchResult": object(["query": string(), "mode": string(), "results": ["type": "array", "items": object([
                "chunk_id": ["type": "integer"], "entry_id": string(), "title": string(), "snippet": string(),
                "category": nullable("string"), "source": nullable("string"), "score": ["type": "number"],
                "similarity": ["type": ["number", "null"], "description": "Cosine similarity when the dense retriever ranked the chunk."],
            ])], "kb_version": ["type": "integer", "description": "The business's knowledge version the answering node's index reflected."]]),
            "Citation": object(["entry_id": string(), "chunk_id": ["type": "integer"], "score": ["type": "number"], "similarity": nullable("number")]),
            "CallSummary": object([
                "sid": string(), "caller": nullable("string"), "called": string(), "status": string(),
                "state": ["type": "string", "enum": ["GREETING", "INTENT", "FAQ", "BOOKING_REQUEST", "TRANSFER_ATTEMPT", "LEAD_CAPTURE", "CONFIRMATION", "WRAP_UP", "ENDED"]],
                "outcome": ["type": ["string", "null"], "enum": ["emergency", "transferred", "booked", "lead_captured", "answered_question", "abandoned", NSNull()]],
                "is_emergency": ["type": "boolean"], "emergency_category": nullable("string"),
                "started_at": string(format: "date-time"), "ended_at": nullable("string"), "duration_seconds": nullable("integer"),
            ]),
            "CallPage": object(["items": ["type": "array", "items": ref("CallSummary")], "next_cursor": nullable("string")]),
            "Turn": object([
                "seq": ["type": "integer"], "speaker": ["type": "string", "enum": ["caller", "receptionist"]], "text": string(), "event": string(),
                "asr_confidence": nullable("number"), "state": string(), "citations": ["type": ["array", "null"], "items": ref("Citation")],
                "answer_confidence": nullable("number"), "declined": ["type": "boolean"], "latency_ms": nullable("number"),
                "created_at": string(format: "date-time"),
            ]),
            "Lead": object([
                "id": string(), "call_sid": nullable("string"),
                "conversation_id": ["type": ["string", "null"], "description": "The web chat conversation the lead was taken in."] as JSON, "reason": ["type": "string", "enum": ["message", "booking", "emergency", "unanswered", "no_transfer"]],
                "name": nullable("string"), "phone": nullable("string"), "address": nullable("string"), "notes": nullable("string"),
                "preferred_time": nullable("string"), "preferred_start": nullable("string"), "preferred_end": nullable("string"),
                "category": nullable("string"), "severity": nullable("string"), "is_emergency": ["type": "boolean"], "status": string(),
                "created_at": string(format: "date-time"),
            ]),
            "LeadPage": object(["items": ["type": "array", "items": ref("Lead")], "next_cursor": nullable("string")]),
            "CallDetail": ["allOf": [ref("CallSummary"), object(["turns": ["type": "array", "items": ref("Turn")],
                                                                 "leads": ["type": "array", "items": ref("Lead")]])]] as JSON,
            "CustomerInput": object(["name": nullable("string"), "phone": ["type": "string", "description": "E.164, or national with the business's country code; required on create."],
                                     "email": nullable("string"), "address": nullable("string"), "notes": nullable("string"), "sms_opt_out": ["type": "boolean"]]),
            "Customer": object(["id": string(), "name": nullable("string"), "phone": string(), "email": nullable("string"), "address": nullable("string"),
                                "notes": nullable("string"), "sms_opt_out": ["type": "boolean"], "sms_opt_out_at": nullable("string"),
                                "created_at": string(format: "date-time"), "updated_at": string(format: "date-time")]),
            "CustomerPage": object(["items": ["type": "array", "items": ref("Customer")], "next_cursor": nullable("string")]),
            "AppointmentInput": object(["customer_id": string(), "start": ["type": "string", "description": "ISO 8601; without an offset it is the business's local time."],
                                        "end": string(), "service": nullable("string"), "status": ["type": "string", "enum": ["booked", "confirmed"]],
                                        "is_emergency": ["type": "boolean"], "notes": nullable("string"), "source_call_sid": string()],
                                       required: ["customer_id", "start"]),
            "AppointmentPatch": object(["start": string(), "end": string(), "service": nullable("string"),
                                        "status": ["type": "string", "enum": ["booked", "confirmed", "cancelled", "completed", "no_show"]],
                                        "is_emergency": ["type": "boolean"], "notes": nullable("string")]),
            "Appointment": object(["id": string(), "customer_id": string(), "start": ["type": "string", "description": "In the business's time zone, with its offset."],
                                   "end": string(), "time_zone": string(), "service": nullable("string"),
                                   "status": ["type": "string", "enum": ["booked", "confirmed", "cancelled", "completed", "no_show"]],
                                   "is_emergency": ["type": "boolean"], "notes": nullable("string"), "source_call_sid": nullable("string"),
                                   "created_at": string(format: "date-time"), "updated_at": string(format: "date-time")]),
            "AppointmentPage": object(["items": ["type": "array", "items": ref("Appointment")], "next_cursor": nullable("string")]),
            "Availability": object(["date": string(format: "date"), "time_zone": string(), "slot_minutes": ["type": "integer"], "emergency": ["type": "boolean"],
                                    "slots": ["type": "array", "items": object(["start": string(), "end": string()])]]),
            "Message": object(["id": ["type": "integer"], "conversation_id": string(), "direction": ["type": "string", "enum": ["inbound", "outbound"]],
                               "body": string(), "created_at": string(format: "date-time"),
                               "sources": ["type": "array", "description": "The knowledge entries a reply cited (web replies), with their titles when cited; absent when none.",
                                           "items": ref("MessageSource")] as JSON]),
            "MessageSource": object(["entry_id": string(), "title": string()], required: ["entry_id", "title"]),
            "Conversation": object(["id": string(), "customer_id": ["type": ["string", "null"], "description": "Null for a web conversation whose visitor has left no phone number."] as JSON,
                                    "channel": ["type": "string", "enum": ConversationChannel.allCases.map(\.rawValue)] as JSON,
                                    "call_sid": nullable("string"), "created_at": string(format: "date-time"), "updated_at": string(format: "date-time"),
                                    "messages": ["type": "array", "items": ref("Message")]]),
            "Timeline": object(["customer": ref("Customer"), "items": ["type": "array", "items": object([
                "type": ["type": "string", "enum": ["call", "message", "appointment"]], "at": string(format: "date-time"),
                "call": ref("CallSummary"), "message": ref("Message"), "channel": string(), "appointment": ref("Appointment"),
            ])]]),
            "TwilioToken": object(["auth_token": string()], required: ["auth_token"]),
            "IndexStatus": object(["entries": ["type": "integer"], "chunks": ["type": "integer"], "vectors": ["type": "integer"], "consistent": ["type": "boolean"]]),
            "ReceptionistSettings": object([
                "greeting": string(), "business_hours": ["type": "object", "description": "monday…sunday → {open: \"08:00\", close: \"18:00\"}"],
                "transfer_number": nullable("string"), "emergency_phrases": ["type": "array", "items": string()],
                "answer_confidence_threshold": ["type": "number", "minimum": 0, "maximum": 1], "voice": string(), "language": string(),
                "emergency_number": ["type": "string", "description": "Said in the emergency safety line, e.g. 911, 999, 112."],
                "collect_address": ["type": "boolean", "description": "Ask callers for a street address when taking their details."],
                "slot_minutes": ["type": "integer", "minimum": 5, "maximum": 480, "default": 60, "description": "Length of a bookable slot."],
                "max_jobs_per_day": ["type": ["integer", "null"], "minimum": 1, "description": "Appointments per day at most; null for no limit."],
                "travel_buffer_minutes": ["type": "integer", "minimum": 0, "maximum": 240, "default": 0, "description": "Free time kept between two appointments."],
                "reserve_mornings_for_emergencies": ["type": "boolean", "default": false, "description": "Only emergencies may be booked before 12:00 local time."],
                "default_reminder_hours": ["type": "integer", "minimum": 0, "maximum": 168, "default": 24, "description": "Reminder text this many hours before an appointment; 0 for none."],
                "owner_phone": ["type": ["string", "null"], "description": "E.164 number owner alerts are texted to."],
                "maintenance_intake": ["type": "boolean", "default": false, "description": "Take callers who report a problem at a property through maintenance intake and open a ticket (see docs/dispatch.md)."],
            ]),
            "BusinessInput": object(["slug": string(), "name": string(), "time_zone": string(), "numbers": ["type": "array", "items": string()],
                                     "settings": ref("ReceptionistSettings"), "status": ["type": "string", "enum": ["ACTIVE", "SUSPENDED"]]],
                                    required: ["slug", "name", "time_zone"]),
            "BusinessPatch": object(["name": string(), "time_zone": string(), "numbers": ["type": "array", "items": string()],
                                     "settings": ref("ReceptionistSettings"), "status": ["type": "string", "enum": ["ACTIVE", "SUSPENDED"]]]),
            "Business": object(["id": string(), "slug": string(), "name": string(), "time_zone": string(),
                                "status": ["type": "string", "enum": ["ACTIVE", "SUSPENDED"]], "numbers": ["type": "array", "items": string()],
                                "settings": ref("ReceptionistSettings"), "created_at": string(format: "date-time"), "updated_at": string(format: "date-time")]),
            "BusinessWithKey": ["allOf": [ref("Business"), object(["api_key": string()])]] as JSON,
            "BusinessPage": object(["items": ["type": "array", "items": ref("Business")], "next_cursor": nullable("string")]),
            "NewKey": object(["api_key": string(), "prefix": string(), "created_at": string(format: "date-time")]),
            "KeyList": object(["items": ["type": "array", "items": object(["id": string(), "prefix": string(),
                                                                            "created_at": string(format: "date-time"), "revoked_at": nullable("string")])]]),
        ] as JSON).merging(eventSchemas) { documented, _ in documented }.merging(dispatchSchemas) { documented, _ in documented }
            .merging(campaignSchemas) { documented, _ in documented }.merging(widgetSchemas) { documented, _ in documented }
            .merging(panelSchemas) { documented, _ in documented },
    ] }

    // MARK: Builders

    static func op(
        _ summary: String, _ description: String?, tag: String, auth: String? = "apiKey", parameters: [JSON] = [],
        request: String? = nil, requestContent: JSON? = nil, responses: JSON
    ) -> JSON {
        var operation: JSON = ["summary": summary, "tags": [tag], "responses": responses]
        if let description { operation["description"] = description }
        if let auth {
            operation["security"] = [[auth: [String]()]]
            var withAuth = responses
            withAuth["401"] = withAuth["401"] ?? error("Missing or wrong key.")
            if auth == "apiKey" { withAuth["403"] = withAuth["403"] ?? error("The business is suspended.") }
            operation["responses"] = withAuth
        }
        if !parameters.isEmpty { operation["parameters"] = parameters }
        if let request { operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": ref(request)]]] as JSON }
        if let requestContent { operation["requestBody"] = ["required": true, "content": requestContent] as JSON }
        return operation
    }

    /// A Twilio webhook: form body, `X-Twilio-Signature`, TwiML reply.
    static func twilio(_ summary: String, _ description: String) -> JSON {
        [
            "summary": summary, "description": description + " Signed with `X-Twilio-Signature` (HMAC-SHA1 of the public URL and the sorted parameters); a redelivery with the same `I-Twilio-Idempotency-Token` gets the first reply again.",
            "tags": ["twilio"],
            "parameters": [["name": "X-Twilio-Signature", "in": "header", "required": true, "schema": ["type": "string"]] as JSON,
                           ["name": "I-Twilio-Idempotency-Token", "in": "header", "required": false, "schema": ["type": "string"]] as JSON],
            "requestBody": ["required": true, "content": ["application/x-www-form-urlencoded": ["schema": ["type": "object", "properties": [
                "CallSid": string(), "From": string(), "To": string(), "SpeechResult": string(), "Confidence": string(),
                "DialCallStatus": string(), "CallStatus": string(), "CallDuration": string(),
            ] as JSON, "required": ["CallSid"]] as JSON]] as JSON] as JSON,
            "responses": [
                "200": ["description": "TwiML", "content": ["text/xml": ["schema": ["type": "string"]]]] as JSON,
                "400": error("Not a Twilio webhook (no CallSid, unreadable form)."),
                "403": error("Missing or wrong signature, or no Twilio auth token configured."),
                "413": error("Body over 64 KB."),
            ] as JSON,
        ]
    }

    /// `POST /twilio/sms`: Twilio's incoming-message webhook.
    static func twilioSMS() -> JSON {
        [
            "summary": "Inbound text",
            "description": "Finds the business by `To` and the customer by `From` (created when new); the text joins their SMS conversation. A message that is one keyword: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT set `sms_opt_out` and get an empty `<Response/>` (Twilio's own opt-out reply answers them); START, YES, UNSTOP clear it with a confirmation `<Message>`; HELP, INFO get the business name, how to opt out and its number. Anything else is a message (the owner is alerted when `owner_phone` is set). Signed with `X-Twilio-Signature` like the voice webhooks; a redelivered MessageSid is stored once.",
            "tags": ["twilio"],
            "parameters": [["name": "X-Twilio-Signature", "in": "header", "required": true, "schema": ["type": "string"]] as JSON],
            "requestBody": ["required": true, "content": ["application/x-www-form-urlencoded": ["schema": ["type": "object", "properties": [
                "MessageSid": string(), "AccountSid": string(), "From": string(), "To": string(), "Body": string(), "NumMedia": string(),
            ] as JSON, "required": ["MessageSid", "From", "To"]] as JSON]] as JSON] as JSON,
            "responses": [
                "200": ["description": "TwiML: `<Message>` or an empty `<Response/>`", "content": ["text/xml": ["schema": ["type": "string"]]]] as JSON,
                "400": error("Not a Twilio messaging webhook (no MessageSid, unreadable form)."),
                "403": error("Missing or wrong signature, or no Twilio auth token configured."),
                "413": error("Body over 64 KB."),
            ] as JSON,
        ]
    }

    static func ref(_ name: String) -> JSON { ["$ref": "#/components/schemas/\(name)"] }
    static func body(_ schema: String) -> JSON { ["description": schema, "content": ["application/json": ["schema": ref(schema)]]] }
    static func text(_ type: String) -> JSON { ["description": "text", "content": [type: ["schema": ["type": "string"]]]] }
    static func error(_ description: String) -> JSON {
        ["description": description, "content": ["application/json": ["schema": ref("Error")]]]
    }
    static func path(_ name: String) -> JSON { ["name": name, "in": "path", "required": true, "schema": ["type": "string"]] }
    static func query(_ name: String, _ description: String, type: String = "string") -> JSON {
        ["name": name, "in": "query", "required": false, "description": description, "schema": ["type": type]]
    }
    static func string(format: String? = nil) -> JSON { format.map { ["type": "string", "format": $0] } ?? ["type": "string"] }
    static func nullable(_ type: String) -> JSON { ["type": [type, "null"]] }
    static func object(_ properties: JSON, required: [String] = []) -> JSON {
        var schema: JSON = ["type": "object", "properties": properties]
        if !required.isEmpty { schema["required"] = required }
        return schema
    }
}

/// `GET /openapi.json`.
struct OpenAPIController {
    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: try OpenAPIDocument.data())))
        }
    }
}
