//! Issue 9's defects and promises, each over HTTP against the real server: no input takes it
//! down, authorization before any other answer, devices and blobs that belong to someone,
//! reassignment, past fixes without customer data, sessions that end, bounded uploads.

use onsite_core::wire::PushStatus;
use onsite_core::{Case, CaseFlag, CaseStatus};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{
    assert_json_error, png, sha, spawn_app, spawn_configured, spawn_empty_app, Device, TestApp,
};
use crate::seed::{spawn_with, Seed};

/// The team and a part on alice's van.
fn with_a_part() -> Seed {
    Seed::team().part("P-100").stock("alice", "P-100", 5)
}

/// A new case of `who`'s, in progress.
async fn in_progress(app: &TestApp, who: &str) -> Uuid {
    app.case_for(who)
        .status(CaseStatus::InProgress)
        .create()
        .await
}

async fn case_as_manager(app: &TestApp, manager: &Device, id: Uuid) -> Case {
    app.snapshot(manager).await.cases[&id].clone()
}

fn code(reason: &str) -> &str {
    reason.split(':').next().unwrap_or_default()
}

#[tokio::test]
async fn dates_beyond_the_range_are_rejected_and_the_server_lives_on() {
    let app = spawn_with(Seed::team()).await;
    let case = in_progress(&app, "alice").await;
    let mut alice = app.login("alice").await;
    let mut manager = app.login("manager").await;
    let far: chrono::DateTime<chrono::Utc> = "+262142-12-31T23:59:00Z".parse().unwrap();

    // The device clock far in the future: this overflowed the SLA arithmetic and panicked.
    let mut m = alice.next("case.report", json!({ "case_id": case, "symptom": "x" }));
    m.client_time = far;
    let res = app.push(&alice, vec![m]).await;
    assert_eq!(res.results[0].status, PushStatus::Rejected);
    assert_eq!(
        code(res.results[0].reason.as_deref().unwrap()),
        "invalid_args"
    );

    let create = json!({
        "case_id": Uuid::new_v4(), "title": "t", "customer": { "name": "c" },
        "site": { "address": "a" }, "product": { "model": "m" }, "category": "system_fault",
        "severity": 1, "mode": "on_site", "reported_at": "+262142-12-31T23:59:00Z",
    });
    let reason = app.push_rejected(&mut manager, "case.create", create).await;
    assert_eq!(code(&reason), "invalid_args", "{reason}");
    for (field, value) in [
        ("start", json!("1900-01-01T00:00:00Z")),
        ("end", json!("2100-01-01T00:00:00Z")),
    ] {
        let mut args = json!({
            "case_id": case, "entry_id": Uuid::new_v4(), "kind": "work",
            "start": "2026-01-01T08:00:00Z", "end": "2026-01-01T09:00:00Z",
        });
        args[field] = value;
        let reason = app.push_rejected(&mut alice, "case.time", args).await;
        assert_eq!(code(&reason), "invalid_args", "{field}: {reason}");
    }
    // The same device resends after the rejection: still answered, never a crash.
    assert_eq!(
        app.http
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let replay = app
        .push(
            &alice,
            vec![alice.at(1, "case.report", json!({ "case_id": case }))],
        )
        .await;
    assert_eq!(replay.results[0].status, PushStatus::Rejected);
}

#[tokio::test]
async fn a_repeat_from_someone_else_is_refused_before_the_no_op() {
    let app = spawn_with(with_a_part()).await;
    let case = in_progress(&app, "alice").await;
    let mut alice = app.login("alice").await;
    let mut bob = app.login("bob").await;
    let mut manager = app.login("manager").await;
    let signature = png(40);
    assert_eq!(
        app.put_blob(&alice, &sha(&signature), signature.clone())
            .await
            .status(),
        201
    );
    let entry = Uuid::new_v4();
    let usage = Uuid::new_v4();
    let part_no = "P-100";
    let originals: Vec<(&str, Value)> = vec![
        (
            "case.time",
            json!({ "case_id": case, "entry_id": entry, "kind": "work",
            "start": "2026-01-01T08:00:00Z", "end": "2026-01-01T09:00:00Z" }),
        ),
        (
            "case.time_correct",
            json!({ "case_id": case, "entry_id": Uuid::new_v4(), "corrects": entry,
            "start": "2026-01-01T08:00:00Z", "end": "2026-01-01T08:30:00Z" }),
        ),
        (
            "part.use",
            json!({ "case_id": case, "usage_id": usage, "part_no": part_no, "qty": 1,
            "returned_defective": false }),
        ),
        (
            "part.correct",
            json!({ "case_id": case, "usage_id": Uuid::new_v4(), "corrects": usage,
            "qty_delta": 1 }),
        ),
        (
            "photo.add",
            json!({ "case_id": case, "photo_id": Uuid::new_v4(), "sha256": sha(&signature) }),
        ),
        (
            "case.follow_up",
            json!({ "case_id": case, "new_case_id": Uuid::new_v4(),
            "leftover": "replace the second fan" }),
        ),
    ];
    for (name, args) in &originals {
        app.push_applied(&mut alice, name, args.clone()).await;
    }
    for (name, args) in &originals {
        let reason = app.push_rejected(&mut bob, name, args.clone()).await;
        assert_eq!(
            code(&reason),
            "not_assignee",
            "bob resends {name}: {reason}"
        );
        // A manager sees every case; only what a manager may do may be answered as done (time
        // corrected again; a follow-up the case holds already, a repeat).
        let (status, reason) = app.push_one(&mut manager, name, args.clone()).await;
        if ["case.time_correct", "case.follow_up"].contains(name) {
            assert_eq!(
                status,
                PushStatus::Applied,
                "a manager may {name}: {reason:?}"
            );
        } else {
            let reason = reason.unwrap_or_default();
            assert_eq!(
                code(&reason),
                "forbidden_role",
                "the manager resends {name}: {reason}"
            );
        }
    }
    // An engineer repeating the manager's assignment learns nothing either.
    let assign = json!({ "case_id": case, "engineer_id": alice.user.id });
    let reason = app.push_rejected(&mut bob, "case.assign", assign).await;
    assert_eq!(code(&reason), "forbidden_role", "{reason}");
}

/// An engineer cannot tell a case that does not exist from another engineer's: a change to
/// either is rejected with the same code and message (the id the device sent, no case
/// number), before the server's own lookups (an unknown part, a missing blob), and the
/// rejections synced back match too. A manager is told the case is missing.
#[tokio::test]
async fn an_engineer_cannot_tell_a_missing_case_from_anothers() {
    let app = spawn_with(with_a_part()).await;
    let bobs = in_progress(&app, "bob").await;
    let missing = Uuid::new_v4();
    let mut alice = app.login("alice").await;
    let mut manager = app.login("manager").await;
    let number = case_as_manager(&app, &manager, bobs).await.number;
    type Args = fn(Uuid) -> Value;
    let changes: [(&str, Args); 5] = [
        ("case.report", |id| json!({ "case_id": id, "symptom": "x" })),
        ("case.accept", |id| json!({ "case_id": id })),
        ("part.use", |id| {
            json!({ "case_id": id, "usage_id": Uuid::new_v4(), "part_no": "NOT-IN-CATALOG",
                "qty": 1, "returned_defective": false })
        }),
        (
            "photo.add",
            |id| json!({ "case_id": id, "photo_id": Uuid::new_v4(), "sha256": "b".repeat(64) }),
        ),
        (
            "case.follow_up",
            |id| json!({ "case_id": id, "new_case_id": Uuid::new_v4(), "leftover": "x" }),
        ),
    ];
    for (name, args) in changes {
        let theirs = app.push_rejected(&mut alice, name, args(bobs)).await;
        let unknown = app.push_rejected(&mut alice, name, args(missing)).await;
        assert_eq!(code(&unknown), "not_assignee", "{name}: {unknown}");
        assert_eq!(
            theirs.replace(&bobs.to_string(), &missing.to_string()),
            unknown,
            "{name}"
        );
        assert!(!theirs.contains(&number), "{name}: {theirs}");
    }
    let rejections = app.snapshot(&alice).await.rejections;
    assert_eq!(rejections.len(), 2 * changes.len());
    for pair in rejections.chunks(2) {
        assert_eq!(pair[0].code, pair[1].code);
        assert_eq!(
            pair[0]
                .message
                .replace(&bobs.to_string(), &missing.to_string()),
            pair[1].message
        );
    }
    // A manager, who sees every case, is told it is missing.
    let reason = app
        .push_rejected(&mut manager, "case.close", json!({ "case_id": missing }))
        .await;
    assert_eq!(code(&reason), "not_found", "{reason}");
}

#[tokio::test]
async fn naming_someone_elses_blob_grants_nothing() {
    let app = spawn_with(Seed::team()).await;
    let bob_case = in_progress(&app, "bob").await;
    let alice = app.login("alice").await;
    let mut bob = app.login("bob").await;
    let signature = png(41);
    let hash = sha(&signature);
    assert_eq!(
        app.put_blob(&alice, &hash, signature.clone())
            .await
            .status(),
        201
    );
    let reason = app
        .push_rejected(
            &mut bob,
            "photo.add",
            json!({ "case_id": bob_case, "photo_id": Uuid::new_v4(), "sha256": hash }),
        )
        .await;
    assert_eq!(code(&reason), "blob_missing", "{reason}");
    assert_json_error(app.get_blob(&bob, &hash).await, 403, "forbidden").await;
    // Bob shows he holds the bytes by uploading them: then he may name them. His first
    // upload is 201 like any other (that alice stored them is not his to learn).
    assert_eq!(app.put_blob(&bob, &hash, signature).await.status(), 201);
    app.push_applied(
        &mut bob,
        "photo.add",
        json!({ "case_id": bob_case, "photo_id": Uuid::new_v4(), "sha256": hash }),
    )
    .await;
}

#[tokio::test]
async fn after_a_reassignment_only_the_new_assignee_writes_and_late_work_is_kept() {
    let app = spawn_with(with_a_part()).await;
    let case = in_progress(&app, "alice").await;
    let mut alice = app.login("alice").await;
    let mut bob = app.login("bob").await;
    let mut manager = app.login("manager").await;
    let part_no = "P-100";
    app.push_applied(
        &mut manager,
        "case.assign",
        json!({ "case_id": case, "engineer_id": bob.user.id }),
    )
    .await;

    // Alice's device had queued a part and a sign-off before it heard of the reassignment.
    let usage = json!({ "case_id": case, "usage_id": Uuid::new_v4(), "part_no": part_no,
        "qty": 1, "returned_defective": false });
    let reason = app.push_rejected(&mut alice, "part.use", usage).await;
    assert_eq!(code(&reason), "not_assignee", "{reason}");
    let late_signature = png(42);
    assert_eq!(
        app.put_blob(&alice, &sha(&late_signature), late_signature.clone())
            .await
            .status(),
        201
    );
    let late = Uuid::new_v4();
    app.push_applied(
        &mut alice,
        "case.sign_off",
        json!({ "case_id": case, "signoff_id": late, "signer_name": "Ms Li",
            "signature_sha256": sha(&late_signature), "report_sha256": "c".repeat(64),
            "signed_at": chrono::Utc::now() }),
    )
    .await;
    // The rejection syncs back to alice's device.
    let back = app.snapshot(&alice).await;
    assert!(back
        .rejections
        .iter()
        .any(|r| r.name == "part.use" && r.code == "not_assignee"));
    assert!(!back.cases.contains_key(&case), "no longer hers");

    // Bob works the case and the customer signs for him.
    app.push_applied(&mut bob, "case.accept", json!({ "case_id": case }))
        .await;
    app.push_applied(
        &mut bob,
        "case.set_status",
        json!({ "case_id": case, "status": "in_progress" }),
    )
    .await;
    let real = Uuid::new_v4();
    app.push_applied(
        &mut bob,
        "case.sign_off",
        json!({ "case_id": case, "signoff_id": real, "signer_name": "Mr Wu",
            "unsigned_reason": "customer left", "report_sha256": "d".repeat(64),
            "signed_at": chrono::Utc::now() }),
    )
    .await;

    let seen = case_as_manager(&app, &manager, case).await;
    assert_eq!(
        seen.sign_off.as_ref().map(|s| s.signoff_id),
        Some(real),
        "bob's is the case's"
    );
    assert!(
        seen.extra_sign_offs.iter().any(|s| s.signoff_id == late),
        "alice's is kept"
    );
    assert!(seen.flags.iter().any(
        |f| matches!(f, CaseFlag::LateSignOff { signoff_id, by } if *signoff_id == late && *by == alice.user.id)
    ));
    assert!(seen.flags.iter().any(
        |f| matches!(f, CaseFlag::LateWork { event, by, .. } if event == "part.use" && *by == alice.user.id)
    ), "the manager sees the part alice used");
    // The former assignee cannot read the case's blobs any more; bob and the manager can.
    assert_json_error(
        app.get_blob(&alice, &sha(&late_signature)).await,
        403,
        "forbidden",
    )
    .await;
    assert_eq!(
        app.get_blob(&bob, &sha(&late_signature)).await.status(),
        200
    );
}

#[tokio::test]
async fn past_fixes_carry_no_customer_data() {
    let app = spawn_app().await;
    let manager = app.login("manager").await;
    let alice = app.login("alice").await;
    let all = app.snapshot(&manager).await;
    let fixes = app.snapshot(&alice).await.past_fixes;
    assert!(!fixes.is_empty());
    let mut redacted = 0;
    for fix in fixes.values() {
        let source = &all.cases[&fix.case_id];
        let c = &source.customer;
        let private: Vec<&str> = [
            Some(c.name.as_str()),
            c.contact.as_deref(),
            c.email.as_deref(),
            c.phone.as_deref(),
            Some(source.site.address.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect();
        let published =
            [&fix.title, &fix.symptom, &fix.cause, &fix.actions].map(|t| t.to_lowercase());
        for p in &private {
            for text in &published {
                assert!(
                    !text.contains(&p.to_lowercase()),
                    "{} leaks `{p}`: {text}",
                    fix.number
                );
            }
        }
        let written = [
            Some(&source.title),
            source.report.symptom.as_ref(),
            source.report.cause.as_ref(),
            source.report.actions.as_ref(),
        ];
        if written.iter().flatten().any(|t| {
            private
                .iter()
                .any(|p| t.to_lowercase().contains(&p.to_lowercase()))
        }) {
            redacted += 1;
        }
    }
    assert!(
        redacted >= 2,
        "the demo's history names its customers in {redacted} fixes"
    );
}

#[tokio::test]
async fn loose_input_is_refused() {
    let app = spawn_with(Seed::team()).await;
    let case = in_progress(&app, "alice").await;
    let mut alice = app.login("alice").await;
    let mut manager = app.login("manager").await;
    let res = app
        .push(&alice, vec![alice.at(1, "case.accept", json!([case]))])
        .await;
    alice.seq = 1;
    assert_eq!(res.results[0].status, PushStatus::Rejected);
    assert_eq!(
        code(res.results[0].reason.as_deref().unwrap()),
        "invalid_args"
    );
    let big = "9".repeat(200 * 1024);
    for (field, path) in [
        ("customer.phone", "/customer/phone"),
        ("customer.email", "/customer/email"),
        ("customer.contact", "/customer/contact"),
        ("site.notes", "/site/notes"),
        ("product.serial", "/product/serial"),
    ] {
        let mut args = json!({
            "case_id": Uuid::new_v4(), "title": "t", "customer": { "name": "c" },
            "site": { "address": "a" }, "product": { "model": "m" }, "category": "system_fault",
            "severity": 2, "mode": "on_site", "reported_at": "2026-11-01T08:00:00Z",
        });
        let parent = path.rsplit_once('/').unwrap();
        args.pointer_mut(parent.0).unwrap()[parent.1] = json!(big);
        let reason = app.push_rejected(&mut manager, "case.create", args).await;
        assert!(
            reason.starts_with("invalid_args:") && reason.contains(field),
            "{field}: {reason}"
        );
    }
}

#[tokio::test]
async fn a_session_ends_when_revoked_or_long_idle() {
    let app = spawn_with(Seed::team()).await;
    let alice = app.login("alice").await;
    let alice2 = app.login("alice").await;
    let bob = app.login("bob").await;
    let manager = app.login("manager").await;

    // An engineer may not revoke anyone.
    let res = app
        .http
        .post(app.url(&format!("/api/v1/devices/{}/revoke", bob.client_id)))
        .bearer_auth(&alice.token)
        .send()
        .await
        .unwrap();
    assert_json_error(res, 403, "forbidden").await;

    // The manager sees the devices and revokes alice's lost phone.
    let res = app
        .http
        .get(app.url("/api/v1/devices"))
        .bearer_auth(&manager.token)
        .send()
        .await
        .unwrap();
    let devices: Vec<onsite_core::wire::Device> = res.json().await.unwrap();
    assert!(devices
        .iter()
        .any(|d| d.client_id == alice.client_id && d.active));
    let res = app
        .http
        .post(app.url(&format!("/api/v1/devices/{}/revoke", alice.client_id)))
        .bearer_auth(&manager.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_json_error(app.pull_raw(&alice, None).await, 401, "session_revoked").await;
    assert_eq!(
        app.pull_raw(&alice2, None).await.status(),
        200,
        "her other device"
    );

    // All of a user's devices at once.
    let res = app
        .http
        .post(app.url(&format!("/api/v1/users/{}/revoke", alice.user.id)))
        .bearer_auth(&manager.token)
        .send()
        .await
        .unwrap();
    let body: onsite_core::wire::RevokeResponse = res.json().await.unwrap();
    assert_eq!(body.revoked, 1);
    assert_json_error(app.pull_raw(&alice2, None).await, 401, "session_revoked").await;

    // The CLI does the same (a manager without the app).
    let text = onsite_server::report::revoke_text(&app.store, None, Some("bob"))
        .await
        .unwrap();
    assert!(text.contains("Revoked 1 session"), "{text}");
    assert_json_error(app.pull_raw(&bob, None).await, 401, "session_revoked").await;

    // A session unused for longer than the idle limit ends; a fresh login works.
    let fresh = app.login("alice").await;
    let old =
        chrono::Utc::now() - chrono::Duration::days(onsite_server::auth::SESSION_IDLE_DAYS + 1);
    sqlx::query("UPDATE tokens SET last_used_at = $1 WHERE token_hash = $2")
        .bind(onsite_server::store::ts(old))
        .bind(onsite_server::auth::token_hash(&fresh.token))
        .execute(app.store.pool())
        .await
        .unwrap();
    assert_json_error(app.pull_raw(&fresh, None).await, 401, "session_expired").await;
    // Two weeks offline is well inside the limit.
    let back = app.login("alice").await;
    let two_weeks = chrono::Utc::now() - chrono::Duration::days(14);
    sqlx::query("UPDATE tokens SET last_used_at = $1 WHERE token_hash = $2")
        .bind(onsite_server::store::ts(two_weeks))
        .bind(onsite_server::auth::token_hash(&back.token))
        .execute(app.store.pool())
        .await
        .unwrap();
    assert_eq!(app.pull_raw(&back, None).await.status(), 200);
}

#[tokio::test]
async fn logins_are_throttled_per_username() {
    let app = spawn_with(Seed::team()).await;
    for _ in 0..onsite_server::throttle::MAX_FAILURES_PER_USER {
        assert_eq!(app.login_raw("alice", "wrong-password").await.status(), 401);
    }
    let res = app.login_raw("alice", "onsite-demo").await;
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= onsite_server::throttle::WINDOW.as_secs() + 1);
    assert_json_error(res, 429, "login_throttled").await;
    assert_eq!(
        app.login_raw("bob", "onsite-demo").await.status(),
        200,
        "others unaffected"
    );
}

#[tokio::test]
async fn logins_are_throttled_per_address() {
    let app = spawn_empty_app().await;
    // A spray of usernames from one address: each name stays under its own limit.
    for i in 0..onsite_server::throttle::MAX_FAILURES_PER_ADDR {
        let res = app.login_raw(&format!("guess-{i}"), "wrong-password").await;
        assert_eq!(res.status(), 401);
    }
    let res = app.login_raw("someone-new", "wrong-password").await;
    assert!(res.headers().contains_key("retry-after"));
    assert_json_error(res, 429, "login_throttled").await;
}

#[tokio::test]
async fn uploads_are_bounded_per_user_and_unnamed_blobs_are_collected() {
    let app = spawn_configured(false, None, |c| c.upload_quota_bytes = 1000).await;
    Seed::team().load(&app).await;
    let case = in_progress(&app, "bob").await;
    let bob = app.login("bob").await;
    let manager = app.login("manager").await;
    let a = vec![1u8; 600];
    let b = vec![2u8; 600];
    assert_eq!(app.put_blob(&bob, &sha(&a), a.clone()).await.status(), 201);
    let res = app.put_blob(&bob, &sha(&b), b.clone()).await;
    assert!(res.headers().contains_key("retry-after"));
    assert_json_error(res, 429, "upload_quota").await;
    assert_eq!(
        app.put_blob(&manager, &sha(&b), b.clone()).await.status(),
        201,
        "a quota of his own"
    );

    // `a` is named by bob's case, `b` by nothing: after the grace period only `b` goes.
    let mut bob = bob;
    app.push_applied(
        &mut bob,
        "photo.add",
        json!({ "case_id": case, "photo_id": Uuid::new_v4(), "sha256": sha(&a) }),
    )
    .await;
    let removed =
        onsite_server::store::blobs::collect_garbage_now(&app.store, chrono::Duration::seconds(-1))
            .await
            .unwrap();
    assert!(removed >= 1);
    assert_eq!(app.get_blob(&manager, &sha(&a)).await.status(), 200);
    assert_json_error(app.get_blob(&manager, &sha(&b)).await, 404, "not_found").await;
}
