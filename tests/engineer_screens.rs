//! Engineer screens (issue 4, part 2): the printable report, the inspection checklist, the
//! fault analysis, time corrections, past fixes and a Chinese case page without English.
//! Each test mounts the real components over a real IndexedDB store and checks what was
//! recorded in the outbox (the one write path) and what the page shows.
//! Run: CHROMEDRIVER=/usr/bin/chromedriver cargo test -p onsite --target wasm32-unknown-unknown --test engineer_screens

#![cfg(target_arch = "wasm32")]

use std::collections::BTreeSet;

use chrono::{Duration, TimeZone, Utc};
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use onsite::i18n::{Lang, EN};
use onsite::pages::case_detail::CaseDetail;
use onsite::store::{hash_blob, OutboxEntry, Store};
use onsite_core::knowledge::{PastFix, PastFixPart};
use onsite_core::wire::{Change, Entity, UserInfo};
use onsite_core::{
    Case, CaseFlag, CaseStatus, Category, CheckResult, ChecklistItem, FaultAnalysis, Part,
    PartUsage, Photo, RepairResult, Role, Severity, SignOff, TimeEntry, TimeKind, TimelineEntry,
};
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

mod common;

use common::{
    all, attr, by_testid, case_change, container, el, mount_store_error, page, part_change,
    part_qtys, part_usage, provide_app, put, server_case, type_into, unique_db, user, wait_until,
    ALICE,
};

wasm_bindgen_test_configure!(run_in_browser);

fn alice() -> UserInfo {
    user(ALICE, "Alice", Role::Engineer)
}

/// A store holding `cases` (as the server sent them), `parts` and `fixes`.
async fn seeded_store(tag: &str, cases: &[Case], parts: &[Part], fixes: &[PastFix]) -> Store {
    let store = Store::open_named(&unique_db(tag)).await.unwrap();
    let mut changes: Vec<Change> = cases.iter().map(case_change).collect();
    changes.extend(parts.iter().map(part_change));
    changes.extend(fixes.iter().map(|f| {
        put(
            Entity::PastFix,
            &f.case_id.to_string(),
            serde_json::to_value(f).unwrap(),
        )
    }));
    store.apply_pull(&page(changes)).await.unwrap();
    store
}

/// Mounts the case page over the store; `reload` re-reads the case from the store and
/// re-renders (as a sync or a write does in the app).
struct Mounted {
    root: HtmlElement,
    store: Store,
    case_id: Uuid,
    shown: RwSignal<Option<Case>>,
}

/// Mounts `view` over `store`, signed in as alice, in English.
fn mount_as_alice<V: IntoView + 'static>(
    store: &Store,
    view: impl FnOnce() -> V + 'static,
) -> HtmlElement {
    let root = container();
    let s = store.clone();
    mount_to(root.clone(), move || {
        provide_app(&s, alice(), Lang::En);
        view()
    })
    .forget();
    root
}

impl Mounted {
    async fn new(store: Store, case_id: Uuid, lang: Lang) -> Mounted {
        let root = container();
        let shown: RwSignal<Option<Case>> = RwSignal::new(None);
        let s = store.clone();
        mount_to(root.clone(), move || {
            provide_app(&s, alice(), lang);
            move || shown.get().map(|c| view! { <CaseDetail case=c /> })
        })
        .forget();
        let m = Mounted {
            root,
            store,
            case_id,
            shown,
        };
        m.reload().await;
        m
    }

    async fn reload(&self) {
        let c = self.store.case(self.case_id).await.unwrap().expect("case");
        self.shown.set(Some(c));
        tick().await;
    }

    async fn outbox(&self) -> Vec<OutboxEntry> {
        self.store.pending(100).await.unwrap()
    }

    /// Waits for the outbox to reach `n` entries and returns them.
    async fn wait_outbox(&self, n: usize) -> Vec<OutboxEntry> {
        common::wait_outbox(&self.store, n).await
    }
}

fn t0() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
}

fn time_entry(kind: TimeKind, start_min: i64, mins: i64) -> TimeEntry {
    TimeEntry {
        entry_id: Uuid::new_v4(),
        kind,
        start: t0() + Duration::minutes(start_min),
        end: t0() + Duration::minutes(start_min + mins),
        corrects: None,
        superseded_by: None,
    }
}

fn inspection_case(id: Uuid) -> Case {
    let mut c = server_case(id, ALICE, CaseStatus::InProgress);
    c.title = "Quarterly UPS inspection".into();
    c.checklist = vec![
        ChecklistItem {
            item_id: "battery".into(),
            text: "Battery terminals clean and tight".into(),
            result: None,
            note: None,
        },
        ChecklistItem {
            item_id: "fan".into(),
            text: "Cooling fan runs quietly".into(),
            result: None,
            note: None,
        },
    ];
    c
}

#[wasm_bindgen_test]
async fn checklist_answers_record_case_check_and_a_failed_item_opens_a_follow_up() {
    let id = Uuid::from_u128(0x101);
    let store = seeded_store("checklist", &[inspection_case(id)], &[], &[]).await;
    let m = Mounted::new(store, id, Lang::En).await;

    let items = by_testid(&m.root, "checklist-item");
    assert_eq!(items.len(), 2);
    assert_eq!(attr(&items[0], "data-item-id"), "battery");
    assert_eq!(attr(&items[0], "data-result"), "");
    assert!(
        by_testid(&m.root, "check-follow-up").is_empty(),
        "nothing failed yet"
    );

    // Pass the first item.
    el(&items[0], "check-pass").click();
    let o = m.wait_outbox(1).await;
    assert_eq!(o[0].name, "case.check");
    assert_eq!(o[0].args["item_id"], "battery");
    assert_eq!(o[0].args["result"], "pass");
    // The page takes one write at a time: its buttons are disabled until the first one is
    // done. Wait for that (a click on a disabled button goes nowhere).
    let fail = el(&items[1], "check-fail");
    wait_until("the answer buttons enabled again", || {
        !fail.has_attribute("disabled")
    })
    .await;

    // Fail the second one with a note: the note is saved with the result.
    type_into(&el(&items[1], "check-note"), "bearing noise at full load");
    el(&items[1], "check-fail").click();
    let o = m.wait_outbox(2).await;
    assert_eq!(o[1].name, "case.check");
    assert_eq!(o[1].args["item_id"], "fan");
    assert_eq!(o[1].args["result"], "fail");
    assert_eq!(o[1].args["note"], "bearing noise at full load");

    // The stored case has both answers; the page shows them and offers the follow-up.
    let stored = m.store.case(id).await.unwrap().unwrap();
    assert_eq!(stored.checklist[0].result, Some(CheckResult::Pass));
    assert_eq!(stored.checklist[1].result, Some(CheckResult::Fail));
    m.reload().await;
    let items = by_testid(&m.root, "checklist-item");
    assert_eq!(attr(&items[0], "data-result"), "pass");
    assert_eq!(attr(&items[1], "data-result"), "fail");
    let follow = by_testid(&m.root, "check-follow-up");
    assert_eq!(follow.len(), 1, "only the failed item offers a follow-up");
    assert!(
        all(&items[1], "[data-testid='check-follow-up']").len() == 1,
        "on the failed item"
    );
    follow[0].click();
    let o = m.wait_outbox(3).await;
    assert_eq!(o[2].name, "case.follow_up");
    let leftover = o[2].args["leftover"].as_str().unwrap();
    assert!(
        leftover.contains("Cooling fan runs quietly")
            && leftover.contains("bearing noise at full load"),
        "{leftover}"
    );
    let new_id: Uuid = serde_json::from_value(o[2].args["new_case_id"].clone()).unwrap();
    let stored = m.store.case(id).await.unwrap().unwrap();
    assert_eq!(stored.follow_ups, vec![new_id]);
    let follow_up = m.store.case(new_id).await.unwrap().expect("follow-up case");
    assert_eq!(follow_up.follow_up_of, Some(id));
}

#[wasm_bindgen_test]
async fn fault_analysis_form_records_case_fault_analysis_on_a_severity_1_case() {
    let id = Uuid::from_u128(0x102);
    let mut c = server_case(id, ALICE, CaseStatus::InProgress);
    c.severity = Severity::new(1).unwrap();
    let mut minor = server_case(Uuid::from_u128(0x103), ALICE, CaseStatus::InProgress);
    minor.severity = Severity::new(3).unwrap();
    let store = seeded_store("fault", &[c, minor], &[], &[]).await;

    // Severity 3: no fault-analysis form.
    let m3 = Mounted::new(store.clone(), Uuid::from_u128(0x103), Lang::En).await;
    assert!(by_testid(&m3.root, "fault-analysis").is_empty());

    let m = Mounted::new(store, id, Lang::En).await;
    let form = el(&m.root, "fault-analysis");
    assert_eq!(attr(&form, "data-recorded"), "false");
    // Incomplete: nothing is recorded, the form says why.
    type_into(&el(&m.root, "fault-cause"), "UPS firmware bug");
    el(&m.root, "fault-save").click();
    tick().await;
    assert_eq!(
        attr(&el(&m.root, "fault-error"), "data-error"),
        "fault.need_all"
    );
    assert!(m.outbox().await.is_empty());

    type_into(
        &el(&m.root, "fault-impact"),
        "Hospital wing without power 40 min",
    );
    type_into(
        &el(&m.root, "fault-prevention"),
        "Firmware 2.1 on all units",
    );
    el(&m.root, "fault-save").click();
    let o = m.wait_outbox(1).await;
    assert_eq!(o[0].name, "case.fault_analysis");
    assert_eq!(o[0].args["cause"], "UPS firmware bug");
    assert_eq!(o[0].args["impact"], "Hospital wing without power 40 min");
    assert_eq!(o[0].args["prevention"], "Firmware 2.1 on all units");
    // Shown filled once recorded.
    m.reload().await;
    assert_eq!(
        attr(&el(&m.root, "fault-analysis"), "data-recorded"),
        "true"
    );
    // (Leptos sets `prop:value` of a re-rendered view a moment later.)
    wait_until("the recorded cause shown", || {
        el(&m.root, "fault-cause")
            .unchecked_into::<web_sys::HtmlTextAreaElement>()
            .value()
            == "UPS firmware bug"
    })
    .await;
}

/// The list item of time entry `entry_id`.
fn entry_li(root: &HtmlElement, entry_id: Uuid) -> web_sys::Element {
    all(
        root,
        &format!("[data-testid='time-entry'][data-entry-id='{entry_id}']"),
    )
    .remove(0)
}

fn minutes_of(root: &HtmlElement, testid: &str) -> String {
    attr(&el(root, testid), "data-minutes")
}

#[wasm_bindgen_test]
async fn time_corrections_record_case_time_correct_and_change_the_totals() {
    use onsite::components::labour::{time_totals, to_local_input};
    let id = Uuid::from_u128(0x104);
    let mut c = server_case(id, ALICE, CaseStatus::InProgress);
    let travel = time_entry(TimeKind::Travel, 0, 30);
    let work = time_entry(TimeKind::Work, 40, 60);
    c.time_entries = vec![travel.clone(), work.clone()];
    let store = seeded_store("timecorrect", &[c], &[], &[]).await;
    let m = Mounted::new(store, id, Lang::En).await;
    assert_eq!(minutes_of(&m.root, "time-total-travel"), "30");
    assert_eq!(minutes_of(&m.root, "time-total-work"), "60");
    assert_eq!(by_testid(&m.root, "time-entry-edit").len(), 2);

    // Remove the travel entry: struck out, not deleted.
    let travel_li = entry_li(&m.root, travel.entry_id);
    el(&travel_li, "time-entry-remove").click();
    let o = m.wait_outbox(1).await;
    assert_eq!(o[0].name, "case.time_correct");
    assert_eq!(o[0].args["corrects"], travel.entry_id.to_string());
    assert!(o[0].args.get("start").is_none() && o[0].args.get("end").is_none());
    m.reload().await;
    assert_eq!(minutes_of(&m.root, "time-total-travel"), "0");
    assert_eq!(minutes_of(&m.root, "time-total-work"), "60");
    let travel_li = entry_li(&m.root, travel.entry_id);
    assert_eq!(attr(&travel_li, "data-superseded"), "true");
    assert!(
        all(&travel_li, "[data-testid='time-entry-edit']").is_empty(),
        "a struck-out entry cannot be corrected again"
    );

    // Edit the work entry to 90 minutes.
    let work_li = entry_li(&m.root, work.entry_id);
    el(&work_li, "time-entry-edit").click();
    let prefilled = to_local_input(work.start);
    wait_until("the edit form prefilled", || {
        by_testid(&m.root, "time-edit-start")
            .first()
            .is_some_and(|e| e.unchecked_ref::<web_sys::HtmlInputElement>().value() == prefilled)
    })
    .await;
    type_into(
        &el(&m.root, "time-edit-end"),
        &to_local_input(work.start + Duration::minutes(90)),
    );
    el(&m.root, "time-edit-save").click();
    let o = m.wait_outbox(2).await;
    assert_eq!(o[1].name, "case.time_correct");
    assert_eq!(o[1].args["corrects"], work.entry_id.to_string());
    let end: chrono::DateTime<Utc> = serde_json::from_value(o[1].args["end"].clone()).unwrap();
    assert_eq!(end, work.start + Duration::minutes(90));
    m.reload().await;
    assert_eq!(minutes_of(&m.root, "time-total-work"), "90");
    assert_eq!(minutes_of(&m.root, "time-total-travel"), "0");
    let stored = m.store.case(id).await.unwrap().unwrap();
    assert_eq!(stored.labour_minutes(), (0, 90));
    assert_eq!(time_totals(&stored.time_entries), stored.labour_minutes());
    assert_eq!(stored.time_entries.len(), 3, "kept, never edited in place");
}

fn fix(n: u128, model: &str, title: &str, symptom: &str, cause: &str) -> PastFix {
    PastFix {
        case_id: Uuid::from_u128(n),
        number: Case::number_for(Uuid::from_u128(n)),
        title: title.into(),
        product_model: model.into(),
        category: Category::SystemFault,
        severity: Severity::new(2).unwrap(),
        symptom: symptom.into(),
        cause: cause.into(),
        actions: "Replaced the part".into(),
        result: RepairResult::Resolved,
        parts: vec![PastFixPart {
            part_no: format!("P-{n}"),
            qty: 1,
        }],
        resolved_at: Some(t0() - Duration::days(n as i64)),
        engineer_id: Some(ALICE),
    }
}

fn row_ids(root: &HtmlElement) -> Vec<Uuid> {
    by_testid(root, "past-fix-row")
        .iter()
        .map(|r| Uuid::parse_str(&attr(r, "data-case-id")).unwrap())
        .collect()
}

#[wasm_bindgen_test]
async fn past_fixes_are_searched_by_symptom_word_and_chinese_substring() {
    use onsite::components::PastFixes;
    use onsite::pages::KnowledgePage;
    let fixes = vec![
        fix(
            0x201,
            "UPS-3000",
            "Alarm on battery",
            "Battery alarm beeps every minute",
            "Worn battery",
        ),
        fix(
            0x202,
            "UPS-3000",
            "输出不稳",
            "输出电压不稳定，风扇异响",
            "风扇轴承磨损",
        ),
        fix(
            0x203,
            "PRN-10",
            "Printer battery",
            "Clock battery empty, alarm",
            "Old cell",
        ),
    ];
    let store = seeded_store("pastfix", &[], &[], &fixes).await;

    // Case page: only the same model.
    let root = mount_as_alice(
        &store,
        move || view! { <PastFixes case_id=Uuid::from_u128(0x42) model="ups-3000".to_string() /> },
    );
    wait_until("past fixes load", || {
        by_testid(&root, "past-fix-row").len() == 2
    })
    .await;
    let search = el(&root, "past-fix-search");
    type_into(&search, "ALARM");
    tick().await;
    assert_eq!(
        row_ids(&root),
        vec![Uuid::from_u128(0x201)],
        "word match, case-insensitive, same model only"
    );
    type_into(&search, "风扇");
    tick().await;
    assert_eq!(row_ids(&root), vec![Uuid::from_u128(0x202)]);
    type_into(&search, "电压不稳");
    tick().await;
    assert_eq!(row_ids(&root), vec![Uuid::from_u128(0x202)]);
    type_into(&search, "printer");
    tick().await;
    assert!(row_ids(&root).is_empty(), "another model's fix");
    assert!(!by_testid(&root, "past-fix-none").is_empty());

    // /knowledge: every model.
    let root = mount_as_alice(&store, move || view! { <KnowledgePage /> });
    wait_until("all past fixes", || {
        by_testid(&root, "past-fix-row").len() == 3
    })
    .await;
    type_into(&el(&root, "past-fix-search"), "battery alarm");
    tick().await;
    let got: BTreeSet<Uuid> = row_ids(&root).into_iter().collect();
    assert_eq!(
        got,
        [Uuid::from_u128(0x201), Uuid::from_u128(0x203)]
            .into_iter()
            .collect()
    );
    type_into(&el(&root, "past-fix-search"), "轴承");
    tick().await;
    assert_eq!(row_ids(&root), vec![Uuid::from_u128(0x202)]);
}

/// A tiny valid PNG (1×1) for the signature blob.
fn png() -> Vec<u8> {
    let canvas: web_sys::HtmlCanvasElement = document()
        .create_element("canvas")
        .unwrap()
        .unchecked_into();
    canvas.set_width(4);
    canvas.set_height(2);
    onsite::components::signature_pad::canvas_png(&canvas).unwrap()
}

fn signed_case(id: Uuid, signature: &str) -> Case {
    let mut c = server_case(id, ALICE, CaseStatus::Completed);
    c.status = CaseStatus::Completed;
    c.product.serial = Some("SN-77812".into());
    c.product.warranty_until = Some(chrono::NaiveDate::from_ymd_opt(2027, 6, 30).unwrap());
    c.report.symptom = Some("Alarm beeps".into());
    c.report.cause = Some("Worn battery".into());
    c.report.actions = Some("Replaced the battery pack".into());
    c.report.result = Some(RepairResult::Resolved);
    c.parts = vec![
        PartUsage {
            serial_fitted: Some("B-991".into()),
            returned_defective: true,
            ..part_usage(Uuid::from_u128(0x301), "BAT-12V9", 2, t0())
        },
        part_usage(Uuid::from_u128(0x302), "FUSE-10A", 1, t0()),
    ];
    c.time_entries = vec![
        time_entry(TimeKind::Travel, 0, 25),
        time_entry(TimeKind::Work, 30, 70),
    ];
    c.sla.responded_at = Some(t0() + Duration::minutes(10));
    c.sla.resolved_at = Some(t0() + Duration::hours(3));
    let report_sha256 = c.report_sha256();
    c.sign_off = Some(SignOff {
        signoff_id: Uuid::from_u128(0x303),
        signer_name: "Li Wei".into(),
        signature_sha256: Some(signature.into()),
        unsigned_reason: None,
        report_sha256,
        satisfaction: Some(5),
        comment: None,
        signed_at: t0() + Duration::hours(3),
    });
    c
}

#[wasm_bindgen_test]
async fn print_page_shows_parts_signature_and_the_signed_report_hash() {
    use onsite::pages::print::PrintReport;
    let bytes = png();
    let sha = hash_blob(&bytes);
    let id = Uuid::from_u128(0x105);
    let case = signed_case(id, &sha);
    let expected_hash = case.sign_off.as_ref().unwrap().report_sha256.clone();
    assert_eq!(expected_hash, case.report_sha256());
    let parts = vec![
        Part {
            part_no: "BAT-12V9".into(),
            name: "Battery 12 V 9 Ah".into(),
            description: None,
            unit: "pcs".into(),
        },
        Part {
            part_no: "FUSE-10A".into(),
            name: "Fuse 10 A".into(),
            description: None,
            unit: "pcs".into(),
        },
    ];
    let store = seeded_store("print", std::slice::from_ref(&case), &parts, &[]).await;
    store.cache_blob(&sha, &bytes).await.unwrap();

    let c = case.clone();
    let root = mount_as_alice(&store, move || view! { <PrintReport case=c /> });
    tick().await;
    assert!(!by_testid(&root, "print-report").is_empty());
    assert!(!by_testid(&root, "print-button").is_empty());
    assert_eq!(
        part_qtys(&root, "print-part-row"),
        vec![
            ("BAT-12V9".to_string(), "2".to_string()),
            ("FUSE-10A".to_string(), "1".to_string())
        ]
    );
    // Names come from the catalog on the device.
    wait_until("part names from the catalog", || {
        by_testid(&root, "print-part-name")
            .iter()
            .map(|n| n.text_content().unwrap_or_default())
            .collect::<Vec<_>>()
            == vec!["Battery 12 V 9 Ah", "Fuse 10 A"]
    })
    .await;
    // The signature image from the blobs store.
    wait_until("signature loaded", || {
        attr(&el(&root, "print-signature"), "data-loaded") == "true"
    })
    .await;
    let img = el(&root, "print-signature");
    assert_eq!(img.tag_name().to_lowercase(), "img");
    assert!(attr(&img, "src").starts_with("blob:"));
    assert_eq!(el(&root, "print-signer").text_content().unwrap(), "Li Wei");
    let hash = el(&root, "print-report-hash");
    assert_eq!(hash.text_content().unwrap(), expected_hash);
    assert_eq!(attr(&hash, "data-matches"), "true");
    // Labour totals, product and customer.
    assert_eq!(attr(&el(&root, "print-travel"), "data-minutes"), "25");
    assert_eq!(attr(&el(&root, "print-work"), "data-minutes"), "70");
    let text = el(&root, "print-report").text_content().unwrap();
    for want in [
        "Acme",
        "UPS-3000",
        "SN-77812",
        "Worn battery",
        "Replaced the battery pack",
    ] {
        assert!(text.contains(want), "missing {want}");
    }

    // A report changed after signing is called out.
    let mut changed = case.clone();
    changed.report.cause = Some("Something else".into());
    let root = mount_as_alice(&store, move || view! { <PrintReport case=changed /> });
    tick().await;
    assert_eq!(
        attr(&el(&root, "print-report-hash"), "data-matches"),
        "false"
    );
}

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
        .apply_pull(&page(vec![put(
            Entity::Policy,
            "standard",
            serde_json::to_value(&standard).unwrap(),
        )]))
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
