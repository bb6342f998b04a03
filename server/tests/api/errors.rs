use serde_json::Value;

use crate::helpers::{assert_json_error, spawn_app, spawn_empty_app};

#[tokio::test]
async fn malformed_json_is_400_json() {
    let app = spawn_app().await;
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
    let app = spawn_app().await;
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
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    // Every variant of the enum (one example each, not the list the document is built from)
    // round-trips through the wire and is described with its arguments.
    let names = doc["components"]["schemas"]["MutationNames"]["enum"]
        .as_array()
        .unwrap()
        .clone();
    let described: Vec<Value> = doc["components"]["schemas"]["Mutation"]["oneOf"]
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
        assert!(
            names.contains(&Value::from(m.name())),
            "{} not in the document",
            m.name()
        );
        let args = described
            .iter()
            .find(|d| d["title"] == m.name())
            .map(|d| &d["properties"]["args"]);
        assert!(
            args.is_some_and(Value::is_object),
            "{}: no args schema",
            m.name()
        );
        for key in wire.args.as_object().unwrap().keys() {
            assert!(
                args.unwrap()["properties"][key].is_object(),
                "{}: `{key}` is not described",
                m.name()
            );
        }
    }
    let entities = doc["components"]["schemas"]["Change"]["properties"]["entity"]["enum"].clone();
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
            entities.as_array().unwrap().contains(&Value::from(e)),
            "{e}"
        );
    }
    assert!(doc["components"]["schemas"]["Error"].is_object());
}
