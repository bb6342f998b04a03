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
    json!({ "type": "string", "format": "date-time" })
}
fn text() -> Value {
    json!({ "type": "string", "maxLength": onsite_core::mutation::MAX_TEXT })
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
        "part.use": obj(&["case_id", "usage_id", "part_no", "qty"], json!({
            "case_id": uuid(), "usage_id": uuid(), "part_no": { "type": "string" },
            "qty": { "type": "integer", "minimum": 1, "maximum": onsite_core::mutation::MAX_QTY },
            "serial_fitted": text(), "serial_removed": text(),
            "returned_defective": { "type": "boolean", "default": false },
        })),
        "part.correct": obj(&["case_id", "usage_id", "corrects", "qty_delta"], json!({
            "case_id": uuid(), "usage_id": uuid(), "corrects": uuid(),
            "qty_delta": { "type": "integer", "not": { "enum": [0] } },
        })),
        "photo.add": obj(&["case_id", "photo_id", "sha256"], json!({
            "case_id": uuid(), "photo_id": uuid(), "sha256": sha(), "caption": text(),
        })),
        "case.sign_off": obj(&["case_id", "signoff_id", "signer_name", "report_sha256", "signed_at"], json!({
            "case_id": uuid(), "signoff_id": uuid(), "signer_name": text(),
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
            "case_id": uuid(), "title": text(), "description": text(),
            "customer": obj(&["name"], json!({ "name": text(), "phone": text(), "email": text(), "contact": text() })),
            "site": obj(&["address"], json!({ "address": text(), "notes": text() })),
            "product": obj(&["model"], json!({ "model": text(), "serial": text(), "warranty_until": { "type": "string", "format": "date" } })),
            "category": { "type": "string", "enum": ["system_fault", "business", "feedback", "security"] },
            "severity": { "type": "integer", "minimum": 1, "maximum": 4 },
            "mode": { "type": "string", "enum": ["phone", "remote", "on_site"] },
            "reported_at": time(),
            "appointment": obj(&["start", "end"], json!({ "start": time(), "end": time() })),
            "policy": { "type": "string", "enum": ["standard", "strict"] },
        })),
        "case.assign": obj(&["case_id", "engineer_id"], json!({ "case_id": uuid(), "engineer_id": uuid() })),
        "case.close": case_ref,
        "case.reopen": reason,
        "case.cancel": reason,
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
    json!({
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
                "responses": {
                    "200": ok("A bearer token and the user", "LoginResponse"),
                    "400": err("Malformed body"),
                    "401": err("invalid_credentials"),
                }
            }},
            "/api/v1/logout": { "post": {
                "summary": "Revoke the token of this request",
                "security": bearer,
                "responses": { "204": { "description": "Revoked" }, "401": err("Missing or invalid token") }
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
                    "409": err("seq_gap: resend from `expected`"),
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
                        "400": err("hash_mismatch or invalid_hash"),
                        "401": err("Missing or invalid token"),
                        "413": err("payload_too_large"),
                    }
                },
                "get": {
                    "summary": "The bytes, to managers, the uploader and engineers assigned to a case naming the blob",
                    "security": bearer,
                    "responses": {
                        "200": { "description": "The bytes", "content": {
                            "application/octet-stream": { "schema": { "type": "string", "format": "binary" } },
                            "image/png": { "schema": { "type": "string", "format": "binary" } } } },
                        "401": err("Missing or invalid token"),
                        "403": err("Not allowed to see this blob"),
                        "404": err("No such blob"),
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
                    "error": { "type": "string", "description": "Stable machine-readable code, e.g. invalid_credentials, unauthorized, forbidden, client_mismatch, not_found, method_not_allowed, invalid_json, invalid_body, invalid_query, invalid_hash, hash_mismatch, unsupported_schema, seq_gap, payload_too_large, unsupported_media_type, internal, unavailable" },
                    "message": { "type": "string" },
                    "expected": { "type": "integer", "description": "seq_gap only: the seq the server expects next" },
                })),
                "LoginRequest": obj(&["username", "password", "client_id"], json!({
                    "username": { "type": "string" }, "password": { "type": "string", "format": "password" }, "client_id": uuid(),
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
                    "entity": { "type": "string", "enum": ["case", "part", "stock", "rejection"] },
                    "op": { "type": "string", "enum": ["put", "delete"] },
                    "id": { "type": "string", "description": "Case id, part number, stock part number or rejection id" },
                    "data": { "description": "put: the Case, Part, StockLevel or RejectionRecord; delete: null" },
                })),
                "Part": obj(&["part_no", "name", "unit"], json!({
                    "part_no": { "type": "string" }, "name": { "type": "string" },
                    "description": { "type": "string" }, "unit": { "type": "string" },
                })),
                "StockLevel": obj(&["part_no", "engineer_id", "qty"], json!({
                    "part_no": { "type": "string" }, "engineer_id": uuid(), "qty": { "type": "integer" },
                })),
                "RejectionRecord": obj(&["id", "client_id", "seq", "mutation_id", "name", "code", "message", "at"], json!({
                    "id": uuid(), "client_id": uuid(), "seq": { "type": "integer" }, "mutation_id": uuid(),
                    "name": { "type": "string" }, "case_id": uuid(), "code": { "type": "string" },
                    "message": { "type": "string" }, "at": time(),
                })),
            }
        }
    })
}
