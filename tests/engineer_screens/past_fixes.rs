//! Past fixes: searched by symptom word and by Chinese substring.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::task::tick;
use uuid::Uuid;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

use crate::common::{attr, by_testid, el, type_into, wait_until};
use crate::{fix, mount_as_alice, seeded_store};

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
