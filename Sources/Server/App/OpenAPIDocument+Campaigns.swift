import Campaigns

/// `/v1/campaigns` (CampaignsController) and `/v1/do-not-call` (DoNotCallController), beside the main document.
/// Enumerations and limits are read from the types themselves, so the document cannot drift from what the server
/// accepts.
extension OpenAPIDocument {
    static var campaignPaths: JSON {
        let campaignStates = CampaignState.allCases.map(\.rawValue).joined(separator: ", ")
        let recipientStates = RecipientState.allCases.map(\.rawValue).joined(separator: ", ")
        let moveError: JSON = [
            "description": "The transition table forbids the move (`illegal_transition`, with `rule`, `from`, `to`), or the campaign changed meanwhile (`campaign_conflict`).",
            "content": ["application/json": ["schema": ref("CampaignTransitionError")]],
        ]
        func move(_ summary: String, _ description: String) -> JSON {
            ["post": op(summary, description, tag: "campaigns", parameters: [path("id")], request: "CampaignReason",
                        responses: ["200": body("Campaign"), "400": error("Malformed JSON."), "404": error("No such campaign in this business."),
                                    "409": moveError])]
        }
        return [
            "/v1/campaigns": [
                "post": op("Create a campaign", "A draft: nobody is called until it is started. `name`, `script` and `caller_number` (one of the business's numbers) are required; `calling_window` defaults to 08:00–21:00 in each recipient's time zone and may only be narrowed; `pacing.max_concurrent_calls` 1–\(CampaignPacing.maxConcurrentCallsLimit) (default 2); `retry_policy` `max_attempts` 1–\(RetryPolicy.maxAttemptsLimit) (default 3) and `retry_gap_minutes` 120–10080 (default 120); `voicemail` `leave_message` (needs `script.voicemail_message`) or `hang_up` (default). Script lines use `{{variables}}` from the recipients' columns and `{{business_name}}`; the opening always says who calls and that it is an automated assistant (see `opening_disclosure`). Appends `campaign.created`.",
                           tag: "campaigns", request: "CampaignInput",
                           responses: ["201": body("Campaign"), "400": error("Malformed JSON or a wrong-typed field."),
                                       "422": error("Invalid field, named in `details[0].field` (`script.questions[1].text`, `calling_window.end`, `caller_number`, …), or an unknown field.")]),
                "get": op("List campaigns", "In creation order (oldest first), paginated.", tag: "campaigns",
                          parameters: [query("state", campaignStates + "."), query("limit", "1–500, default 50.", type: "integer"),
                                       query("cursor", "`next_cursor` of the previous page.")],
                          responses: ["200": body("CampaignPage"), "400": error("Unknown state, bad limit or cursor.")]),
            ],
            "/v1/campaigns/{id}": [
                "get": op("Get a campaign", "With `recipients`: how many are in each state, and the total; and `counters` (CampaignCounters): who is left, the answer rate, the recent pace and the time left at it.", tag: "campaigns",
                          parameters: [path("id")], responses: ["200": body("Campaign"), "404": error("No such campaign in this business.")]),
                "patch": op("Edit a campaign", "Absent fields stay; `script` replaces the whole script; `start_at: null` clears the start time; a partial `retry_policy` keeps the other value. Draft and scheduled: every field. Paused: name, calling_window, pacing, retry_policy and voicemail (not the script, the caller number or the start time). Running, completed, cancelled: nothing. `state` is not patchable: start, pause, resume and cancel move a campaign. A new script may not use a variable some recipient lacks. Appends `campaign.updated` when something changed.",
                            tag: "campaigns", parameters: [path("id")], request: "CampaignInput",
                            responses: ["200": body("Campaign"), "404": error("No such campaign."),
                                        "409": error("A field the campaign's state does not let change (`campaign_conflict`, naming it)."),
                                        "422": error("Invalid field, a script variable some recipient lacks, or `state` given (`state_not_patchable`).")]),
                "delete": op("Delete a draft campaign", "With its recipients. Appends `campaign.deleted`.", tag: "campaigns",
                             parameters: [path("id")],
                             responses: ["204": ["description": "Deleted"] as JSON, "404": error("No such campaign."),
                                         "409": error("Not a draft (`campaign_conflict`): cancel it instead.")]),
            ],
            "/v1/campaigns/{id}/start": [
                "post": op("Start a campaign", "Draft or scheduled → `scheduled` while `start_at` is ahead, else `running`. A scheduled campaign whose time is still ahead is returned unchanged. The dialer calls a running campaign's recipients (docs/campaigns.md, \"Dialing\").",
                           tag: "campaigns", parameters: [path("id")], request: "CampaignReason",
                           responses: ["200": body("Campaign"), "404": error("No such campaign."),
                                       "409": ["description": "The campaign has no recipients (`no_recipients`), the table forbids the move (`illegal_transition`), or it changed meanwhile.",
                                               "content": ["application/json": ["schema": ref("CampaignTransitionError")]]] as JSON]),
            ],
            "/v1/campaigns/{id}/pause": move("Pause a campaign", "Running → paused: nobody new is dialled; calls in progress finish."),
            "/v1/campaigns/{id}/resume": move("Resume a campaign", "Paused → running."),
            "/v1/campaigns/{id}/cancel": move("Cancel a campaign", "From draft, scheduled, running or paused. Every recipient still waiting for a call (pending, or with a retry scheduled) becomes `skipped`; calls in progress finish."),
            "/v1/campaigns/{id}/recipients": [
                "post": op("Upload recipients", "CSV (`text/csv`: a header row, `phone_number` required, every other column a variable; optional `timezone` (IANA) and `postcode` (a US ZIP code, for +1 numbers) decide the recipient's time zone, else the business's) or JSON (`application/json`: an array of objects). E.164 numbers; rows with the same number are merged (the first row's values kept, later rows fill its blanks: `merged`); numbers the campaign already has are left as they are (`already_present`). At most \(RecipientImport.maxRows) rows per upload. All or nothing. Appends `campaign.recipients_added`.",
                           tag: "campaigns", parameters: [path("id")],
                           requestContent: ["text/csv": ["schema": ["type": "string"]] as JSON,
                                            "application/json": ["schema": ["type": "array", "items": ["type": "object", "properties": ["phone_number": string()], "required": ["phone_number"], "additionalProperties": ["type": ["string", "number", "boolean", "null"]]] as JSON]] as JSON],
                           responses: ["201": body("RecipientUpload"), "404": error("No such campaign."),
                                       "409": error("The campaign is completed or cancelled (`campaign_conflict`)."),
                                       "413": error("Body over 20 MB."), "415": error("Neither text/csv nor application/json."),
                                       "422": error("`invalid_recipients`: `details` lists every problem with its `row` (CSV: the line the record starts on, the header being 1; JSON: the object's position from 1), `field` (the column) and `message`. Nothing was stored.")]),
                "get": op("List recipients", "In upload order, paginated.", tag: "campaigns",
                          parameters: [path("id"), query("state", recipientStates + "."), query("limit", "1–500, default 50.", type: "integer"),
                                       query("cursor", "`next_cursor` of the previous page.")],
                          responses: ["200": body("RecipientPage"), "400": error("Unknown state, bad limit or cursor."),
                                      "404": error("No such campaign.")]),
            ],
            "/v1/campaigns/{id}/results": [
                "get": op("Results as JSON", "Every recipient in upload order: the columns of `results.csv`, with `answers` (by question field; null until answered) and `variables` as objects.",
                          tag: "campaigns", parameters: [path("id")],
                          responses: ["200": ["description": "A JSON array", "content": ["application/json": ["schema": ["type": "array", "items": ref("CampaignResult")]]]] as JSON,
                                      "404": error("No such campaign.")]),
            ],
            "/v1/campaigns/{id}/results.csv": [
                "get": op("Results as CSV", "RFC 4180 through the call export's writer: `recipient_id`, `phone_number`, `state`, `attempts`, `last_outcome`, `last_call_sid`, `next_attempt_at` (the business's time zone with its offset), `time_zone`, one column per question field, `appointment_status`, `appointment_id` and `appointment_note` when the script has an appointment question, then each upload column as `var_<name>`. Cells a spreadsheet would run as a formula start with `'`.",
                          tag: "campaigns", parameters: [path("id")],
                          responses: ["200": text("text/csv; charset=utf-8"), "404": error("No such campaign.")]),
            ],
            "/v1/do-not-call": [
                "get": op("List the do-not-call list", "In the order numbers were added, paginated. Checked right before every campaign dial, with customers' SMS opt-outs.",
                          tag: "campaigns", parameters: [query("limit", "1–500, default 50.", type: "integer"), query("cursor", "`next_cursor` of the previous page.")],
                          responses: ["200": body("DoNotCallPage"), "400": error("Bad limit or cursor.")]),
                "post": op("Add a number to the do-not-call list", "`phone` normalised to E.164 (a national number takes the country code of the business's first number); `reason` at most \(DoNotCallEntry.maxReasonLength) characters. 201 when added (appends `do_not_call.added`), 200 with the stored entry when already listed.",
                           tag: "campaigns", request: "DoNotCallInput",
                           responses: ["201": body("DoNotCallEntry"), "200": body("DoNotCallEntry"), "400": error("Malformed JSON."),
                                       "422": error("Not a phone number, a reason too long, or an unknown field.")]),
            ],
            "/v1/do-not-call/{phone}": [
                "delete": op("Remove a number from the do-not-call list", "`phone` as E.164 (`+` may be sent as `%2B`). Appends `do_not_call.removed`.",
                             tag: "campaigns", parameters: [path("phone")],
                             responses: ["204": ["description": "Removed"] as JSON, "404": error("The number is not on the list.")]),
            ],
        ]
    }

    static var campaignSchemas: JSON {
        let script = object([
            "purpose": ["type": "string", "maxLength": CampaignScript.maxLineLength],
            "opening_line": ["type": "string", "maxLength": CampaignScript.maxLineLength],
            "questions": ["type": "array", "maxItems": CampaignScript.maxQuestions, "items": object([
                "field": ["type": "string", "description": "The result field: a letter, then letters, digits or _; unique; not a fixed result column."],
                "text": ["type": "string", "maxLength": CampaignScript.maxLineLength],
                "kind": ["type": "string", "enum": AnswerKind.allCases.map(\.rawValue)],
                "appointment": ["type": "string", "enum": AppointmentAction.allCases.map(\.rawValue),
                                "description": "At most one question: `book` (a date_time question: its answer is the start of a new appointment, booked through the business's booking rules) or `confirm` (a yes_no question: \"yes\" confirms the appointment of the recipient's `appointment_id` column, which every upload must then have)."],
            ], required: ["field", "text", "kind"])],
            "closing_line": ["type": "string", "maxLength": CampaignScript.maxLineLength],
            "voicemail_message": nullable("string"),
        ], required: ["purpose", "opening_line", "closing_line"])
        let window = object(["start": ["type": "string", "description": "HH:mm, at or after 08:00 (recipient's local time)."],
                             "end": ["type": "string", "description": "HH:mm, at or before 21:00."]], required: ["start", "end"])
        let pacing = object(["max_concurrent_calls": ["type": "integer", "minimum": 1, "maximum": CampaignPacing.maxConcurrentCallsLimit]])
        let retry = object(["max_attempts": ["type": "integer", "minimum": 1, "maximum": RetryPolicy.maxAttemptsLimit],
                            "retry_gap_minutes": ["type": "integer", "minimum": 120, "maximum": 10_080]])
        let voicemail: JSON = ["type": "string", "enum": VoicemailBehaviour.allCases.map(\.rawValue)]
        var counts: JSON = [:]
        for state in RecipientState.allCases { counts[state.rawValue] = ["type": "integer"] as JSON }
        counts["total"] = ["type": "integer"] as JSON
        return [
            "CampaignInput": object([
                "name": ["type": "string", "maxLength": CampaignDefinition.maxNameLength], "script": script,
                "caller_number": string(), "start_at": ["type": ["string", "null"], "format": "date-time"],
                "calling_window": window, "pacing": pacing, "retry_policy": retry, "voicemail": voicemail,
            ]),
            "Campaign": object([
                "id": string(), "name": string(), "state": ["type": "string", "enum": CampaignState.allCases.map(\.rawValue)],
                "script": object([
                    "purpose": string(), "opening_line": string(),
                    "opening_disclosure": ["type": ["string", "null"], "description": "Said before the opening line; null when the opening line itself names {{business_name}} and says \"automated\"."],
                    "questions": ["type": "array", "items": object(["field": string(), "text": string(),
                                                                     "kind": ["type": "string", "enum": AnswerKind.allCases.map(\.rawValue)],
                                                                     "appointment": nullable("string")])],
                    "closing_line": string(), "voicemail_message": nullable("string"),
                    "variables": ["type": "array", "items": string(), "description": "The recipient variables the script uses: every upload needs these columns."],
                ]),
                "caller_number": string(), "start_at": nullable("string"), "calling_window": window, "pacing": pacing,
                "retry_policy": retry, "voicemail": voicemail,
                "created_at": string(format: "date-time"), "updated_at": string(format: "date-time"),
                "version": ["type": "integer", "description": "1 when created, +1 per change; moves through the API are conditional on it."],
                "recipients": object(counts),
                "counters": ref("CampaignCounters"),
            ]),
            "CampaignCounters": object([
                "by_state": ["type": "object", "additionalProperties": ["type": "integer"]],
                "remaining": ["type": "integer", "description": "Recipients not finished: to be called, in a call, or busy / no answer / failed with a retry scheduled."],
                "answer_rate": ["type": ["number", "null"], "description": "Completed conversations ÷ recipients whose calls ended answered or not; null before any ended."],
                "attempts_per_hour": ["type": ["number", "null"], "description": "The pace: attempts ended (any outcome) in the last \(Int(CampaignPace.window / 60)) minutes, per hour — measured from the first call when that is more recent. Null unless the campaign is running and an attempt ended in that window."],
                "time_left_seconds": ["type": ["integer", "null"], "description": "The later of `remaining` ÷ the pace and the wait for the latest retry or calling-window deferral already scheduled; 0 when nobody is left. Calling time at the recent pace (closed windows beyond the deferrals made are not added). Null unless the campaign is running and has a pace."],
            ], required: ["by_state", "remaining", "answer_rate", "attempts_per_hour", "time_left_seconds"]),
            "CampaignPage": object(["items": ["type": "array", "items": ref("Campaign")], "next_cursor": nullable("string")]),
            "CampaignReason": object(["reason": ["type": "string", "maxLength": CampaignStateChange.maxReasonLength]]),
            "CampaignTransitionError": object([
                "error": object(["code": ["type": "string", "enum": ["illegal_transition", "campaign_conflict", "no_recipients"]],
                                 "message": string()], required: ["code", "message"]),
                "rule": ["type": "string", "description": "The rule the move breaks, e.g. \"only a running campaign can be paused\" (illegal_transition only)."],
                "from": ["type": "string", "enum": CampaignState.allCases.map(\.rawValue)],
                "to": ["type": "string", "enum": CampaignState.allCases.map(\.rawValue)],
            ], required: ["error"]),
            "Recipient": object([
                "id": string(), "phone_number": string(), "state": ["type": "string", "enum": RecipientState.allCases.map(\.rawValue)],
                "variables": ["type": "object", "additionalProperties": string()], "time_zone": string(),
                "zone_source": ["type": "string", "enum": ZoneSource.allCases.map(\.rawValue)], "attempts": ["type": "integer"],
                "next_attempt_at": nullable("string"),
                "last_outcome": ["type": ["string", "null"],
                                 "description": "How the last attempt ended: " + AttemptOutcome.allCases.map(\.rawValue).joined(separator: ", ") + "."],
                "last_call_sid": nullable("string"), "results": ["type": "object", "additionalProperties": string()],
                "appointment": ref("RecipientAppointment"),
                "position": ["type": "integer"], "created_at": string(format: "date-time"), "updated_at": string(format: "date-time"),
            ]),
            "RecipientAppointment": object([
                "status": ["type": "string", "enum": RecipientAppointment.Status.allCases.map(\.rawValue)],
                "appointment_id": nullable("string"),
                "note": ["type": ["string", "null"], "description": "Why it was refused (the booking rules' reason, or the appointment's), at most \(RecipientAppointment.maxNoteLength) characters."],
            ], required: ["status", "appointment_id", "note"]),
            "RecipientPage": object(["items": ["type": "array", "items": ref("Recipient")], "next_cursor": nullable("string")]),
            "RecipientUpload": object([
                "rows": ["type": "integer"], "added": ["type": "integer"], "already_present": ["type": "integer"],
                "total": ["type": "integer"],
                "merged": ["type": "array", "items": object(["phone_number": string(), "rows": ["type": "array", "items": ["type": "integer"]],
                                                              "filled": ["type": "array", "items": string()],
                                                              "conflicting": ["type": "array", "items": string()]])],
            ]),
            "CampaignResult": object([
                "recipient_id": string(), "phone_number": string(), "state": string(), "attempts": ["type": "integer"],
                "last_outcome": nullable("string"), "last_call_sid": nullable("string"), "next_attempt_at": nullable("string"),
                "time_zone": string(), "answers": ["type": "object"], "appointment": ref("RecipientAppointment"),
                "variables": ["type": "object"],
            ]),
            "DoNotCallInput": object(["phone": string(), "reason": ["type": "string", "maxLength": DoNotCallEntry.maxReasonLength]],
                                     required: ["phone"]),
            "DoNotCallEntry": object(["phone_number": string(), "reason": nullable("string"), "created_at": string(format: "date-time")]),
            "DoNotCallPage": object(["items": ["type": "array", "items": ref("DoNotCallEntry")], "next_cursor": nullable("string")]),
        ]
    }
}
