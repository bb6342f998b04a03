//! A Chinese case page without English, and error details as translated reasons.

use std::collections::BTreeSet;

use chrono::Duration;
use leptos::prelude::*;
use leptos::task::tick;
use onsite::i18n::{Lang, EN};
use onsite_core::wire::PolicyRecord;
use onsite_core::{
    Case, CaseFlag, CheckResult, FaultAnalysis, Photo, Severity, SignOff, SlaPolicy, TimeKind,
    TimelineEntry,
};
use uuid::Uuid;
use wasm_bindgen_test::*;

use crate::common::{
    attr, by_testid, el, mount_app, mount_store_error, policy_change, seed, sign_off, text, user,
    user_change, wait_until, ALICE, BOB,
};
use crate::{alice, fix, inspection_case, seeded_store, t0, time_entry, Mounted};

/// ASCII words (2+ letters) in a text.
fn ascii_words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 2)
        .map(str::to_string)
        .collect()
}

/// The words the case page may show in Chinese too: `case`'s own data (number, title,
/// customer, address, model, checklist texts, fault analysis) and those of `extra`.
fn allowed_words(case: &Case, extra: &str) -> BTreeSet<String> {
    let mut texts = vec![
        case.number.as_str(),
        &case.title,
        &case.customer.name,
        &case.site.address,
        &case.product.model,
        extra,
    ];
    texts.extend(case.checklist.iter().map(|i| i.text.as_str()));
    if let Some(fa) = &case.fault_analysis {
        texts.extend([fa.cause.as_str(), &fa.impact, &fa.prevention]);
    }
    texts.into_iter().flat_map(ascii_words).collect()
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
    for (event, detail) in [
        ("case.set_status", "on_hold: parts"),
        ("case.set_status", "in_progress"),
        ("case.check", "fan: fail"),
        ("case.time_correct", "30 → 0 min"),
        ("case.escalate", "1: help"),
    ] {
        c.timeline.push(entry(event, Some(detail)));
    }
    c
}

#[wasm_bindgen_test]
async fn chinese_case_page_shows_no_english() {
    let id = Uuid::from_u128(0x106);
    let case = rich_case(id);
    // Words the case's own data brings (names, addresses, notes as typed, the past fix's
    // actions): allowed.
    let allowed = allowed_words(&case, "noisy parts help BAT Replaced the part");
    let fixes = vec![fix(0x601, "UPS-3000", "电池告警", "电池告警", "电池老化")];
    let store = seeded_store("zh", &[case], &[], &fixes).await;
    let standard = PolicyRecord {
        policy: SlaPolicy::standard(),
        customers: vec![],
    };
    seed(&store, vec![policy_change(&standard)]).await;

    // In English the page is full of words from the English table (so the check can fail)…
    let en = Mounted::new(store.clone(), id, Lang::En).await;
    let has = |root: &web_sys::HtmlElement, testid: &str| !by_testid(root, testid).is_empty();
    wait_until("past fixes (en)", || has(&en.root, "past-fix-row")).await;
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
    wait_until("past fixes (zh)", || has(&zh.root, "past-fix-row")).await;
    wait_until("photo state", || {
        !zh.root.text_content().unwrap().contains("Loading")
    })
    .await;
    let sections = "checklist fault-analysis sla labour past-fixes photos timeline-entry";
    for testid in sections.split(' ') {
        assert!(has(&zh.root, testid), "{testid} rendered");
    }
    assert_eq!(by_testid(&zh.root, "case-flag").len(), 4);
    assert_eq!(attr(&el(&zh.root, "sla-policy"), "data-policy"), "standard");
    // The policy's severity-1 targets from the synced policies, in Chinese too.
    wait_until("policy targets", || has(&zh.root, "sla-targets")).await;
    let respond = attr(&el(&zh.root, "sla-targets"), "data-respond-minutes");
    assert_eq!(respond, "30");
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
    for word in "Standard standard Pass pass fail min Travel Work".split(' ') {
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
    let reason = attr(&el(&root, "error-banner"), "data-reason");
    assert_eq!(reason, "rejection.not_assignee");
    let shown = text(&root, "error-banner");
    let reason = onsite::i18n::lookup(Lang::Zh, "rejection.not_assignee");
    assert!(shown.contains(reason), "{shown}");
    assert!(!shown.contains("assigned"), "{shown}");
    assert!(ascii_words(&shown).is_empty(), "{shown}");

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
    let shown = text(&root, "error-banner");
    assert!(ascii_words(&shown).is_empty(), "{shown}");
}

/// A case page switched to Chinese while it is open: every text follows, also those made of
/// the case's data (the warranty's date, the signer, the time of the fault analysis).
#[wasm_bindgen_test]
async fn a_case_page_switched_to_chinese_in_place_shows_no_english() {
    use onsite::i18n::use_i18n;
    let id = Uuid::from_u128(0x107);
    let mut case = rich_case(id);
    case.product.warranty_until = chrono::NaiveDate::from_ymd_opt(2030, 1, 31);
    case.sign_off = Some(SignOff {
        report_sha256: String::new(),
        ..sign_off(&case, "Wang", None, Some(4), t0())
    });
    let allowed = allowed_words(&case, "noisy parts help BAT Wang Replaced the part");
    let fixes = vec![fix(0x602, "UPS-3000", "电池告警", "电池告警", "电池老化")];
    let store = seeded_store("zh-in-place", &[case.clone()], &[], &fixes).await;
    let i18n_of_page = RwSignal::new(None);
    let (root, _) = mount_app(store, alice(), true, move || {
        i18n_of_page.set(Some(use_i18n()));
        view! { <onsite::pages::case_detail::CaseDetail case=case /> }
    });
    wait_until("past fixes", || {
        !by_testid(&root, "past-fix-row").is_empty()
    })
    .await;
    assert!(text(&root, "signed-by").contains("Signed"));

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
    let bob = user(BOB, "Bob Tan", onsite_core::Role::Engineer);
    let desk = user(manager, "Mia Desk", onsite_core::Role::Manager);
    seed(&store, vec![user_change(&bob), user_change(&desk)]).await;
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
