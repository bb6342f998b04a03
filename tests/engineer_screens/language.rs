//! A Chinese case page without English, and error details as translated reasons.

use std::collections::BTreeSet;

use chrono::Duration;
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use onsite::i18n::{Lang, EN};
use onsite_core::wire::Entity;
use onsite_core::{
    Case, CaseFlag, CheckResult, FaultAnalysis, Photo, Severity, TimeKind, TimelineEntry,
};
use uuid::Uuid;
use wasm_bindgen_test::*;

use crate::common::{attr, by_testid, el, mount_store_error, page, put, wait_until, ALICE};
use crate::{fix, inspection_case, seeded_store, t0, time_entry, Mounted};

/// ASCII words (2+ letters) in a text.
fn ascii_words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 2)
        .map(str::to_string)
        .collect()
}

/// A case with something in every section of the case page.
fn rich_case(id: Uuid) -> Case {
    let mut c = inspection_case(id);
    c.severity = Severity::new(1).unwrap();
    c.checklist[0].result = Some(CheckResult::Pass);
    c.checklist[1].result = Some(CheckResult::Fail);
    c.checklist[1].note = Some("noisy".into());
    c.fault_analysis = Some(FaultAnalysis {
        cause: "firmware".into(),
        impact: "ward".into(),
        prevention: "update".into(),
        by: ALICE,
        at: t0(),
    });
    let mut struck = time_entry(TimeKind::Travel, 0, 30);
    struck.superseded_by = Some(Uuid::from_u128(0x9));
    c.time_entries = vec![struck, time_entry(TimeKind::Work, 40, 75)];
    c.photos = vec![Photo {
        photo_id: Uuid::from_u128(0x501),
        sha256: "0".repeat(64),
        caption: None,
    }];
    c.flags = vec![
        CaseFlag::ClockSkew {
            mutation_id: None,
            event: "case.accept".into(),
            client_time: t0(),
            server_time: t0() + Duration::minutes(25),
        },
        CaseFlag::NegativeStock {
            part_no: "BAT".into(),
        },
        CaseFlag::ConflictingSignOff {
            signoff_id: Uuid::from_u128(0x9),
        },
        CaseFlag::SignedReportDiffers {
            signoff_id: Uuid::from_u128(0x9),
        },
    ];
    let entry = |event: &str, detail: Option<&str>| TimelineEntry {
        event: event.into(),
        actor_id: ALICE,
        client_time: t0(),
        server_time: Some(t0()),
        detail: detail.map(str::to_string),
    };
    c.timeline
        .push(entry("case.set_status", Some("on_hold: parts")));
    c.timeline
        .push(entry("case.set_status", Some("in_progress")));
    c.timeline.push(entry("case.check", Some("fan: fail")));
    c.timeline
        .push(entry("case.time_correct", Some("30 → 0 min")));
    c.timeline.push(entry("case.escalate", Some("1: help")));
    c
}

#[wasm_bindgen_test]
async fn chinese_case_page_shows_no_english() {
    let id = Uuid::from_u128(0x106);
    let case = rich_case(id);
    // Words the case's own data brings (names, addresses, notes as typed): allowed.
    let mut allowed = BTreeSet::new();
    for s in [
        case.number.as_str(),
        &case.title,
        &case.customer.name,
        &case.site.address,
        &case.product.model,
        "noisy parts help BAT",
        // the past fix's actions (fixture text)
        "Replaced the part",
    ] {
        allowed.extend(ascii_words(s));
    }
    for item in &case.checklist {
        allowed.extend(ascii_words(&item.text));
    }
    let fa = case.fault_analysis.clone().unwrap();
    for s in [&fa.cause, &fa.impact, &fa.prevention] {
        allowed.extend(ascii_words(s));
    }
    let fixes = vec![fix(0x601, "UPS-3000", "电池告警", "电池告警", "电池老化")];
    let store = seeded_store("zh", &[case], &[], &fixes).await;
    let standard = onsite_core::wire::PolicyRecord {
        policy: onsite_core::SlaPolicy::standard(),
        customers: vec![],
    };
    store
        .apply_pull(
            store.active_client().await.unwrap(),
            &page(vec![put(
                Entity::Policy,
                "standard",
                serde_json::to_value(&standard).unwrap(),
            )]),
        )
        .await
        .unwrap();

    // In English the page is full of words from the English table (so the check can fail)…
    let en = Mounted::new(store.clone(), id, Lang::En).await;
    wait_until("past fixes (en)", || {
        !by_testid(&en.root, "past-fix-row").is_empty()
    })
    .await;
    let en_words: BTreeSet<String> = ascii_words(&en.root.text_content().unwrap())
        .difference(&allowed)
        .cloned()
        .collect();
    let table_words: BTreeSet<String> = EN.iter().flat_map(|(_, v)| ascii_words(v)).collect();
    assert!(
        en_words.intersection(&table_words).count() > 20,
        "{en_words:?}"
    );

    // …in Chinese none is left.
    let zh = Mounted::new(store, id, Lang::Zh).await;
    wait_until("past fixes (zh)", || {
        !by_testid(&zh.root, "past-fix-row").is_empty()
    })
    .await;
    wait_until("photo state", || {
        !zh.root.text_content().unwrap().contains("Loading")
    })
    .await;
    for testid in [
        "checklist",
        "fault-analysis",
        "sla",
        "labour",
        "past-fixes",
        "photos",
        "timeline-entry",
    ] {
        assert!(!by_testid(&zh.root, testid).is_empty(), "{testid} rendered");
    }
    assert_eq!(by_testid(&zh.root, "case-flag").len(), 4);
    assert_eq!(attr(&el(&zh.root, "sla-policy"), "data-policy"), "standard");
    // The policy's severity-1 targets from the synced policies, in Chinese too.
    wait_until("policy targets", || {
        !by_testid(&zh.root, "sla-targets").is_empty()
    })
    .await;
    assert_eq!(
        attr(&el(&zh.root, "sla-targets"), "data-respond-minutes"),
        "30"
    );
    let text = zh.root.text_content().unwrap();
    let english: BTreeSet<String> = ascii_words(&text).difference(&allowed).cloned().collect();
    assert!(
        english.is_empty(),
        "English words on the Chinese case page: {english:?}"
    );
    for phrase in [
        "Inspection checklist",
        "Fault analysis",
        "Service policy",
        "on_hold",
        "in_progress",
    ] {
        assert!(!text.contains(phrase), "{phrase} on the Chinese page");
    }
    let words = ascii_words(&text);
    for word in [
        "Standard", "standard", "Pass", "pass", "fail", "min", "Travel", "Work",
    ] {
        assert!(!words.contains(word), "{word} on the Chinese page");
    }
}

#[wasm_bindgen_test]
async fn error_details_are_translated_reasons_not_english_text() {
    use onsite::store::StoreErrorKind;
    let (root, error) = mount_store_error(
        Lang::Zh,
        StoreErrorKind::Rejected(onsite_core::RejectionCode::NotAssignee),
        "not_assignee: case SR-0000002a is not assigned to you",
    )
    .await;
    let banner = el(&root, "error-banner");
    assert_eq!(attr(&banner, "data-reason"), "rejection.not_assignee");
    let text = banner.text_content().unwrap();
    assert!(
        text.contains(onsite::i18n::lookup(Lang::Zh, "rejection.not_assignee")),
        "{text}"
    );
    assert!(!text.contains("assigned"), "{text}");
    assert!(ascii_words(&text).is_empty(), "{text}");

    // A photo that is not an image: a translated reason, the browser's message kept aside.
    let not_image = web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(
        &js_sys::Uint8Array::from(&b"hello"[..]),
    ))
    .unwrap();
    let e = onsite::components::photos::resize_to_jpeg(&not_image)
        .await
        .unwrap_err();
    assert_eq!(e.key, "photo.error");
    assert_eq!(e.reason, Some("photo.reason.decode"));
    assert!(e.detail.is_some());
    error.set(Some(e));
    tick().await;
    let text = el(&root, "error-banner").text_content().unwrap();
    assert!(ascii_words(&text).is_empty(), "{text}");
}

/// A case page switched to Chinese while it is open: every text follows, also those made of
/// the case's data (the warranty's date, the signer, the time of the fault analysis).
#[wasm_bindgen_test]
async fn a_case_page_switched_to_chinese_in_place_shows_no_english() {
    use onsite::i18n::use_i18n;
    let id = Uuid::from_u128(0x107);
    let mut case = rich_case(id);
    case.product.warranty_until = chrono::NaiveDate::from_ymd_opt(2030, 1, 31);
    case.sign_off = Some(onsite_core::SignOff {
        signoff_id: Uuid::from_u128(0x108),
        signer_name: "Wang".into(),
        signed_at: t0(),
        satisfaction: Some(4),
        signature_sha256: None,
        unsigned_reason: None,
        report_sha256: String::new(),
        comment: None,
    });
    let mut allowed = BTreeSet::new();
    for s in [
        case.number.as_str(),
        &case.title,
        &case.customer.name,
        &case.site.address,
        &case.product.model,
        "noisy parts help BAT Wang firmware ward update Replaced the part",
    ] {
        allowed.extend(ascii_words(s));
    }
    for item in &case.checklist {
        allowed.extend(ascii_words(&item.text));
    }
    let fixes = vec![fix(0x602, "UPS-3000", "电池告警", "电池告警", "电池老化")];
    let store = seeded_store("zh-in-place", &[case.clone()], &[], &fixes).await;
    let root = crate::common::container();
    let i18n_of_page = RwSignal::new(None);
    let s = store.clone();
    mount_to(root.clone(), move || {
        crate::common::provide_app(&s, crate::alice(), Lang::En);
        i18n_of_page.set(Some(use_i18n()));
        view! { <onsite::pages::case_detail::CaseDetail case=case.clone() /> }
    })
    .forget();
    wait_until("past fixes", || {
        !by_testid(&root, "past-fix-row").is_empty()
    })
    .await;
    assert!(el(&root, "signed-by")
        .text_content()
        .unwrap()
        .contains("Signed"));

    let i18n = i18n_of_page.get_untracked().unwrap();
    i18n.set(Lang::Zh, || {
        panic!("the Chinese table is in the test build")
    });
    let english = || -> BTreeSet<String> {
        ascii_words(&root.text_content().unwrap())
            .difference(&allowed)
            .cloned()
            .collect()
    };
    wait_until("the page in Chinese", || english().is_empty()).await;
    assert!(english().is_empty(), "{:?}", english());
    i18n.set(Lang::En, || {});
    root.remove();
}

/// The timeline names people as the device knows them: who assigned the case to whom.
#[wasm_bindgen_test]
async fn the_timeline_names_the_engineer_a_case_was_assigned_to() {
    use crate::common::{user, user_change, BOB};
    let id = Uuid::from_u128(0x109);
    let manager = Uuid::from_u128(0x10a);
    let mut case = inspection_case(id);
    case.timeline.push(TimelineEntry {
        event: "case.assign".into(),
        actor_id: manager,
        client_time: t0(),
        server_time: Some(t0()),
        detail: Some(BOB.to_string()),
    });
    let store = seeded_store("timeline-names", &[case], &[], &[]).await;
    crate::common::seed(
        &store,
        vec![
            user_change(&user(BOB, "Bob Tan", onsite_core::Role::Engineer)),
            user_change(&user(manager, "Mia Desk", onsite_core::Role::Manager)),
        ],
    )
    .await;
    let m = Mounted::new(store, id, Lang::En).await;
    wait_until("the names", || {
        by_testid(&m.root, "timeline-entry").iter().any(|e| {
            let t = e.text_content().unwrap_or_default();
            t.contains("Bob Tan") && t.contains("Mia Desk")
        })
    })
    .await;
    assert!(!m.root.text_content().unwrap().contains(&BOB.to_string()));
}
