//! Past fixes: searched by symptom word and by Chinese substring.

use leptos::prelude::*;
use leptos::task::tick;
use uuid::Uuid;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

use crate::common::{attr, by_testid, el, mount_app, type_into, wait_count};
use crate::{alice, fix, seeded_store};

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
    #[rustfmt::skip]
    let fixes = vec![
        fix(0x201, "UPS-3000", "Alarm on battery", "Battery alarm beeps every minute",
            "Worn battery"),
        fix(0x202, "UPS-3000", "输出不稳", "输出电压不稳定，风扇异响", "风扇轴承磨损"),
        fix(0x203, "PRN-10", "Printer battery", "Clock battery empty, alarm", "Old cell"),
    ];
    let store = seeded_store("pastfix", &[], &[], &fixes).await;
    let ids = |ns: &[u128]| -> Vec<Uuid> { ns.iter().map(|n| Uuid::from_u128(*n)).collect() };
    // What `root` lists once `query` is typed into its search.
    let search = |root: &HtmlElement, query: &str| {
        type_into(&el(root, "past-fix-search"), query);
        let root = root.clone();
        async move {
            tick().await;
            let mut listed = row_ids(&root);
            listed.sort();
            listed
        }
    };

    // Case page: only the same model (word match, case-insensitive; Chinese by substring).
    let (root, _) = mount_app(store.clone(), alice(), true, move || {
        view! { <PastFixes case_id=Uuid::from_u128(0x42) model="ups-3000".to_string() /> }
    });
    wait_count(&root, "past-fix-row", 2).await;
    for (query, want) in [
        ("ALARM", &[0x201][..]),
        ("风扇", &[0x202]),
        ("电压不稳", &[0x202]),
        ("printer", &[]),
    ] {
        assert_eq!(search(&root, query).await, ids(want), "{query}");
    }
    assert!(
        !by_testid(&root, "past-fix-none").is_empty(),
        "another model's fix"
    );

    // /knowledge: every model.
    let (root, _) = mount_app(store, alice(), true, || view! { <KnowledgePage /> });
    wait_count(&root, "past-fix-row", 3).await;
    for (query, want) in [("battery alarm", &[0x201, 0x203][..]), ("轴承", &[0x202])] {
        assert_eq!(search(&root, query).await, ids(want), "{query}");
    }
}
