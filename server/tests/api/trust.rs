//! Issue 9's defects and promises, each over HTTP against the real server: no input takes it
//! down, authorization before any other answer, devices and blobs that belong to someone,
//! reassignment, past fixes without customer data, sessions that end, bounded uploads.

use onsite_core::wire::PushStatus;
use onsite_core::{Case, CaseFlag, CaseStatus};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::args;
use crate::helpers::{
    assert_json_error, code, demo_view, png, sha, spawn_configured, spawn_empty_app, Device,
    TestApp,
};
use crate::seed::{spawn_with, Seed, PASSWORD};

/// The team and a part on alice's van.
fn with_a_part() -> Seed {
    Seed::team().part("P-100").stock("alice", "P-100", 5)
}

async fn case_as_manager(app: &TestApp, manager: &Device, id: Uuid) -> Case {
    app.snapshot(manager).await.cases[&id].clone()
}

#[tokio::test]
async fn dates_beyond_the_range_are_rejected_and_the_server_lives_on() {
    let app = spawn_with(Seed::team()).await;
    let case = app.case_in("alice", CaseStatus::InProgress).await;
    let [mut alice, mut manager] = app.login_all(["alice", "manager"]).await;
    let far = "+262142-12-31T23:59:00Z";

    // The device clock far in the future: this overflowed the SLA arithmetic and panicked.
    let report = json!({ "case_id": case, "symptom": "x" });
    let (status, reason) = app
        .push_at(&mut alice, "case.report", report, far.parse().unwrap())
        .await;
    assert_eq!(
        (status, code(&reason.unwrap())),
        (PushStatus::Rejected, "invalid_args")
    );

    let mut create = args::case_create(Uuid::new_v4());
    create["reported_at"] = json!(far);
    app.push_rejected_code(&mut manager, "case.create", create, "invalid_args")
        .await;
    for (field, value) in [
        ("start", "1900-01-01T00:00:00Z"),
        ("end", "2100-01-01T00:00:00Z"),
    ] {
        let mut time = args::time(case, "2026-01-01T08:00:00Z", "2026-01-01T09:00:00Z");
        time[field] = json!(value);
        app.push_rejected_code(&mut alice, "case.time", time, "invalid_args")
            .await;
    }
    // The same device resends after the rejection: still answered, never a crash.
    assert_eq!(app.healthz_status().await, 200);
    let replay = vec![alice.at(1, "case.report", args::case(case))];
    let replay = app.push(&alice, replay).await;
    assert_eq!(replay.results[0].status, PushStatus::Rejected);
}

#[tokio::test]
async fn a_repeat_from_someone_else_is_refused_before_the_no_op() {
    let app = spawn_with(with_a_part()).await;
    let case = app.case_in("alice", CaseStatus::InProgress).await;
    let [mut alice, mut bob, mut manager] = app.login_all(["alice", "bob", "manager"]).await;
    let signature = app.upload(&alice, &png(40)).await;
    let (t8, t9) = ("2026-01-01T08:00:00Z", "2026-01-01T09:00:00Z");
    let (time, usage) = (args::time(case, t8, t9), args::part_use(case, "P-100", 1));
    let (entry, used) = (&time["entry_id"], &usage["usage_id"]);
    let originals: Vec<(&str, Value)> = vec![
        ("case.time", time.clone()),
        (
            "case.time_correct",
            args::time_correct(case, entry, t8, "2026-01-01T08:30:00Z"),
        ),
        ("part.use", usage.clone()),
        ("part.correct", args::part_correct(case, used, 1)),
        ("photo.add", args::photo(case, &signature)),
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
        app.push_rejected_code(&mut bob, name, args.clone(), "not_assignee")
            .await;
        // A manager sees every case; only what a manager may do may be answered as done (time
        // corrected again; a follow-up the case holds already, a repeat).
        if ["case.time_correct", "case.follow_up"].contains(name) {
            app.push_applied(&mut manager, name, args.clone()).await;
        } else {
            app.push_rejected_code(&mut manager, name, args.clone(), "forbidden_role")
                .await;
        }
    }
    // An engineer repeating the manager's assignment learns nothing either.
    let assign = args::assign(case, alice.user.id);
    app.push_rejected_code(&mut bob, "case.assign", assign, "forbidden_role")
        .await;
}

/// An engineer cannot tell a case that does not exist from another engineer's: a change to
/// either is rejected with the same code and message (the id the device sent, no case
/// number), before the server's own lookups (an unknown part, a missing blob), and the
/// rejections synced back match too. A manager is told the case is missing.
#[tokio::test]
async fn an_engineer_cannot_tell_a_missing_case_from_anothers() {
    let app = spawn_with(with_a_part()).await;
    let bobs = app.case_in("bob", CaseStatus::InProgress).await;
    let missing = Uuid::new_v4();
    let [mut alice, mut manager] = app.login_all(["alice", "manager"]).await;
    let number = case_as_manager(&app, &manager, bobs).await.number;
    type Args = fn(Uuid) -> Value;
    let changes: [(&str, Args); 5] = [
        ("case.report", |id| json!({ "case_id": id, "symptom": "x" })),
        ("case.accept", args::case),
        ("part.use", |id| args::part_use(id, "NOT-IN-CATALOG", 1)),
        ("photo.add", |id| args::photo(id, &"b".repeat(64))),
        (
            "case.follow_up",
            |id| json!({ "case_id": id, "new_case_id": Uuid::new_v4(), "leftover": "x" }),
        ),
    ];
    for (name, args) in changes {
        let theirs = app.push_rejected(&mut alice, name, args(bobs)).await;
        let unknown = app
            .push_rejected_code(&mut alice, name, args(missing), "not_assignee")
            .await;
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
    app.push_rejected_code(&mut manager, "case.close", args::case(missing), "not_found")
        .await;
}

#[tokio::test]
async fn naming_someone_elses_blob_grants_nothing() {
    let app = spawn_with(Seed::team()).await;
    let bob_case = app.case_in("bob", CaseStatus::InProgress).await;
    let [alice, mut bob] = app.login_all(["alice", "bob"]).await;
    let signature = png(41);
    let hash = app.upload(&alice, &signature).await;
    let photo = args::photo(bob_case, &hash);
    app.push_rejected_code(&mut bob, "photo.add", photo, "blob_missing")
        .await;
    assert_json_error(app.get_blob(&bob, &hash).await, 403, "forbidden").await;
    // Bob shows he holds the bytes by uploading them: then he may name them. His first
    // upload is 201 like any other (that alice stored them is not his to learn).
    app.upload(&bob, &signature).await;
    app.push_applied(&mut bob, "photo.add", args::photo(bob_case, &hash))
        .await;
}

#[tokio::test]
async fn after_a_reassignment_only_the_new_assignee_writes_and_late_work_is_kept() {
    let app = spawn_with(with_a_part()).await;
    let case = app.case_in("alice", CaseStatus::InProgress).await;
    let [mut alice, mut bob, mut manager] = app.login_all(["alice", "bob", "manager"]).await;
    let assign = args::assign(case, bob.user.id);
    app.push_applied(&mut manager, "case.assign", assign).await;

    // Alice's device had queued a part and a sign-off before it heard of the reassignment.
    let usage = args::part_use(case, "P-100", 1);
    app.push_rejected_code(&mut alice, "part.use", usage, "not_assignee")
        .await;
    let late_signature = app.upload(&alice, &png(42)).await;
    let late = Uuid::new_v4();
    let sign = args::with(
        args::signed(case, &late_signature),
        json!({ "signoff_id": late }),
    );
    app.push_applied(&mut alice, "case.sign_off", sign).await;
    // The rejection syncs back to alice's device, and so does her van: the part left it.
    let back = app.snapshot(&alice).await;
    assert!(back
        .rejections
        .iter()
        .any(|r| r.name == "part.use" && r.code == "not_assignee"));
    assert!(!back.cases.contains_key(&case), "no longer hers");
    assert_eq!(back.stock["P-100"].qty, 4, "5 - the late use");

    // Bob works the case and the customer signs for him.
    app.push_applied(&mut bob, "case.accept", args::case(case))
        .await;
    let work = args::to_status(case, "in_progress");
    app.push_applied(&mut bob, "case.set_status", work).await;
    let real = Uuid::new_v4();
    let sign = args::with(args::sign_off(case), json!({ "signoff_id": real }));
    app.push_applied(&mut bob, "case.sign_off", sign).await;

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
    let res = app.get_blob(&alice, &late_signature).await;
    assert_json_error(res, 403, "forbidden").await;
    assert_eq!(app.get_blob(&bob, &late_signature).await.status(), 200);
}

#[tokio::test]
async fn past_fixes_carry_no_customer_data() {
    let (app, _, alice, all) = demo_view().await;
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
    let case = app.case_in("alice", CaseStatus::InProgress).await;
    let [mut alice, mut manager] = app.login_all(["alice", "manager"]).await;
    app.push_rejected_code(&mut alice, "case.accept", json!([case]), "invalid_args")
        .await;
    let big = "9".repeat(200 * 1024);
    for (field, path) in [
        ("customer.phone", "/customer/phone"),
        ("customer.email", "/customer/email"),
        ("customer.contact", "/customer/contact"),
        ("site.notes", "/site/notes"),
        ("product.serial", "/product/serial"),
    ] {
        let mut args = args::case_create(Uuid::new_v4());
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
    let [alice, alice2, bob, manager] = app.login_all(["alice", "alice", "bob", "manager"]).await;
    let revoke =
        |what: &str, id: &dyn std::fmt::Display| format!("POST /api/v1/{what}/{id}/revoke");

    // An engineer may not revoke anyone.
    let route = revoke("devices", &bob.client_id);
    assert_json_error(app.send(Some(&alice), &route).await, 403, "forbidden").await;

    // The manager sees the devices and revokes alice's lost phone.
    let devices: Vec<onsite_core::wire::Device> =
        app.get_ok(&manager, "/api/v1/devices", &[]).await;
    assert!(devices
        .iter()
        .any(|d| d.client_id == alice.client_id && d.active));
    let res = app
        .send(Some(&manager), &revoke("devices", &alice.client_id))
        .await;
    assert_eq!(res.status(), 200);
    assert_json_error(app.pull_raw(&alice, None).await, 401, "session_revoked").await;
    assert_eq!(
        app.pull_raw(&alice2, None).await.status(),
        200,
        "her other device"
    );

    // All of a user's devices at once.
    let res = app
        .send(Some(&manager), &revoke("users", &alice.user.id))
        .await;
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
    let idle_limit = onsite_server::auth::SESSION_IDLE_DAYS;
    app.idle_sessions(Some(&fresh), chrono::Duration::days(idle_limit + 1))
        .await;
    assert_json_error(app.pull_raw(&fresh, None).await, 401, "session_expired").await;
    // Two weeks offline is well inside the limit.
    let back = app.login("alice").await;
    app.idle_sessions(Some(&back), chrono::Duration::days(14))
        .await;
    assert_eq!(app.pull_raw(&back, None).await.status(), 200);
}

#[tokio::test]
async fn logins_are_throttled_per_username() {
    let app = spawn_with(Seed::team()).await;
    for _ in 0..onsite_server::throttle::MAX_FAILURES_PER_USER {
        assert_eq!(app.login_raw("alice", "wrong-password").await.status(), 401);
    }
    let res = app.login_raw("alice", PASSWORD).await;
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= onsite_server::throttle::WINDOW.as_secs() + 1);
    assert_json_error(res, 429, "login_throttled").await;
    assert_eq!(
        app.login_raw("bob", PASSWORD).await.status(),
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
    let case = app.case_in("bob", CaseStatus::InProgress).await;
    let [mut bob, manager] = app.login_all(["bob", "manager"]).await;
    let a = vec![1u8; 600];
    let b = vec![2u8; 600];
    app.upload(&bob, &a).await;
    let res = app.put_blob(&bob, &sha(&b), b.clone()).await;
    assert!(res.headers().contains_key("retry-after"));
    assert_json_error(res, 429, "upload_quota").await;
    app.upload(&manager, &b).await; // a quota of his own

    // `a` is named by bob's case, `b` by nothing: after the grace period only `b` goes.
    app.push_applied(&mut bob, "photo.add", args::photo(case, &sha(&a)))
        .await;
    let removed =
        onsite_server::store::blobs::collect_garbage_now(&app.store, chrono::Duration::seconds(-1))
            .await
            .unwrap();
    assert!(removed >= 1);
    assert_eq!(app.get_blob(&manager, &sha(&a)).await.status(), 200);
    assert_json_error(app.get_blob(&manager, &sha(&b)).await, 404, "not_found").await;
}
