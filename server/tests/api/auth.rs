use onsite_core::Role;
use serde_json::json;
use uuid::Uuid;

use crate::args;
use crate::helpers::{assert_json_error, Device};
use crate::seed::{spawn_with, Seed, PASSWORD};

#[tokio::test]
async fn login_returns_a_token_that_serves_only_its_own_device() {
    let seed = Seed::new()
        .user("alice", "Alice Chen", Role::Engineer)
        .manager("manager")
        .engineer("bob");
    let app = spawn_with(seed).await;
    let [alice, manager, bob] = app.login_all(["alice", "manager", "bob"]).await;
    assert_eq!(alice.user.name, "Alice Chen");
    assert_eq!(alice.user.role, Role::Engineer);
    assert_eq!(alice.token.len(), 64);
    assert_eq!(manager.user.role, Role::Manager);
    // The token works, for its own device only.
    assert_eq!(app.pull_raw(&alice, None).await.status(), 200);
    let other = Device {
        client_id: Uuid::new_v4(),
        ..alice.clone()
    };
    assert_json_error(app.pull_raw(&other, None).await, 403, "client_mismatch").await;
    assert_json_error(app.push_raw(&other, vec![]).await, 403, "client_mismatch").await;
    // Bob's token with alice's client_id: the token is bound to bob's device.
    let forged = Device {
        client_id: alice.client_id,
        ..bob
    };
    assert_json_error(app.push_raw(&forged, vec![]).await, 403, "client_mismatch").await;
}

#[tokio::test]
async fn bad_credentials_and_missing_or_invalid_tokens_are_401_json() {
    let app = spawn_with(Seed::new().engineer("alice")).await;
    let res = app.login_raw("alice", "wrong password").await;
    assert_json_error(res, 401, "invalid_credentials").await;
    let res = app.login_raw("nobody", PASSWORD).await;
    assert_json_error(res, 401, "invalid_credentials").await;

    let alice = app.login("alice").await;
    let pull = format!("GET /api/v1/sync/pull?client_id={}", alice.client_id);
    let forged = Device {
        token: "0".repeat(64),
        ..alice.clone()
    };
    let push = json!({ "client_id": alice.client_id, "schema_version": 1, "mutations": [] });
    #[rustfmt::skip]
    let refusals = [
        (None, &*pull, None, 401, "unauthorized"),
        (Some(&forged), &pull, None, 401, "unauthorized"),
        (None, "POST /api/v1/sync/push", Some(push), 401, "unauthorized"),
    ];
    app.assert_refused(&refusals).await;
    let basic = app
        .req(None, &pull)
        .header("authorization", "Basic YWxpY2U6eA==");
    assert_json_error(basic.send().await.unwrap(), 401, "unauthorized").await;
}

#[tokio::test]
async fn logout_revokes_the_token() {
    let app = spawn_with(Seed::new().engineer("alice")).await;
    let alice = app.login("alice").await;
    let res = app.send(Some(&alice), "POST /api/v1/logout").await;
    assert_eq!(res.status(), 204);
    let res = app.pull_raw(&alice, None).await;
    assert_json_error(res, 401, "session_revoked").await;
}

#[tokio::test]
async fn a_client_id_belongs_to_one_user_for_good() {
    let app = spawn_with(Seed::team()).await;
    let case = app.case_for("alice").create().await;
    let case2 = app.case_for("alice").create().await;
    let bob_case = app.case_for("bob").create().await;
    let mut alice = app.login("alice").await;
    app.push_applied(&mut alice, "case.accept", args::case(case))
        .await;
    // Bob tries to log in with the client_id alice's device uses: refused, whatever he knows.
    let res = app.login_from("bob", PASSWORD, alice.client_id).await;
    assert_json_error(res, 409, "client_taken").await;
    // The device makes a new client_id for bob: his seqs start at 1, apart from alice's.
    let mut bob = app.login("bob").await;
    assert_eq!(app.pull(&bob, None).await.last_seq, 0);
    // Alice's old token keeps working for her own queue and never moves bob's seq.
    app.push_applied(&mut alice, "case.accept", args::case(case2))
        .await;
    assert_eq!(app.pull(&alice, None).await.last_seq, 2);
    app.push_applied(&mut bob, "case.accept", args::case(bob_case))
        .await;
    assert_eq!(app.pull(&bob, None).await.last_seq, 1);
}
