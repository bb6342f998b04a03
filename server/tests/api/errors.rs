use serde_json::Value;

use crate::helpers::{assert_json_error, spawn_empty_app};
use crate::seed::{spawn_with, Seed};

#[tokio::test]
async fn malformed_json_is_400_json() {
    let app = spawn_with(Seed::new().engineer("alice")).await;
    let alice = app.login("alice").await;
    let res = app
        .http
        .post(app.url("/api/v1/sync/push"))
        .bearer_auth(&alice.token)
        .header("content-type", "application/json")
        .body("{\"client_id\": ")
        .send()
        .await
        .unwrap();
    assert_json_error(res, 400, "invalid_json").await;
    // Well-formed JSON of the wrong shape.
    let res = app
        .http
        .post(app.url("/api/v1/sync/push"))
        .bearer_auth(&alice.token)
        .header("content-type", "application/json")
        .body("{\"mutations\": 5}")
        .send()
        .await
        .unwrap();
    assert_json_error(res, 400, "invalid_body").await;
    // No JSON content type.
    let res = app
        .http
        .post(app.url("/api/v1/login"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_json_error(res, 415, "unsupported_media_type").await;
}

#[tokio::test]
async fn an_oversized_push_is_413_json() {
    let app = spawn_with(Seed::new().engineer("alice")).await;
    let alice = app.login("alice").await;
    let body = format!(
        "{{\"client_id\":\"{}\",\"schema_version\":1,\"mutations\":[],\"pad\":\"{}\"}}",
        alice.client_id,
        "x".repeat(1024 * 1024 + 10)
    );
    let res = app
        .http
        .post(app.url("/api/v1/sync/push"))
        .bearer_auth(&alice.token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_json_error(res, 413, "payload_too_large").await;
}

#[tokio::test]
async fn unknown_paths_and_methods_are_json() {
    let app = spawn_empty_app().await;
    let res = app
        .http
        .get(app.url("/api/v1/nothing"))
        .send()
        .await
        .unwrap();
    assert_json_error(res, 404, "not_found").await;
    let res = app
        .http
        .get(app.url("/api/v2/sync/pull"))
        .send()
        .await
        .unwrap();
    assert_json_error(res, 404, "not_found").await;
    let res = app.http.get(app.url("/api/v1/login")).send().await.unwrap();
    assert_json_error(res, 405, "method_not_allowed").await;
    let res = app.http.delete(app.url("/healthz")).send().await.unwrap();
    assert_json_error(res, 405, "method_not_allowed").await;
    let res = app
        .http
        .get(app.url("/api/v1/sync/pull?client_id=nope"))
        .send()
        .await
        .unwrap();
    assert_json_error(res, 401, "unauthorized").await;
}

#[tokio::test]
async fn healthz_answers() {
    let app = spawn_empty_app().await;
    let res = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn openapi_describes_the_api() {
    let app = spawn_empty_app().await;
    let res = app
        .http
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
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
    for e in [
        "case",
        "part",
        "stock",
        "rejection",
        "user",
        "policy",
        "past_fix",
    ] {
        assert!(
            entities["enum"]
                .as_array()
                .unwrap()
                .contains(&Value::from(e)),
            "{e}"
        );
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
