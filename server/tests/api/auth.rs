use onsite_core::Role;
use serde_json::json;

use crate::helpers::assert_json_error;
use crate::seed::{spawn_with, Seed};

#[tokio::test]
async fn login_returns_a_token_and_the_user() {
    let app = spawn_with(
        Seed::new()
            .user("alice", "Alice Chen", Role::Engineer)
            .manager("manager"),
    )
    .await;
    let alice = app.login("alice").await;
    assert_eq!(alice.user.name, "Alice Chen");
    assert_eq!(alice.user.role, Role::Engineer);
    assert_eq!(alice.token.len(), 64);
    let manager = app.login("manager").await;
    assert_eq!(manager.user.role, Role::Manager);
    // The token works.
    let res = app.pull_raw(&alice, None).await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn bad_credentials_are_401_json() {
    let app = spawn_with(Seed::new().engineer("alice")).await;
    let res = app.login_raw("alice", "wrong password").await;
    assert_json_error(res, 401, "invalid_credentials").await;
    let res = app.login_raw("nobody", "onsite-demo").await;
    assert_json_error(res, 401, "invalid_credentials").await;
}

#[tokio::test]
async fn missing_or_invalid_token_is_401_json() {
    let app = spawn_with(Seed::new().engineer("alice")).await;
    let alice = app.login("alice").await;
    let url = app.url(&format!("/api/v1/sync/pull?client_id={}", alice.client_id));
    let res = app.http.get(&url).send().await.unwrap();
    assert_json_error(res, 401, "unauthorized").await;
    let res = app
        .http
        .get(&url)
        .bearer_auth("0".repeat(64))
        .send()
        .await
        .unwrap();
    assert_json_error(res, 401, "unauthorized").await;
    let res = app
        .http
        .get(&url)
        .header("authorization", "Basic YWxpY2U6eA==")
        .send()
        .await
        .unwrap();
    assert_json_error(res, 401, "unauthorized").await;
    let res = app
        .http
        .post(app.url("/api/v1/sync/push"))
        .json(&json!({ "client_id": alice.client_id, "schema_version": 1, "mutations": [] }))
        .send()
        .await
        .unwrap();
    assert_json_error(res, 401, "unauthorized").await;
}

#[tokio::test]
async fn logout_revokes_the_token() {
    let app = spawn_with(Seed::new().engineer("alice")).await;
    let alice = app.login("alice").await;
    let res = app
        .http
        .post(app.url("/api/v1/logout"))
        .bearer_auth(&alice.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let res = app.pull_raw(&alice, None).await;
    assert_json_error(res, 401, "session_revoked").await;
}

#[tokio::test]
async fn a_token_only_serves_its_own_device() {
    let app = spawn_with(Seed::new().engineer("alice")).await;
    let alice = app.login("alice").await;
    let mut other = alice.clone();
    other.client_id = uuid::Uuid::new_v4();
    let res = app.pull_raw(&other, None).await;
    assert_json_error(res, 403, "client_mismatch").await;
    let res = app.push_raw(&other, vec![]).await;
    assert_json_error(res, 403, "client_mismatch").await;
}

#[tokio::test]
async fn a_client_id_belongs_to_one_user_for_good() {
    let app = spawn_with(Seed::team()).await;
    let case = app.case_for("alice").create().await;
    let case2 = app.case_for("alice").create().await;
    let bob_case = app.case_for("bob").create().await;
    let mut alice = app.login("alice").await;
    app.push_one(&mut alice, "case.accept", json!({ "case_id": case }))
        .await;
    // Bob tries to log in with the client_id alice's device uses: refused, whatever he knows.
    let res = app
        .http
        .post(app.url("/api/v1/login"))
        .json(
            &json!({ "username": "bob", "password": "onsite-demo", "client_id": alice.client_id }),
        )
        .send()
        .await
        .unwrap();
    assert_json_error(res, 409, "client_taken").await;
    // The device makes a new client_id for bob: his seqs start at 1, apart from alice's.
    let mut bob = app.login("bob").await;
    assert_eq!(app.pull(&bob, None).await.last_seq, 0);
    // Alice's old token keeps working for her own queue and never moves bob's seq.
    app.push_applied(&mut alice, "case.accept", json!({ "case_id": case2 }))
        .await;
    assert_eq!(app.pull(&alice, None).await.last_seq, 2);
    let (status, reason) = app
        .push_one(&mut bob, "case.accept", json!({ "case_id": bob_case }))
        .await;
    assert_eq!(status, onsite_core::wire::PushStatus::Applied, "{reason:?}");
    assert_eq!(app.pull(&bob, None).await.last_seq, 1);
}

#[tokio::test]
async fn a_push_naming_another_users_client_id_is_refused() {
    let app = spawn_with(Seed::new().engineer("alice").engineer("bob")).await;
    let alice = app.login("alice").await;
    let bob = app.login("bob").await;
    // Bob's token with alice's client_id: the token is bound to bob's device.
    let mut forged = bob.clone();
    forged.client_id = alice.client_id;
    let res = app.push_raw(&forged, vec![]).await;
    assert_json_error(res, 403, "client_mismatch").await;
}
