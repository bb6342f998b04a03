//! The printable report: parts, the signature and the signed report's hash.

use chrono::Duration;
use leptos::prelude::*;
use leptos::task::tick;
use onsite::store::hash_blob;
use onsite_core::{Case, CaseStatus, PartUsage, RepairResult, TimeKind};
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

use crate::common::{
    attr, by_testid, el, mount_app, part, part_qtys, part_usage, server_case, sign_off, text,
    wait_until, ALICE,
};
use crate::{alice, seeded_store, t0, time_entry};

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
    // In warranty when reported, though it ended before today.
    c.product.warranty_until = Some(c.reported_at.date_naive() + chrono::Duration::days(10));
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
    let signed_at = t0() + Duration::hours(3);
    c.sign_off = Some(sign_off(&c, "Li Wei", Some(signature), Some(5), signed_at));
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
    let parts = [
        part("BAT-12V9", "Battery 12 V 9 Ah"),
        part("FUSE-10A", "Fuse 10 A"),
    ];
    let store = seeded_store("print", std::slice::from_ref(&case), &parts, &[]).await;
    store.cache_blob(&sha, &bytes).await.unwrap();

    let c = case.clone();
    let (root, _) = mount_app(
        store.clone(),
        alice(),
        true,
        || view! { <PrintReport case=c /> },
    );
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
    assert_eq!(text(&root, "print-signer"), "Li Wei");
    assert_eq!(text(&root, "print-report-hash"), expected_hash);
    assert_eq!(
        attr(&el(&root, "print-report-hash"), "data-matches"),
        "true"
    );
    // Labour totals, product and customer.
    assert_eq!(attr(&el(&root, "print-travel"), "data-minutes"), "25");
    assert_eq!(attr(&el(&root, "print-work"), "data-minutes"), "70");
    assert_eq!(attr(&el(&root, "warranty"), "class"), "badge ok");
    assert_eq!(attr(&el(&root, "charges"), "data-charges"), "warranty");
    let report = text(&root, "print-report");
    for want in "Acme|UPS-3000|SN-77812|Worn battery|Replaced the battery pack".split('|') {
        assert!(report.contains(want), "missing {want}");
    }

    // A report changed after signing is called out.
    let mut changed = case.clone();
    changed.report.cause = Some("Something else".into());
    let (root, _) = mount_app(
        store,
        alice(),
        true,
        || view! { <PrintReport case=changed /> },
    );
    tick().await;
    assert_eq!(
        attr(&el(&root, "print-report-hash"), "data-matches"),
        "false"
    );
}
