//! Engineer screens (issue 4, part 2): the printable report, the inspection checklist, the
//! fault analysis, time corrections, past fixes and a Chinese case page without English.
//! Each test mounts the real components over a real IndexedDB store and checks what was
//! recorded in the outbox (the one write path) and what the page shows.
//! One test binary; one module per screen, the fixtures they share here.
//! Run: CHROMEDRIVER=/usr/bin/chromedriver cargo test -p onsite --target wasm32-unknown-unknown --test engineer_screens

#![cfg(target_arch = "wasm32")]

use chrono::Duration;
use leptos::prelude::*;
use leptos::task::tick;
use onsite::i18n::Lang;
use onsite::pages::case_detail::CaseDetail;
use onsite::store::{OutboxEntry, Store};
use onsite_core::knowledge::{PastFix, PastFixPart};
use onsite_core::wire::UserInfo;
use onsite_core::{Case, CaseStatus, Category, ChecklistItem, Part, RepairResult, Role, Severity};
use uuid::Uuid;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

#[path = "../common/mod.rs"]
mod common;

mod case_work;
mod first_screen;
mod language;
mod past_fixes;
mod print;

use common::{
    case_change, mount_app_in, part_change, past_fix_change, seed, server_case, t0, time_entry,
    unique_db, user, ALICE,
};

wasm_bindgen_test_configure!(run_in_browser);

fn alice() -> UserInfo {
    user(ALICE, "Alice", Role::Engineer)
}

/// A store holding `cases` (as the server sent them), `parts` and `fixes`.
async fn seeded_store(tag: &str, cases: &[Case], parts: &[Part], fixes: &[PastFix]) -> Store {
    let store = Store::open_named(&unique_db(tag)).await.unwrap();
    let mut changes: Vec<_> = cases.iter().map(case_change).collect();
    changes.extend(parts.iter().map(part_change));
    changes.extend(fixes.iter().map(past_fix_change));
    seed(&store, changes).await;
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

impl Mounted {
    async fn new(store: Store, case_id: Uuid, lang: Lang) -> Mounted {
        let shown: RwSignal<Option<Case>> = RwSignal::new(None);
        let (root, _) = mount_app_in(lang, &store, alice(), true, move || {
            move || shown.get().map(|c| view! { <CaseDetail case=c /> })
        });
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

fn inspection_case(id: Uuid) -> Case {
    let mut c = server_case(id, ALICE, CaseStatus::InProgress);
    c.title = "Quarterly UPS inspection".into();
    let item = |item_id: &str, text: &str| ChecklistItem {
        item_id: item_id.into(),
        text: text.into(),
        result: None,
        note: None,
    };
    c.checklist = vec![
        item("battery", "Battery terminals clean and tight"),
        item("fan", "Cooling fan runs quietly"),
    ];
    c
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
