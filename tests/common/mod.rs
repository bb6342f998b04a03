//! Fixtures shared by the browser tests.
#![allow(dead_code)]

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use onsite::i18n::{provide_i18n_with, Lang};
use onsite::state::{AppState, UiError};
use onsite::store::{OutboxEntry, Session, Store, StoreError, StoreErrorKind};
use onsite_core::mutation::{AssignArgs, CaseRef, CreateArgs, ReportArgs, SetStatusArgs};
use onsite_core::wire::{Change, ChangeOp, Entity, PullResponse, UserInfo};
use onsite_core::{
    apply, Actor, ApplyContext, Case, CaseStatus, Category, Customer, Mutation, Part, PartUsage,
    Product, Role, ServiceMode, Severity, Site, SlaPolicy,
};
use uuid::Uuid;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

pub const MANAGER: Uuid = Uuid::from_u128(1);
pub const ALICE: Uuid = Uuid::from_u128(2);
pub const BOB: Uuid = Uuid::from_u128(3);

pub fn engineer(id: Uuid) -> Actor {
    Actor {
        user_id: id,
        role: Role::Engineer,
    }
}

pub fn unique_db(tag: &str) -> String {
    format!("onsite-test-{tag}-{}", Uuid::new_v4())
}

/// A case as the server would send it: created, assigned to `engineer`, worked up to `status`.
pub fn server_case(id: Uuid, engineer: Uuid, status: CaseStatus) -> Case {
    let policies = [SlaPolicy::standard(), SlaPolicy::strict()];
    let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
    let mut cases = BTreeMap::new();
    let mut run = |m: Mutation, actor: Actor| {
        let ctx = ApplyContext {
            actor,
            client_time: t0,
            server_time: Some(t0),
            policies: &policies,
        };
        for c in apply(&m, &cases, &ctx).expect("fixture applies").cases {
            cases.insert(c.id, c);
        }
    };
    let manager = Actor {
        user_id: MANAGER,
        role: Role::Manager,
    };
    run(Mutation::Create(create_args(id, t0)), manager);
    run(
        Mutation::Assign(AssignArgs {
            case_id: id,
            engineer_id: engineer,
        }),
        manager,
    );
    let eng = Actor {
        user_id: engineer,
        role: Role::Engineer,
    };
    if status != CaseStatus::Assigned {
        run(Mutation::Accept(CaseRef { case_id: id }), eng);
    }
    if status == CaseStatus::InProgress {
        run(
            Mutation::SetStatus(SetStatusArgs {
                case_id: id,
                status: CaseStatus::InProgress,
                reason: None,
            }),
            eng,
        );
    }
    cases.remove(&id).unwrap()
}

/// A case the desk opens at `t0` for Acme's UPS (severity 2, on site).
pub fn create_args(id: Uuid, t0: DateTime<Utc>) -> CreateArgs {
    CreateArgs {
        case_id: id,
        title: "UPS alarm".into(),
        description: String::new(),
        customer: Customer {
            name: "Acme".into(),
            phone: None,
            email: None,
            contact: None,
        },
        site: Site {
            address: "1 Harbour Road".into(),
            notes: None,
        },
        product: Product {
            model: "UPS-3000".into(),
            serial: None,
            warranty_until: None,
        },
        category: Category::SystemFault,
        severity: Severity::new(2).unwrap(),
        mode: ServiceMode::OnSite,
        reported_at: t0,
        appointment: None,
        policy: None,
        complaint: false,
    }
}

/// `qty` of `part_no` used at `at`: no serials, not returned, correcting nothing.
pub fn part_usage(usage_id: Uuid, part_no: &str, qty: i64, at: DateTime<Utc>) -> PartUsage {
    PartUsage {
        usage_id,
        part_no: part_no.into(),
        qty,
        serial_fitted: None,
        serial_removed: None,
        returned_defective: false,
        corrects: None,
        recorded_at: at,
    }
}

pub fn report(case_id: Uuid, symptom: &str) -> Mutation {
    Mutation::Report(ReportArgs {
        case_id,
        symptom: Some(symptom.into()),
        cause: None,
        actions: None,
        result: None,
        verification: None,
        leftover: None,
    })
}

// ---------------------------------------------------------------------------------------------
// The DOM

/// A fresh `div` appended to the page's body, to mount a view into.
pub fn container() -> HtmlElement {
    let doc = document();
    let div = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&div).unwrap();
    div.unchecked_into()
}

pub fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

pub fn by_testid(root: &Element, testid: &str) -> Vec<HtmlElement> {
    all(root, &format!("[data-testid='{testid}']"))
        .into_iter()
        .map(|e| e.unchecked_into())
        .collect()
}

/// The first element with `testid`; panics when there is none.
pub fn el(root: &Element, testid: &str) -> HtmlElement {
    root.query_selector(&format!("[data-testid='{testid}']"))
        .unwrap()
        .unwrap_or_else(|| panic!("no element {testid}"))
        .unchecked_into()
}

pub fn attr(e: &Element, name: &str) -> String {
    e.get_attribute(name).unwrap_or_default()
}

/// (`data-part-no`, `data-qty`) of every element with `testid`, in document order.
pub fn part_qtys(root: &Element, testid: &str) -> Vec<(String, String)> {
    by_testid(root, testid)
        .iter()
        .map(|e| (attr(e, "data-part-no"), attr(e, "data-qty")))
        .collect()
}

/// Attribute `name` of every element with `testid`, in document order.
pub fn attrs(root: &Element, testid: &str, name: &str) -> Vec<String> {
    by_testid(root, testid)
        .iter()
        .map(|e| attr(e, name))
        .collect()
}

/// Sets an input's or select's value and fires the events Leptos listens to.
pub fn set_value(e: &HtmlElement, v: &str) {
    // `value` on an input or a select (no extra web-sys features for the tests).
    js_sys::Reflect::set(e, &"value".into(), &v.into()).unwrap();
    for ev in ["input", "change"] {
        e.dispatch_event(&web_sys::Event::new(ev).unwrap()).unwrap();
    }
}

/// Types into an input or textarea the way a user does (value + `input` event).
pub fn type_into(e: &Element, text: &str) {
    js_sys::Reflect::set(e, &"value".into(), &text.into()).unwrap();
    e.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

/// How long a test waits for something that must happen: long enough that only a real
/// failure exceeds it on a busy CI machine (a passing test returns as soon as it happens).
pub const DEADLINE_MS: f64 = 60_000.0;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Polls `cond` every 20 ms until it holds, failing only after [`DEADLINE_MS`].
pub async fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let end = now_ms() + DEADLINE_MS;
    while now_ms() < end {
        if cond() {
            return;
        }
        gloo_timers::future::TimeoutFuture::new(20).await;
    }
    panic!("timed out waiting for {what}");
}

// ---------------------------------------------------------------------------------------------
// Pulls and the store

pub fn put(entity: Entity, id: &str, data: serde_json::Value) -> Change {
    Change {
        entity,
        op: ChangeOp::Put,
        id: id.into(),
        data,
    }
}

pub fn case_change(c: &Case) -> Change {
    put(
        Entity::Case,
        &c.id.to_string(),
        serde_json::to_value(c).unwrap(),
    )
}

pub fn part_change(p: &Part) -> Change {
    put(Entity::Part, &p.part_no, serde_json::to_value(p).unwrap())
}

pub fn user_change(u: &UserInfo) -> Change {
    put(
        Entity::User,
        &u.id.to_string(),
        serde_json::to_value(u).unwrap(),
    )
}

/// A last pull page (no more to come) with a fresh cursor.
pub fn page_at(changes: Vec<Change>, last_seq: u64, reset: bool) -> PullResponse {
    PullResponse {
        cursor: format!("c-{}", Uuid::new_v4()),
        has_more: false,
        reset,
        last_seq,
        changes,
    }
}

pub fn page(changes: Vec<Change>) -> PullResponse {
    page_at(changes, 0, false)
}

/// Waits for the outbox to hold at least `n` entries and returns them.
pub async fn wait_outbox(store: &Store, n: usize) -> Vec<OutboxEntry> {
    let end = now_ms() + DEADLINE_MS;
    while now_ms() < end {
        let o = store.pending(100).await.unwrap();
        if o.len() >= n {
            return o;
        }
        gloo_timers::future::TimeoutFuture::new(20).await;
    }
    panic!("outbox never reached {n} entries");
}

/// Applies `changes` as one pull.
pub async fn seed(store: &Store, changes: Vec<Change>) {
    store
        .apply_pull(store.active_client().await.unwrap(), &page(changes))
        .await
        .unwrap();
}

/// Applies `cases` as the server sent them.
pub async fn seed_cases(store: &Store, cases: &[Case]) {
    seed(store, cases.iter().map(case_change).collect()).await;
}

pub async fn seed_users(store: &Store, users: &[UserInfo]) {
    seed(store, users.iter().map(user_change).collect()).await;
}

pub fn user(id: Uuid, name: &str, role: Role) -> UserInfo {
    UserInfo {
        id,
        name: name.into(),
        role,
    }
}

// ---------------------------------------------------------------------------------------------
// Mounting

/// The app context over `store`, signed in as `who`, provided inside a mount.
pub fn provide_app(store: &Store, who: UserInfo, lang: Lang) -> AppState {
    provide_i18n_with(lang);
    let state = AppState::new();
    state.store.set_value(Some(store.clone()));
    state.session.set(Some(Session {
        token: "t".into(),
        user: who,
        client_id: Uuid::from_u128(0xc1),
    }));
    provide_context(state);
    state
}

/// Mounts `view` with an app state over `store`, signed in as `who`.
pub fn mount_app<V: IntoView + 'static>(
    store: Store,
    who: UserInfo,
    online: bool,
    view: impl Fn() -> V + 'static,
) -> (HtmlElement, AppState) {
    let root = container();
    let app = RwSignal::new(None::<AppState>);
    mount_to(root.clone(), move || {
        let state = provide_app(&store, who.clone(), Lang::En);
        state.status.update(|s| s.online = online);
        app.set(Some(state));
        view()
    })
    .forget();
    (root, app.get_untracked().unwrap())
}

/// Mounts the error banner in `lang`, showing the store error `kind` with `message`.
pub async fn mount_store_error(
    lang: Lang,
    kind: StoreErrorKind,
    message: &str,
) -> (HtmlElement, RwSignal<Option<UiError>>) {
    use onsite::components::ErrorBanner;
    let error = RwSignal::new(Some(UiError::from_store(&StoreError {
        kind,
        message: message.into(),
    })));
    let root = container();
    mount_to(root.clone(), move || {
        provide_i18n_with(lang);
        view! { <ErrorBanner error=error /> }
    })
    .forget();
    tick().await;
    (root, error)
}
