import Maintenance

/// `/v1/tickets` (TicketsController) and `/v1/vendors` (VendorsController), kept beside the main document. Enumerations
/// are listed from the types themselves, so the document cannot drift from what the server accepts.
extension OpenAPIDocument {
    static var dispatchPaths: JSON { [
        "/v1/tickets": [
            "post": op("Open a maintenance ticket", "State `new`, a 4-character job code unique among the business's open tickets (texts say \"Reply YES K7Q2\"), source `rest`. Without `priority` the problem's words decide: an emergency the receptionist would recognise (flooding, burst pipe, sparks, no heat, gas …) → emergency; urgent or high severity (\"asap\", \"no hot water\", \"not working\") → urgent; else routine. `tenant_phone` is normalised to E.164 (a national number takes the country code of the business's first number). Appends `ticket.opened`.",
                       tag: "dispatch", request: "TicketInput",
                       responses: ["201": body("Ticket"), "400": error("Malformed JSON or a wrong-typed field."),
                                   "422": error("Invalid field, named in `details[0].field`: an unknown trade or priority (the message lists the allowed values), a phone that is not E.164, a missing problem or property_address, an unknown field.")]),
            "get": op("List tickets", "In creation order (oldest first), paginated. `property` matches a substring of the property address, ASCII letters in either case.", tag: "dispatch",
                      parameters: [query("state", TicketState.allCases.map(\.rawValue).joined(separator: ", ") + "."),
                                   query("trade", Trade.allCases.map(\.rawValue).joined(separator: ", ") + "."),
                                   query("priority", TicketPriority.allCases.map(\.rawValue).joined(separator: ", ") + "."),
                                   query("property", "The property address contains this text (case-insensitive for ASCII letters)."),
                                   query("created_from", "Created on or after this day (YYYY-MM-DD, the business's time zone) or date-time."),
                                   query("created_to", "Created on or before this day (the whole day) or before this date-time."),
                                   query("limit", "1–500, default 50.", type: "integer"), query("cursor", "`next_cursor` of the previous page.")],
                      responses: ["200": body("TicketPage"), "400": error("Unknown state, trade or priority (the allowed values are listed), bad date, limit or cursor.")]),
        ],
        "/v1/tickets/{id}": [
            "get": op("Get a ticket", nil, tag: "dispatch", parameters: [path("id")],
                      responses: ["200": body("Ticket"), "404": error("No such ticket in this business.")]),
            "patch": op("Edit a ticket's details", "Absent fields stay; `null` clears unit, postcode, access_window, tenant_name or tenant_phone. The state is not patchable (`state` in the body is 422 `state_not_patchable`): cancel and close move it. Appends `ticket.updated` with the changed fields when something changed.",
                        tag: "dispatch", parameters: [path("id")], request: "TicketPatch",
                        responses: ["200": body("Ticket"), "404": error("No such ticket."), "422": error("Invalid field, or `state` given.")]),
        ],
        "/v1/tickets/{id}/cancel": [
            "post": op("Cancel a ticket", "From new, vendor_contacting, scheduled or escalated. `reason` is required. Appends `ticket.state_changed` with the actor `{kind: admin, id: <API key prefix>}`.",
                       tag: "dispatch", parameters: [path("id")], request: "TicketReason",
                       responses: ["200": body("Ticket"), "404": error("No such ticket."),
                                   "409": ["description": "The transition table forbids the move (`illegal_transition`, with `rule`, `from`, `to`), or the ticket changed meanwhile (`ticket_changed`).",
                                           "content": ["application/json": ["schema": ref("TransitionError")]]] as JSON,
                                   "422": error("No reason.")]),
        ],
        "/v1/tickets/{id}/close": [
            "post": op("Close a ticket", "From scheduled or escalated (the work is done); a ticket never booked is cancelled instead. `reason` is optional and the body may be empty. Sets `closed_at`.",
                       tag: "dispatch", parameters: [path("id")], request: "TicketReason",
                       responses: ["200": body("Ticket"), "404": error("No such ticket."),
                                   "409": ["description": "The transition table forbids the move, or the ticket changed meanwhile.",
                                           "content": ["application/json": ["schema": ref("TransitionError")]]] as JSON]),
        ],
        "/v1/tickets/{id}/timeline": [
            "get": op("A ticket's history", "The ticket now and every event of its stream `ticket:<id>`, in order: opened (by whom, from where), each edit (the changed fields), each state change (from, to, actor, reason, booking). Read from the event log; rebuilding the ticket from these events gives the ticket.",
                      tag: "dispatch", parameters: [path("id")],
                      responses: ["200": body("TicketTimeline"), "404": error("No such ticket.")]),
        ],
        "/v1/vendors": [
            "post": op("Add a vendor", "`phone` is normalised to E.164 and unique among the business's vendors; `trades` at least one; `service_areas` postcodes, ZIP codes or prefixes (normalised upper-case without spaces; an area covers every postcode it starts); `working_hours` by weekday in the business's time zone, absent or null for any time. Appends `vendor.added`.",
                       tag: "dispatch", request: "VendorInput",
                       responses: ["201": body("Vendor"), "400": error("Malformed JSON or a wrong-typed field."),
                                   "409": error("The business already has a vendor with this phone."),
                                   "422": error("Invalid field: an unknown trade or weekday, a phone that is not E.164, a bad postcode or time.")]),
            "get": op("List vendors", "In creation order, paginated.", tag: "dispatch",
                      parameters: [query("trade", "Only vendors who take this trade."), query("active", "true or false.", type: "boolean"),
                                   query("limit", "1–500, default 50.", type: "integer"), query("cursor", "`next_cursor` of the previous page.")],
                      responses: ["200": body("VendorPage"), "400": error("Unknown trade, bad active, limit or cursor.")]),
        ],
        "/v1/vendors/{id}": [
            "get": op("Get a vendor", nil, tag: "dispatch", parameters: [path("id")],
                      responses: ["200": body("Vendor"), "404": error("No such vendor in this business.")]),
            "patch": op("Change a vendor", "Absent fields stay; `working_hours: null` means any time. `opted_out` is not patchable: only the vendor's STOP and START texts change it. Appends `vendor.changed` when something changed.",
                        tag: "dispatch", parameters: [path("id")], request: "VendorInput",
                        responses: ["200": body("Vendor"), "404": error("No such vendor."), "409": error("Phone taken by another vendor."),
                                    "422": error("Invalid field, or `opted_out` given.")]),
            "delete": op("Remove a vendor", "A vendor no ticket refers to is deleted (204, `vendor.removed`). One a ticket refers to is deactivated instead and returned (200, `active` false, `vendor.changed`), so the history of who did which job stays whole.",
                         tag: "dispatch", parameters: [path("id")],
                         responses: ["200": body("Vendor"), "204": ["description": "Deleted"] as JSON, "404": error("No such vendor.")]),
        ],
    ] }

    static var dispatchSchemas: JSON {
        let trades: JSON = ["type": "string", "enum": Trade.allCases.map(\.rawValue)]
        let priorities: JSON = ["type": "string", "enum": TicketPriority.allCases.map(\.rawValue)]
        let hours: JSON = ["type": ["object", "null"], "description": "Weekday (monday … sunday) → {open, close} as HH:mm; a day not listed is a day off; null: any time.",
                           "additionalProperties": object(["open": string(), "close": string()], required: ["open", "close"])]
        return [
            "TicketInput": object([
                "trade": trades, "priority": priorities, "problem": ["type": "string", "maxLength": TicketDetails.maxProblemLength],
                "property_address": string(), "unit": nullable("string"), "postcode": nullable("string"),
                "access_window": nullable("string"), "tenant_name": nullable("string"),
                "tenant_phone": ["type": ["string", "null"], "description": "E.164, or national with the business's country code."],
            ], required: ["trade", "problem", "property_address"]),
            "TicketPatch": object([
                "trade": trades, "priority": priorities, "problem": string(), "property_address": string(), "unit": nullable("string"),
                "postcode": nullable("string"), "access_window": nullable("string"), "tenant_name": nullable("string"),
                "tenant_phone": nullable("string"),
            ]),
            "Ticket": object([
                "id": string(), "code": ["type": "string", "description": "4 characters of 23456789ABCDEFGHJKMNPQRSTUVWXYZ, unique among the business's open tickets."],
                "state": ["type": "string", "enum": TicketState.allCases.map(\.rawValue)], "trade": trades, "priority": priorities,
                "problem": string(), "property_address": string(), "unit": nullable("string"), "postcode": nullable("string"),
                "access_window": nullable("string"), "tenant_name": nullable("string"), "tenant_phone": nullable("string"),
                "source": ["type": "string", "enum": TicketSource.allCases.map(\.rawValue)], "source_ref": nullable("string"),
                "vendor_id": nullable("string"), "appointment_id": nullable("string"),
                "created_at": string(format: "date-time"), "updated_at": string(format: "date-time"), "closed_at": nullable("string"),
                "version": ["type": "integer", "description": "1 when opened, +1 per change: the number of row-changing events of the ticket's stream."],
            ]),
            "TicketPage": object(["items": ["type": "array", "items": ref("Ticket")], "next_cursor": nullable("string")]),
            "TicketReason": object(["reason": ["type": "string", "maxLength": TicketStateChange.maxReasonLength]]),
            "TicketTimeline": object(["ticket": ref("Ticket"), "events": ["type": "array", "items": ref("Event")]]),
            "TransitionError": object([
                "error": object(["code": ["type": "string", "enum": ["illegal_transition", "ticket_changed"]], "message": string()], required: ["code", "message"]),
                "rule": ["type": "string", "description": "The rule the move breaks, e.g. \"a closed ticket cannot be reopened; open a new ticket\" (illegal_transition only)."],
                "from": ["type": "string", "enum": TicketState.allCases.map(\.rawValue)],
                "to": ["type": "string", "enum": TicketState.allCases.map(\.rawValue)],
            ], required: ["error"]),
            "VendorInput": object([
                "name": string(), "phone": string(), "trades": ["type": "array", "items": trades, "minItems": 1],
                "service_areas": ["type": "array", "items": string()], "working_hours": hours, "active": ["type": "boolean"],
            ]),
            "Vendor": object([
                "id": string(), "name": string(), "phone": string(), "trades": ["type": "array", "items": trades],
                "service_areas": ["type": "array", "items": string()], "working_hours": hours, "active": ["type": "boolean"],
                "opted_out": ["type": "boolean", "description": "The vendor texted STOP; no text goes to them until START."],
                "created_at": string(format: "date-time"), "updated_at": string(format: "date-time"),
            ]),
            "VendorPage": object(["items": ["type": "array", "items": ref("Vendor")], "next_cursor": nullable("string")]),
        ]
    }
}
