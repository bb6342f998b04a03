//! The review queue: what the engineer did, then close or reopen.

use chrono::{Duration, TimeZone, Utc};
use leptos::prelude::*;
use leptos::task::tick;
use onsite::store::{hash_blob, Store};
use onsite_core::{CaseFlag, CaseStatus, PartUsage, Photo, Severity, SignOff};
use serde_json::json;
use uuid::Uuid;
use wasm_bindgen_test::*;
use web_sys::Element;

use crate::common::{
    assert_entry, attr, attrs, by_testid, click, el, mount_app, part_qtys, part_usage, seed_cases,
    server_case, set_value, sign_off, text, unique_db, wait_count, wait_until, BOB,
};
use crate::{completed, manager};

/// 1×1 PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

#[wasm_bindgen_test]
async fn review_queue_shows_the_work_and_close_records_case_close() {
    use onsite::components::signature_pad::base64_decode;
    use onsite::pages::ReviewPage;
    let store = Store::open_named(&unique_db("review")).await.unwrap();
    let t = Utc.with_ymd_and_hms(2026, 11, 3, 10, 0, 0).unwrap();
    let png = base64_decode(PNG).unwrap();
    let sig_sha = hash_blob(&png);
    let photo_bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3];
    let photo_sha = hash_blob(&photo_bytes);
    store.cache_blob(&sig_sha, &png).await.unwrap();
    store.cache_blob(&photo_sha, &photo_bytes).await.unwrap();

    // Completed later: second in the queue.
    let mut work = completed(0x51, t + Duration::hours(5));
    let usage = Uuid::from_u128(0x501);
    work.parts = vec![
        PartUsage {
            returned_defective: true,
            ..part_usage(usage, "BAT-12V9", 3, t)
        },
        // A correction: net 2.
        PartUsage {
            corrects: Some(usage),
            ..part_usage(Uuid::from_u128(0x502), "BAT-12V9", -1, t)
        },
        part_usage(Uuid::from_u128(0x503), "FUSE-10A", 1, t),
    ];
    work.time_entries = serde_json::from_value(serde_json::json!([
        {"entry_id": Uuid::from_u128(0x601), "kind": "travel",
         "start": "2026-11-03T08:00:00Z", "end": "2026-11-03T08:40:00Z"},
        {"entry_id": Uuid::from_u128(0x602), "kind": "work",
         "start": "2026-11-03T09:00:00Z", "end": "2026-11-03T10:30:00Z"},
        // Struck out by a correction: does not count.
        {"entry_id": Uuid::from_u128(0x603), "kind": "work",
         "start": "2026-11-03T11:00:00Z", "end": "2026-11-03T12:00:00Z",
         "superseded_by": Uuid::from_u128(0x604)}
    ]))
    .unwrap();
    work.photos = vec![Photo {
        photo_id: Uuid::from_u128(0x701),
        sha256: photo_sha.clone(),
        caption: Some("Old batteries".into()),
    }];
    work.sign_off = Some(SignOff {
        comment: Some("Quick and tidy".into()),
        ..sign_off(
            &work,
            "Li Wei",
            Some(&sig_sha),
            Some(4),
            t + Duration::hours(5),
        )
    });
    work.flags = vec![CaseFlag::ClockSkew {
        mutation_id: None,
        event: "case.accept".into(),
        client_time: t,
        server_time: t + Duration::hours(1),
    }];

    // Completed first: severity 1 without a fault analysis — it cannot be closed yet.
    let mut sev1 = completed(0x52, t + Duration::hours(1));
    sev1.severity = Severity::new(1).unwrap();
    // Not completed: not in the queue.
    let busy = server_case(Uuid::from_u128(0x53), BOB, CaseStatus::InProgress);
    seed_cases(&store, &[work.clone(), sev1.clone(), busy]).await;

    let (root, _state) = mount_app(store.clone(), manager(), false, || view! { <ReviewPage /> });
    wait_count(&root, "review-row", 2).await;
    // Oldest first.
    assert_eq!(
        attrs(&root, "review-row", "data-case-id"),
        vec![sev1.id.to_string(), work.id.to_string()]
    );
    assert_eq!(attr(&el(&root, "review-count"), "data-count"), "2");

    let row = |id: Uuid| -> Element {
        root.query_selector(&format!("[data-testid='review-row'][data-case-id='{id}']"))
            .unwrap()
            .unwrap_or_else(|| panic!("no review row {id}"))
    };
    let w = row(work.id);
    // Parts: net quantities per part number, corrections folded in.
    assert_eq!(
        part_qtys(&w, "review-part"),
        vec![
            ("BAT-12V9".to_string(), "2".to_string()),
            ("FUSE-10A".to_string(), "1".to_string())
        ]
    );
    // Labour: live entries only (40 min travel, 90 min work).
    assert_eq!(attr(&el(&w, "review-travel"), "data-minutes"), "40");
    assert_eq!(attr(&el(&w, "charges"), "data-charges"), "not_on_record");
    assert_eq!(attr(&el(&w, "review-work"), "data-minutes"), "90");
    assert_eq!(text(&w, "review-work"), "1 h 30 min");
    // Report, signer, satisfaction, flags.
    assert!(w
        .text_content()
        .unwrap()
        .contains("Battery string worn out"));
    assert_eq!(attr(&el(&w, "shown-result"), "data-result"), "resolved");
    assert!(text(&w, "review-signer").contains("Li Wei"));
    assert_eq!(attr(&el(&w, "review-satisfaction"), "data-value"), "4");
    assert_eq!(attrs(&w, "review-flag", "data-flag"), vec!["clock_skew"]);
    // The signature and the photo come from the blobs store (offline here).
    wait_until("the signature image", || {
        by_testid(&w, "review-signature")
            .first()
            .map(|e| attr(e, "data-loaded") == "true" && e.tag_name() == "IMG")
            .unwrap_or(false)
    })
    .await;
    let sig = el(&w, "review-signature");
    assert_eq!(attr(&sig, "data-sha256"), sig_sha);
    assert!(attr(&sig, "src").starts_with("blob:"));
    wait_until("the photo thumbnail", || {
        attrs(&w, "photo-thumb", "data-loaded") == vec!["true"]
    })
    .await;

    // Severity 1 without fault analysis: says why, and offers no close.
    let s = row(sev1.id);
    assert_eq!(by_testid(&s, "review-needs-fault-analysis").len(), 1);
    assert!(by_testid(&s, "review-close").is_empty());
    assert_eq!(by_testid(&s, "review-reopen").len(), 1);
    assert!(by_testid(&w, "review-needs-fault-analysis").is_empty());

    // Close: recorded through the one write path (case + outbox entry).
    el(&w, "review-close").click();
    wait_count(&root, "review-row", 1).await;
    let pending = store.pending(10).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_entry(&pending[0], "case.close", json!({ "case_id": work.id }));
    let status = |id| {
        let store = &store;
        async move { store.case(id).await.unwrap().unwrap().status }
    };
    assert_eq!(status(work.id).await, CaseStatus::Closed);

    // Reopen asks for a reason first.
    let s = row(sev1.id);
    click(&s, "review-reopen").await;
    assert!(el(&s, "review-reopen-confirm").has_attribute("disabled"));
    set_value(&el(&s, "review-reason"), "Customer still sees the alarm");
    tick().await;
    el(&s, "review-reopen-confirm").click();
    wait_count(&root, "review-empty", 1).await;
    let pending = store.pending(10).await.unwrap();
    assert_eq!(pending.len(), 2);
    let reason = json!({ "reason": "Customer still sees the alarm" });
    assert_entry(&pending[1], "case.reopen", reason);
    assert_eq!(status(sev1.id).await, CaseStatus::InProgress);
}
