use serde_json::Value;

use crate::helpers::{assert_json_error, spawn_empty_app};
use crate::raw::assert_raw_error;
use crate::seed::{spawn_with, Seed};

#[tokio::test]
async fn malformed_or_oversized_json_is_4xx_json() {
    let app = spawn_with(Seed::new().engineer("alice")).await;
    let alice = app.login("alice").await;
    let oversized = format!(
        "{{\"client_id\":\"{}\",\"schema_version\":1,\"mutations\":[],\"pad\":\"{}\"}}",
        alice.client_id,
        "x".repeat(1024 * 1024 + 10)
    );
    for (body, status, code) in [
        ("{\"client_id\": ".to_string(), 400, "invalid_json"),
        // Well-formed JSON of the wrong shape.
        ("{\"mutations\": 5}".to_string(), 400, "invalid_body"),
        (oversized, 413, "payload_too_large"),
    ] {
        assert_json_error(app.push_body(&alice, body).await, status, code).await;
    }
    // No JSON content type.
    let res = app.req(None, "POST /api/v1/login").body("{}").send().await;
    assert_json_error(res.unwrap(), 415, "unsupported_media_type").await;
}

/// A body over every limit: declared in the head, never sent.
const HUGE: &str = "Content-Length: 20000000";

/// Authorization comes before any other answer, "too large" included: a body is measured only
/// once the caller may use the route, and never read before. The bodies here are declared
/// (`Content-Length`) or announced (chunked) but never sent, so every answer below was given
/// without reading one.
#[tokio::test]
async fn an_oversized_body_is_refused_only_after_authorization() {
    let app = spawn_with(Seed::new().engineer("alice").manager("manager")).await;
    let [alice, manager] = app.login_all(["alice", "manager"]).await;
    let blob = format!("/api/v1/blobs/{}", "a".repeat(64));
    let json = "Content-Type: application/json";
    let octets = "Content-Type: application/octet-stream";

    // No token: 401, whatever the body.
    for head in [
        format!("PUT {blob} HTTP/1.1\r\n{octets}\r\n{HUGE}"),
        format!("PUT {blob} HTTP/1.1\r\n{octets}\r\nTransfer-Encoding: chunked"),
        format!("POST /api/v1/sync/push HTTP/1.1\r\n{json}\r\n{HUGE}"),
        format!("PUT /api/v1/sla/policies/standard HTTP/1.1\r\n{json}\r\n{HUGE}"),
    ] {
        let answer = app.raw_request(&head, vec![]).await;
        assert_raw_error(&answer, 401, "unauthorized");
    }

    // An engineer on a manager's route: 403, whatever the body.
    for route in [
        "PUT /api/v1/sla/policies/standard",
        "PUT /api/v1/stock/reorder-point",
        "PUT /api/v1/contracts/Acme",
    ] {
        let head = format!(
            "{route} HTTP/1.1\r\nAuthorization: Bearer {}\r\n{json}\r\n{HUGE}",
            alice.token
        );
        assert_raw_error(&app.raw_request(&head, vec![]).await, 403, "forbidden");
    }

    // Allowed and too large: 413 at once from the declared length, the body left unread.
    for (who, route, content_type) in [
        (&alice, format!("PUT {blob}"), octets),
        (&alice, "POST /api/v1/sync/push".into(), json),
        (&manager, "PUT /api/v1/sla/policies/standard".into(), json),
        (&manager, "PUT /api/v1/stock/reorder-point".into(), json),
    ] {
        let token = &who.token;
        let head = format!(
            "{route} HTTP/1.1\r\nAuthorization: Bearer {token}\r\n{content_type}\r\n{HUGE}"
        );
        let answer = app.raw_request(&head, vec![]).await;
        assert_raw_error(&answer, 413, "payload_too_large");
        let message = answer.body["message"].as_str().unwrap();
        assert!(message.contains("at most"), "{route}: {message}");
    }

    // A route that reads no body never answers 413: what it is sent is left unread (the
    // document lists 413 only for operations with a request body).
    let head = format!(
        "GET /api/v1/sla/policies HTTP/1.1\r\nAuthorization: Bearer {}\r\n{HUGE}",
        alice.token
    );
    let answer = app.raw_request(&head, vec![]).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert!(answer.body.is_array(), "{answer:?}");
}

/// A body of no declared length (chunked) is read only once the caller is authorized, and
/// only up to the route's limit: nobody streams an unbounded body into the server.
#[tokio::test]
async fn a_streamed_body_is_cut_at_the_limit() {
    let app = spawn_with(Seed::new().engineer("alice")).await;
    let alice = app.login("alice").await;
    let mut body = Vec::new();
    let chunk = vec![b' '; 64 * 1024];
    for _ in 0..(2 * onsite_server::MAX_PUSH_BYTES / chunk.len()) {
        body.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        body.extend_from_slice(&chunk);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"0\r\n\r\n");
    let head = format!(
        "POST /api/v1/sync/push HTTP/1.1\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked",
        alice.token
    );
    let answer = app.raw_request(&head, body).await;
    assert_raw_error(&answer, 413, "payload_too_large");
}

/// 413 is documented exactly where the server can answer it: the operations that read a
/// request body (the others never read one, so nothing they are sent is too large).
#[tokio::test]
async fn payload_too_large_is_documented_where_a_body_is_read() {
    let doc = onsite_server::routes::openapi::document();
    let mut with_body = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(responses) = op["responses"].as_object() else {
                continue;
            };
            let reads_body = op.get("requestBody").is_some();
            assert_eq!(
                responses.contains_key("413"),
                reads_body,
                "{method} {path}: 413 documented iff a body is read"
            );
            if reads_body {
                with_body.push(format!("{method} {path}"));
            }
        }
    }
    with_body.sort();
    assert_eq!(
        with_body,
        [
            "post /api/v1/login",
            "post /api/v1/sync/push",
            "put /api/v1/blobs/{sha256}",
            "put /api/v1/contracts/{customer}",
            "put /api/v1/sla/policies/{name}",
            "put /api/v1/stock/reorder-point",
        ]
    );
}

#[tokio::test]
async fn unknown_paths_and_methods_are_json_and_healthz_answers() {
    let app = spawn_empty_app().await;
    #[rustfmt::skip]
    let refusals = [
        (None, "GET /api/v1/nothing", None, 404, "not_found"),
        (None, "GET /api/v2/sync/pull", None, 404, "not_found"),
        (None, "GET /api/v1/login", None, 405, "method_not_allowed"),
        (None, "DELETE /healthz", None, 405, "method_not_allowed"),
        (None, "GET /api/v1/sync/pull?client_id=nope", None, 401, "unauthorized"),
    ];
    app.assert_refused(&refusals).await;
    let res = app.send(None, "GET /healthz").await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn openapi_describes_the_api() {
    let app = spawn_empty_app().await;
    let res = app.send(None, "GET /api/v1/openapi.json").await;
    assert_eq!(res.status(), 200);
    let doc: Value = res.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/login",
        "/api/v1/logout",
        "/api/v1/sync/push",
        "/api/v1/sync/pull",
        "/api/v1/blobs/{sha256}",
        "/healthz",
        "/api/v1/openapi.json",
        "/api/v1/dashboard",
        "/api/v1/stock/ledger",
        "/api/v1/stock/levels",
        "/api/v1/stock/reorder-point",
        "/api/v1/sla/policies",
        "/api/v1/sla/policies/{name}",
        "/api/v1/contracts/{customer}",
        "/api/v1/devices",
        "/api/v1/devices/{client_id}/revoke",
        "/api/v1/users/{user_id}/revoke",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    // Every variant of the enum (one example each, not the list the document is built from)
    // round-trips through the wire and is described with every argument it sends.
    let described = resolve(&doc, &doc["components"]["schemas"]["Mutation"])["oneOf"]
        .as_array()
        .unwrap()
        .clone();
    for m in onsite_core::examples::every_variant(uuid::Uuid::new_v4()) {
        let wire = m.to_wire(1, uuid::Uuid::new_v4(), chrono::Utc::now());
        let back: onsite_core::wire::WireMutation =
            serde_json::from_str(&serde_json::to_string(&wire).unwrap()).unwrap();
        assert_eq!(
            onsite_core::Mutation::parse(&back.name, &back.args).as_ref(),
            Ok(&m),
            "{}",
            m.name()
        );
        let one = described
            .iter()
            .find(|d| d["title"] == m.name())
            .unwrap_or_else(|| panic!("{} not in the document", m.name()));
        assert_eq!(one["properties"]["name"]["enum"][0], m.name());
        let keys = properties(&doc, &one["properties"]["args"]);
        for key in wire.args.as_object().unwrap().keys() {
            assert!(keys.contains(key), "{}: `{key}` is not described", m.name());
        }
    }
    let entities = resolve(
        &doc,
        &doc["components"]["schemas"]["Change"]["properties"]["entity"],
    );
    let listed = entities["enum"].as_array().unwrap();
    for e in [
        "case",
        "part",
        "stock",
        "rejection",
        "user",
        "policy",
        "past_fix",
    ] {
        assert!(listed.contains(&Value::from(e)), "{e}");
    }
    // Every error answer is described as the one error body.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (code, response) in op["responses"].as_object().into_iter().flatten() {
                if code.as_str() >= "400" {
                    let schema = &response["content"]["application/json"]["schema"];
                    assert!(
                        properties(&doc, schema).contains("error"),
                        "{method} {path} {code}"
                    );
                }
            }
        }
    }
}

/// A schema with its `$ref` followed.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => {
            let name = r.trim_start_matches("#/components/schemas/");
            resolve(doc, &doc["components"]["schemas"][name])
        }
        None => schema,
    }
}

/// The property names an object schema describes, through `$ref` and `allOf`.
fn properties(doc: &Value, schema: &Value) -> std::collections::BTreeSet<String> {
    let schema = resolve(doc, schema);
    let mut keys: std::collections::BTreeSet<String> = schema["properties"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.keys().cloned())
        .collect();
    for part in schema["allOf"].as_array().into_iter().flatten() {
        keys.extend(properties(doc, part));
    }
    keys
}
