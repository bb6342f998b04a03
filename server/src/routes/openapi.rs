//! `GET /api/v1/openapi.json`: the API, described by hand as OpenAPI 3.0.

use serde_json::{json, Value};

use crate::extract::ApiJson;

pub async fn openapi() -> ApiJson<Value> {
    ApiJson(document())
}

fn err(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
    })
}

fn body(schema: &str) -> Value {
    json!({
        "required": true,
        "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } }
    })
}

fn ok(description: &str, schema: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } }
    })
}

fn obj(required: &[&str], properties: Value) -> Value {
    json!({ "type": "object", "required": required, "properties": properties })
}

fn uuid() -> Value {
    json!({ "type": "string", "format": "uuid" })
}
fn time() -> Value {
    json!({ "type": "string", "format": "date-time",
        "description": format!("RFC 3339, UTC; {} (else invalid_args)", onsite_core::limits::time_range_text()) })
}
/// Free text.
fn text() -> Value {
    json!({ "type": "string", "maxLength": onsite_core::limits::MAX_TEXT })
}
/// One-line text: titles, names, phone numbers, e-mail addresses, serials, part numbers.
fn line() -> Value {
    json!({ "type": "string", "maxLength": onsite_core::limits::MAX_LINE })
}
fn sha() -> Value {
    json!({ "type": "string", "pattern": "^[0-9a-f]{64}$" })
}

/// Argument schemas of every mutation, keyed by name.
fn mutation_args() -> Value {
    let case_ref = obj(&["case_id"], json!({ "case_id": uuid() }));
    let reason = obj(
        &["case_id", "reason"],
        json!({ "case_id": uuid(), "reason": text() }),
    );
    json!({
        "case.accept": case_ref,
        "case.set_status": obj(&["case_id", "status"], json!({
            "case_id": uuid(),
            "status": { "type": "string", "enum": ["en_route", "on_site", "in_progress", "on_hold", "completed"] },
            "reason": text(),
        })),
        "case.report": obj(&["case_id"], json!({
            "case_id": uuid(), "symptom": text(), "cause": text(), "actions": text(),
            "result": { "type": "string", "enum": ["resolved", "workaround", "unresolved"] },
            "verification": text(), "leftover": text(),
        })),
        "case.time": obj(&["case_id", "entry_id", "kind", "start", "end"], json!({
            "case_id": uuid(), "entry_id": uuid(),
            "kind": { "type": "string", "enum": ["travel", "work"] },
            "start": time(), "end": time(),
        })),
        "case.time_correct": {
            "description": "Entry entry_id (same kind) replaces entry `corrects`; without start/end the corrected entry is struck out. The corrected entry is kept with superseded_by set; correcting an already superseded entry is rejected (conflict). Assigned engineer while working; a manager while working or completed.",
            "type": "object",
            "required": ["case_id", "entry_id", "corrects"],
            "properties": { "case_id": uuid(), "entry_id": uuid(), "corrects": uuid(), "start": time(), "end": time() },
        },
        "part.use": obj(&["case_id", "usage_id", "part_no", "qty"], json!({
            "case_id": uuid(), "usage_id": uuid(), "part_no": line(),
            "qty": { "type": "integer", "minimum": 1, "maximum": onsite_core::mutation::MAX_QTY },
            "serial_fitted": line(), "serial_removed": line(),
            "returned_defective": { "type": "boolean", "default": false },
        })),
        "part.correct": obj(&["case_id", "usage_id", "corrects", "qty_delta"], json!({
            "case_id": uuid(), "usage_id": uuid(), "corrects": uuid(),
            "qty_delta": { "type": "integer", "minimum": -onsite_core::mutation::MAX_QTY, "maximum": onsite_core::mutation::MAX_QTY, "not": { "enum": [0] } },
        })),
        "photo.add": obj(&["case_id", "photo_id", "sha256"], json!({
            "case_id": uuid(), "photo_id": uuid(), "sha256": sha(), "caption": text(),
        })),
        "case.sign_off": obj(&["case_id", "signoff_id", "signer_name", "report_sha256", "signed_at"], json!({
            "case_id": uuid(), "signoff_id": uuid(), "signer_name": line(),
            "signature_sha256": sha(), "unsigned_reason": text(), "report_sha256": sha(),
            "satisfaction": { "type": "integer", "minimum": 1, "maximum": 5 },
            "comment": text(), "signed_at": time(),
        })),
        "case.escalate": obj(&["case_id", "tier", "reason"], json!({
            "case_id": uuid(), "tier": { "type": "integer", "minimum": 1, "maximum": 3 }, "reason": text(),
        })),
        "case.follow_up": obj(&["case_id", "new_case_id", "leftover"], json!({
            "case_id": uuid(), "new_case_id": uuid(), "leftover": text(),
        })),
        "case.create": obj(&["case_id", "title", "customer", "site", "product", "category", "severity", "mode", "reported_at"], json!({
            "case_id": uuid(), "title": line(), "description": text(),
            "customer": obj(&["name"], json!({ "name": line(), "phone": line(), "email": line(), "contact": line() })),
            "site": obj(&["address"], json!({ "address": text(), "notes": text() })),
            "product": obj(&["model"], json!({ "model": line(), "serial": line(), "warranty_until": { "type": "string", "format": "date", "description": onsite_core::limits::time_range_text() } })),
            "category": { "type": "string", "enum": ["system_fault", "business", "feedback", "security"] },
            "severity": { "type": "integer", "minimum": 1, "maximum": 4 },
            "mode": { "type": "string", "enum": ["phone", "remote", "on_site"] },
            "reported_at": time(),
            "appointment": obj(&["start", "end"], json!({ "start": time(), "end": time() })),
            "policy": { "type": "string", "maxLength": onsite_core::limits::MAX_LINE, "description": "An SLA policy name (GET /api/v1/sla/policies); absent = the customer's contract policy, else standard" },
            "complaint": { "type": "boolean", "description": "The user feedback is a customer complaint; only with category feedback (else rejected invalid_args)" },
            "checklist": { "type": "array", "maxItems": onsite_core::mutation::MAX_CHECKLIST_ITEMS,
                "description": "Inspection case: checklist template items (unique item_id); completing then needs every item answered by case.check",
                "items": obj(&["item_id", "text"], json!({ "item_id": line(), "text": text() })) },
        })),
        "case.assign": obj(&["case_id", "engineer_id"], json!({ "case_id": uuid(), "engineer_id": uuid() })),
        "case.close": case_ref,
        "case.reopen": reason,
        "case.cancel": reason,
        "case.fault_analysis": obj(&["case_id", "cause", "impact", "prevention"], json!({
            "case_id": uuid(), "cause": text(), "impact": text(), "prevention": text(),
        })),
        "case.check": obj(&["case_id", "item_id", "result"], json!({
            "case_id": uuid(), "item_id": line(),
            "result": { "type": "string", "enum": ["pass", "fail", "na"] },
            "note": text(),
        })),
        "stock.adjust": obj(&["engineer_id", "part_no", "delta", "reason"], json!({
            "engineer_id": uuid(),
            "part_no": { "type": "string", "maxLength": onsite_core::limits::MAX_LINE, "description": "Must be in the catalog" },
            "delta": { "type": "integer", "minimum": -onsite_core::mutation::MAX_QTY, "maximum": onsite_core::mutation::MAX_QTY, "not": { "enum": [0] } },
            "reason": text(),
        })),
    })
}

pub fn document() -> Value {
    let args = mutation_args();
    let names: Vec<&str> = onsite_core::mutation::MUTATION_NAMES.to_vec();
    let one_of: Vec<Value> = names
        .iter()
        .map(|n| {
            json!({
                "type": "object",
                "title": n,
                "required": ["seq", "id", "name", "args", "client_time"],
                "properties": {
                    "seq": { "type": "integer", "minimum": 1 },
                    "id": uuid(),
                    "name": { "type": "string", "enum": [n] },
                    "args": args[*n].clone(),
                    "client_time": time(),
                }
            })
        })
        .collect();
    let bearer = json!([{ "bearer": [] }]);
    let mut doc = json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Onsite sync API",
            "version": "1",
            "description": "Sync protocol v1 of Onsite, the offline-first field-service app. Every error is JSON `{error, message}`. Every request but login, healthz and this document carries `Authorization: Bearer <token>`."
        },
        "servers": [{ "url": "/" }],
        "paths": {
            "/api/v1/login": { "post": {
                "summary": "Log in and bind this device (client_id) to the user",
                "security": [],
                "requestBody": body("LoginRequest"),
                "description": "A client_id belongs to one user for good: the app makes one per user on a device. Failed logins are counted per username and per address: past the limit the answer is 429 with Retry-After before any password check.",
                "responses": {
                    "200": ok("A bearer token and the user", "LoginResponse"),
                    "400": err("invalid_json or invalid_body (malformed, username over 200 characters, password over 1024 bytes)"),
                    "401": err("invalid_credentials"),
                    "409": err("client_taken: the client_id belongs to another user"),
                    "415": err("unsupported_media_type"),
                    "429": err("login_throttled: too many failed logins; see Retry-After"),
                }
            }},
            "/api/v1/logout": { "post": {
                "summary": "Revoke the token of this request",
                "security": bearer,
                "responses": { "204": { "description": "Revoked" }, "401": err("unauthorized, session_revoked or session_expired") }
            }},
            "/api/v1/sync/push": { "post": {
                "summary": "Apply queued mutations in seq order, idempotently, in one transaction",
                "description": "seq <= last_seq: duplicate (not applied again); seq == last_seq+1: validated, authorized and applied or rejected (both advance last_seq; a rejection record syncs back); a gap answers 409 seq_gap with `expected` and applies nothing. At most 100 mutations or 1 MiB per request.",
                "security": bearer,
                "requestBody": body("PushRequest"),
                "responses": {
                    "200": ok("Per-mutation results", "PushResponse"),
                    "400": err("Malformed body or unsupported_schema"),
                    "401": err("Missing or invalid token"),
                    "403": err("client_mismatch: client_id is not the token's device"),
                    "409": err("seq_gap: resend from `expected`; client_taken: the client_id is another user's"),
                    "413": err("payload_too_large: more than 100 mutations or 1 MiB"),
                    "415": err("unsupported_media_type"),
                }
            }},
            "/api/v1/sync/pull": { "get": {
                "summary": "Changes this user may see since the cursor",
                "security": bearer,
                "parameters": [
                    { "name": "client_id", "in": "query", "required": true, "schema": uuid() },
                    { "name": "cursor", "in": "query", "required": false, "schema": { "type": "string" },
                      "description": "Opaque; absent or unknown starts over with reset: true" },
                ],
                "responses": {
                    "200": ok("A page of changes; call again while has_more", "PullResponse"),
                    "400": err("Malformed query"),
                    "401": err("Missing or invalid token"),
                    "403": err("client_mismatch"),
                }
            }},
            "/api/v1/blobs/{sha256}": {
                "parameters": [{ "name": "sha256", "in": "path", "required": true, "schema": sha() }],
                "put": {
                    "summary": "Store bytes under their SHA-256 (idempotent), at most 10 MiB",
                    "security": bearer,
                    "requestBody": { "required": true, "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } } },
                    "responses": {
                        "201": { "description": "Stored" },
                        "200": { "description": "Already stored" },
                        "400": err("hash_mismatch, invalid_hash or invalid_path"),
                        "401": err("Missing or invalid token"),
                        "413": err("payload_too_large"),
                        "429": err("upload_quota: over the per-user upload quota of 24 hours; see Retry-After"),
                    }
                },
                "get": {
                    "summary": "The bytes, to managers and to the engineer assigned to a case naming the blob (access follows the case, not the uploader)",
                    "security": bearer,
                    "responses": {
                        "200": { "description": "The bytes", "content": {
                            "application/octet-stream": { "schema": { "type": "string", "format": "binary" } },
                            "image/png": { "schema": { "type": "string", "format": "binary" } } } },
                        "401": err("Missing or invalid token"),
                        "400": err("invalid_hash"),
                        "403": err("forbidden: not allowed to see it (answered before whether it exists)"),
                        "404": err("not_found: no such blob (managers)"),
                    }
                }
            },
            "/healthz": { "get": {
                "summary": "Liveness: 200 when the database answers",
                "security": [],
                "responses": {
                    "200": { "description": "ok", "content": { "application/json": { "schema": obj(&["status"], json!({ "status": { "type": "string", "enum": ["ok"] } })) } } },
                    "503": err("The database does not answer"),
                }
            }},
            "/api/v1/dashboard": { "get": {
                "summary": "Manager only: service figures over the cases reported in [from, to), overall and per engineer",
                "description": "Repair timeliness rate (resolved within the resolve target / resolved), average response and resolution minutes beside the average target, first-time fix rate (resolved, never reopened, result resolved / resolved), average satisfaction (rated sign-offs), respond and resolve breaches at the time of the request, repeat faults (the same unit again within 30 days of a fix), case counts. Cancelled cases are counted and otherwise left out. Rates and averages are null when there is nothing to divide.",
                "security": bearer,
                "parameters": [
                    { "name": "from", "in": "query", "required": true, "schema": time() },
                    { "name": "to", "in": "query", "required": true, "schema": time() },
                ],
                "responses": {
                    "200": ok("The figures", "Dashboard"),
                    "400": err("invalid_query: missing or non-RFC 3339 from/to, or from >= to"),
                    "401": err("Missing or invalid token"),
                    "403": err("forbidden: not a manager"),
                }
            }},
            "/api/v1/stock/ledger": { "get": {
                "summary": "Manager only: every van-stock movement of one engineer, oldest first",
                "security": bearer,
                "parameters": [
                    { "name": "engineer_id", "in": "query", "required": true, "schema": uuid() },
                ],
                "responses": {
                    "200": ok("The ledger", "StockLedger"),
                    "400": err("invalid_query"),
                    "401": err("Missing or invalid token"),
                    "403": err("forbidden: not a manager"),
                    "404": err("not_found: not an engineer"),
                }
            }},
            "/api/v1/stock/levels": { "get": {
                "summary": "Manager only: one engineer's van stock with reorder points, by part number",
                "description": "Every stock line of the engineer as the server holds it (the same StockLevel values that engineer pulls). A line is low when qty <= min_qty, negative when qty < 0.",
                "security": bearer,
                "parameters": [
                    { "name": "engineer_id", "in": "query", "required": true, "schema": uuid() },
                ],
                "responses": {
                    "200": { "description": "The levels, sorted by part_no", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/StockLevel" } } } } },
                    "400": err("invalid_query: missing or malformed engineer_id"),
                    "401": err("Missing or invalid token"),
                    "403": err("forbidden: not a manager"),
                    "404": err("not_found: not an engineer"),
                }
            }},
            "/api/v1/stock/reorder-point": { "put": {
                "summary": "Manager only: set the reorder point (min_qty) of one part in an engineer's van",
                "description": "Configuration, not a mutation: a line the van does not hold yet is created at qty 0. The engineer's next pull brings the changed StockLevel.",
                "security": bearer,
                "requestBody": { "required": true, "content": { "application/json": { "schema": obj(&["engineer_id", "part_no", "min_qty"], json!({
                    "engineer_id": uuid(), "part_no": { "type": "string" },
                    "min_qty": { "type": "integer", "minimum": 0, "maximum": 10000 },
                })) } } },
                "responses": {
                    "200": { "description": "The line as now stored", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/StockLevel" } } } },
                    "400": err("invalid_json or invalid_body (malformed or missing fields), invalid_min_qty (not 0..=10000) or unknown_part"),
                    "401": err("Missing or invalid token"),
                    "403": err("forbidden: not a manager"),
                    "404": err("not_found: not an engineer"),
                }
            }},
            "/api/v1/sla/policies": { "get": {
                "summary": "Every SLA policy (any user); a manager's records list the customers whose contract uses it, an engineer's have customers: []",
                "security": bearer,
                "responses": {
                    "200": { "description": "The policies", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/PolicyRecord" } } } } },
                    "401": err("Missing or invalid token"),
                }
            }},
            "/api/v1/sla/policies/{name}": {
                "parameters": [{ "name": "name", "in": "path", "required": true, "schema": { "type": "string", "pattern": "^[a-z0-9_-]{1,64}$" } }],
                "put": {
                    "summary": "Manager only: create or replace a policy (cases keep the clock they were opened with)",
                    "security": bearer,
                    "requestBody": body("SlaPolicy"),
                    "responses": {
                        "200": ok("The stored policy and its customers", "PolicyRecord"),
                        "400": err("invalid_policy (name, positive minutes, respond <= resolve, at most a year) or invalid_body (not four levels)"),
                        "401": err("Missing or invalid token"),
                        "403": err("forbidden: not a manager"),
                    }
                }
            },
            "/api/v1/contracts/{customer}": {
                "parameters": [{ "name": "customer", "in": "path", "required": true, "schema": { "type": "string", "maxLength": 200 },
                    "description": "Customer name as on the cases; matched trimmed and case-insensitively" }],
                "put": {
                    "summary": "Manager only: put the customer's contract on a policy; case.create without a policy takes it",
                    "security": bearer,
                    "requestBody": body("ContractBody"),
                    "responses": {
                        "200": ok("The contract", "Contract"),
                        "400": err("unknown_policy or invalid_customer"),
                        "401": err("Missing or invalid token"),
                        "403": err("forbidden: not a manager"),
                    }
                },
                "delete": {
                    "summary": "Manager only: end the customer's contract (new cases run on standard)",
                    "security": bearer,
                    "responses": {
                        "200": ok("The contract that ended", "Contract"),
                        "401": err("Missing or invalid token"),
                        "403": err("forbidden: not a manager"),
                        "404": err("not_found: the customer has no contract"),
                    }
                }
            },
            "/api/v1/devices": { "get": {
                "summary": "Manager only: every device (client_id) with its user, last contact and whether it holds a live session",
                "security": bearer,
                "responses": {
                    "200": { "description": "The devices", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Device" } } } } },
                    "403": err("forbidden: not a manager"),
                }
            }},
            "/api/v1/devices/{client_id}/revoke": { "post": {
                "summary": "Manager only: end every session of one device (a lost phone); it is told 401 session_revoked on its next contact",
                "security": bearer,
                "parameters": [{ "name": "client_id", "in": "path", "required": true, "schema": uuid() }],
                "responses": {
                    "200": ok("How many sessions ended", "RevokeResponse"),
                    "400": err("invalid_path"),
                    "403": err("forbidden: not a manager"),
                    "404": err("not_found: no such device"),
                }
            }},
            "/api/v1/users/{user_id}/revoke": { "post": {
                "summary": "Manager only: end every session of every device of one user",
                "security": bearer,
                "parameters": [{ "name": "user_id", "in": "path", "required": true, "schema": uuid() }],
                "responses": {
                    "200": ok("How many sessions ended", "RevokeResponse"),
                    "400": err("invalid_path"),
                    "403": err("forbidden: not a manager"),
                    "404": err("not_found: no such user"),
                }
            }},
            "/api/v1/openapi.json": { "get": {
                "summary": "This document",
                "security": [],
                "responses": { "200": { "description": "OpenAPI 3.0 document" } }
            }},
        },
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": {
                "Error": obj(&["error", "message"], json!({
                    "error": { "type": "string", "description": "Stable machine-readable code, e.g. invalid_credentials, unauthorized, session_revoked, session_expired, forbidden, client_mismatch, client_taken, login_throttled, upload_quota, too_many_requests, not_found, method_not_allowed, invalid_json, invalid_body, invalid_query, invalid_hash, hash_mismatch, unsupported_schema, seq_gap, invalid_policy, unknown_policy, invalid_customer, payload_too_large, unsupported_media_type, internal, unavailable" },
                    "message": { "type": "string" },
                    "expected": { "type": "integer", "description": "seq_gap only: the seq the server expects next" },
                })),
                "LoginRequest": obj(&["username", "password", "client_id"], json!({
                    "username": line(), "password": { "type": "string", "format": "password", "maxLength": crate::routes::auth::MAX_PASSWORD_BYTES }, "client_id": uuid(),
                })),
                "LoginResponse": obj(&["token", "user"], json!({
                    "token": { "type": "string" },
                    "user": obj(&["id", "name", "role"], json!({
                        "id": uuid(), "name": { "type": "string" },
                        "role": { "type": "string", "enum": ["engineer", "manager"] },
                    })),
                })),
                "Mutation": { "oneOf": one_of },
                "MutationNames": { "type": "string", "enum": names },
                "PushRequest": obj(&["client_id", "schema_version", "mutations"], json!({
                    "client_id": uuid(),
                    "schema_version": { "type": "integer", "enum": [onsite_core::SCHEMA_VERSION] },
                    "mutations": { "type": "array", "maxItems": onsite_core::wire::MAX_BATCH_MUTATIONS, "items": { "$ref": "#/components/schemas/Mutation" } },
                })),
                "PushResponse": obj(&["last_seq", "results"], json!({
                    "last_seq": { "type": "integer" },
                    "results": { "type": "array", "items": obj(&["seq", "status"], json!({
                        "seq": { "type": "integer" },
                        "status": { "type": "string", "enum": ["applied", "duplicate", "rejected"] },
                        "reason": { "type": "string", "description": "rejected only: `code: message`" },
                    })) },
                })),
                "PullResponse": obj(&["cursor", "has_more", "reset", "last_seq", "changes"], json!({
                    "cursor": { "type": "string" },
                    "has_more": { "type": "boolean" },
                    "reset": { "type": "boolean", "description": "Drop the local copy of server data and take this full set" },
                    "last_seq": { "type": "integer", "description": "The last seq of this device the server has processed" },
                    "changes": { "type": "array", "items": { "$ref": "#/components/schemas/Change" } },
                })),
                "Change": obj(&["entity", "op", "id"], json!({
                    "entity": { "type": "string", "enum": ["case", "part", "stock", "rejection", "user", "policy", "past_fix"] },
                    "op": { "type": "string", "enum": ["put", "delete"] },
                    "id": { "type": "string", "description": "Case id, part number, stock part number, rejection id, user id, policy name or (past_fix) case id" },
                    "data": { "description": "put: the Case, Part, StockLevel, RejectionRecord, UserInfo, PolicyRecord or PastFix; delete: null. Everyone pulls users, policies (engineers with customers: []) and past fixes (a case closed with result resolved or workaround)." },
                })),
                "Part": obj(&["part_no", "name", "unit"], json!({
                    "part_no": { "type": "string" }, "name": { "type": "string" },
                    "description": { "type": "string" }, "unit": { "type": "string" },
                })),
                "StockLevel": obj(&["part_no", "engineer_id", "qty", "min_qty"], json!({
                    "part_no": { "type": "string" }, "engineer_id": uuid(), "qty": { "type": "integer" },
                    "min_qty": { "type": "integer", "description": "Reorder point: low when qty <= min_qty; negative when qty < 0" },
                })),
                "StockLedger": obj(&["engineer_id", "lines"], json!({
                    "engineer_id": uuid(),
                    "lines": { "type": "array", "items": obj(&["id", "engineer_id", "part_no", "delta", "reason", "at"], json!({
                        "id": { "type": "integer" }, "engineer_id": uuid(), "part_no": { "type": "string" },
                        "delta": { "type": "integer" },
                        "reason": { "type": "string", "description": "What moved it: part.use, part.correct, stock.adjust, demo van load" },
                        "note": { "type": "string", "description": "stock.adjust: the manager's reason" },
                        "case_id": uuid(), "mutation_id": uuid(), "at": time(),
                    })) },
                })),
                "Figures": obj(&["cases", "cancelled", "open", "resolved", "resolved_within_target", "responded", "first_time_fixes", "rated", "respond_breaches", "resolve_breaches", "repeat_faults", "complaints"], json!({
                    "cases": { "type": "integer" }, "cancelled": { "type": "integer" }, "open": { "type": "integer" },
                    "resolved": { "type": "integer" }, "resolved_within_target": { "type": "integer" },
                    "timeliness_rate": { "type": "number", "nullable": true },
                    "responded": { "type": "integer" },
                    "avg_response_minutes": { "type": "number", "nullable": true },
                    "avg_response_target_minutes": { "type": "number", "nullable": true },
                    "avg_resolution_minutes": { "type": "number", "nullable": true },
                    "avg_resolution_target_minutes": { "type": "number", "nullable": true },
                    "first_time_fixes": { "type": "integer" },
                    "first_time_fix_rate": { "type": "number", "nullable": true },
                    "rated": { "type": "integer" },
                    "avg_satisfaction": { "type": "number", "nullable": true },
                    "respond_breaches": { "type": "integer" }, "resolve_breaches": { "type": "integer" },
                    "complaints": { "type": "integer", "description": "Customer complaints reported in the period (cases created with complaint: true)" },
                    "repeat_faults": { "type": "integer", "description": "Cases on a unit (product model + serial) whose earlier fault was resolved at most 30 days before; per engineer, counted against the engineer of that earlier fix" },
                })),
                "Dashboard": obj(&["from", "to", "now", "overall", "engineers"], json!({
                    "from": time(), "to": time(), "now": time(),
                    "overall": { "$ref": "#/components/schemas/Figures" },
                    "engineers": { "type": "array", "items": obj(&["engineer_id", "figures"], json!({
                        "engineer_id": uuid(), "figures": { "$ref": "#/components/schemas/Figures" },
                    })) },
                })),
                "RejectionRecord": obj(&["id", "client_id", "seq", "mutation_id", "name", "code", "message", "at"], json!({
                    "id": uuid(), "client_id": uuid(), "seq": { "type": "integer" }, "mutation_id": uuid(),
                    "name": { "type": "string" }, "case_id": uuid(), "code": { "type": "string" },
                    "message": { "type": "string" }, "at": time(),
                })),
            }
        }
    });
    add_common_errors(&mut doc);
    if let (Some(schemas), Value::Object(more)) = (
        doc["components"]["schemas"].as_object_mut(),
        knowledge_schemas(),
    ) {
        schemas.extend(more);
    }
    doc
}

/// Every operation may also answer these (a layer answers them before the handler).
fn add_common_errors(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for item in paths.values_mut() {
        let path_params = item["parameters"].is_array();
        let Some(ops) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in ops.iter_mut() {
            if method == "parameters" {
                continue;
            }
            let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
            let json_body = op["requestBody"]["content"]["application/json"].is_object();
            let has_params = path_params || op["parameters"].is_array();
            let Some(responses) = op["responses"].as_object_mut() else {
                continue;
            };
            let mut add = |code: &str, what: &str| {
                responses.entry(code).or_insert_with(|| err(what));
            };
            if secured {
                add("401", "unauthorized (missing or unknown token), session_revoked (logged out or revoked by a manager) or session_expired (unused for 30 days)");
            }
            if matches!(method.as_str(), "post" | "put") {
                add("413", "payload_too_large");
            }
            if has_params {
                add(
                    "400",
                    "invalid_path or invalid_query: a parameter out of its range",
                );
            }
            if json_body {
                add(
                    "415",
                    "unsupported_media_type: the body must be `Content-Type: application/json`",
                );
                add("400", "invalid_json or invalid_body");
            }
            add("405", "method_not_allowed");
            add("500", "internal: a bug; the server lives on");
        }
    }
}

/// Users, SLA policies and contracts, past fixes (a separate `json!`: the macro's recursion
/// limit).
fn knowledge_schemas() -> Value {
    json!({
        "UserInfo": obj(&["id", "name", "role"], json!({
            "id": uuid(), "name": { "type": "string" },
            "role": { "type": "string", "enum": ["engineer", "manager"] },
        })),
        "SlaPolicy": obj(&["levels"], json!({
            "name": { "type": "string", "description": "Optional in a PUT body; must equal the path's" },
            "levels": { "type": "array", "minItems": 4, "maxItems": 4, "description": "Severity 1..4",
                "items": obj(&["respond_minutes"], json!({
                    "respond_minutes": { "type": "integer", "minimum": 1 },
                    "resolve_minutes": { "type": "integer", "minimum": 1, "nullable": true, "description": "null = as agreed" },
                })) },
        })),
        "PolicyRecord": obj(&["policy", "customers"], json!({
            "policy": { "$ref": "#/components/schemas/SlaPolicy" },
            "customers": { "type": "array", "items": { "type": "string" }, "description": "Customers whose contract uses the policy; only a manager is given them (engineers get [])" },
        })),
        "Device": obj(&["client_id", "user_id", "username", "name", "last_seq", "active"], json!({
            "client_id": uuid(), "user_id": uuid(), "username": { "type": "string" }, "name": { "type": "string" },
            "last_seq": { "type": "integer" }, "first_seen": time(), "last_seen": time(),
            "active": { "type": "boolean", "description": "Holds at least one live session" },
        })),
        "RevokeResponse": obj(&["revoked"], json!({ "revoked": { "type": "integer" } })),
        "ContractBody": obj(&["policy"], json!({ "policy": { "type": "string" } })),
        "Contract": obj(&["customer", "policy"], json!({ "customer": { "type": "string" }, "policy": { "type": "string" } })),
        "PastFix": obj(&["case_id", "number", "title", "product_model", "category", "severity", "result"], json!({
            "case_id": uuid(), "number": { "type": "string" }, "title": { "type": "string" },
            "product_model": { "type": "string" },
            "category": { "type": "string", "enum": ["system_fault", "business", "feedback", "security"] },
            "severity": { "type": "integer", "minimum": 1, "maximum": 4 },
            "symptom": { "type": "string" }, "cause": { "type": "string" }, "actions": { "type": "string" },
            "result": { "type": "string", "enum": ["resolved", "workaround"] },
            "parts": { "type": "array", "items": obj(&["part_no", "qty"], json!({ "part_no": { "type": "string" }, "qty": { "type": "integer" } })) },
            "resolved_at": time(), "engineer_id": uuid(),
        })),
    })
}
