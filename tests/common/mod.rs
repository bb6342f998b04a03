//! Fixtures shared by the browser tests.
#![allow(dead_code)]

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use onsite::i18n::{provide_i18n_with, Lang};
use onsite::state::{AppState, UiError};
use onsite::store::{OutboxEntry, Session, Store, StoreError, StoreErrorKind};
use onsite_core::knowledge::PastFix;
use onsite_core::mutation::{
    AssignArgs, CaseRef, CreateArgs, PartUseArgs, PhotoAddArgs, ReportArgs, SetStatusArgs,
};
use onsite_core::wire::{
    Change, ChangeOp, Entity, PolicyRecord, PullResponse, RejectionRecord, UserInfo,
};
use onsite_core::{
    apply, Actor, ApplyContext, Case, CaseStatus, Category, Customer, Mutation, Part, PartUsage,
    Product, RejectionCode, Role, ServiceMode, Severity, SignOff, Site, SlaPolicy, StockLevel,
    TimeEntry, TimeKind,
};
use uuid::Uuid;
use wasm_bindgen::JsValue;
use web_sys::HtmlElement;

mod dom;
pub use dom::*;

pub const MANAGER: Uuid = Uuid::from_u128(1);
pub const ALICE: Uuid = Uuid::from_u128(2);
pub const BOB: Uuid = Uuid::from_u128(3);

pub fn engineer(id: Uuid) -> Actor {
    Actor {
        user_id: id,
        role: Role::Engineer,
    }
}

pub fn manager_actor() -> Actor {
    Actor {
        user_id: MANAGER,
        role: Role::Manager,
    }
}

/// `id`'s session on this device (an engineer, token `token-{name}`).
pub fn session(id: Uuid, name: &str, client_id: Uuid) -> Session {
    Session {
        token: format!("token-{name}"),
        user: user(id, name, Role::Engineer),
        client_id,
    }
}

pub fn unique_db(tag: &str) -> String {
    format!("onsite-test-{tag}-{}", Uuid::new_v4())
}

/// When the fixtures happen: 2 November 2026, 09:00 UTC.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
}

/// A case as the server would send it: created, assigned to `eng`, worked up to `status`.
pub fn server_case(id: Uuid, eng: Uuid, status: CaseStatus) -> Case {
    let policies = [SlaPolicy::standard(), SlaPolicy::strict()];
    let mut cases = BTreeMap::new();
    let mut run = |actor: Actor, m: Mutation| {
        let ctx = ApplyContext {
            actor,
            client_time: t0(),
            server_time: Some(t0()),
            policies: &policies,
        };
        for c in apply(&m, &cases, &ctx).expect("fixture applies").cases {
            cases.insert(c.id, c);
        }
    };
    run(manager_actor(), Mutation::Create(create_args(id, t0())));
    run(manager_actor(), assign(id, eng));
    if status != CaseStatus::Assigned {
        run(engineer(eng), accept(id));
    }
    if status == CaseStatus::InProgress {
        run(engineer(eng), set_status(id, CaseStatus::InProgress));
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
        van: None,
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

pub fn accept(case_id: Uuid) -> Mutation {
    Mutation::Accept(CaseRef { case_id })
}

pub fn set_status(case_id: Uuid, status: CaseStatus) -> Mutation {
    Mutation::SetStatus(SetStatusArgs {
        case_id,
        status,
        reason: None,
    })
}

pub fn assign(case_id: Uuid, engineer_id: Uuid) -> Mutation {
    Mutation::Assign(AssignArgs {
        case_id,
        engineer_id,
    })
}

/// A new photo (its own id, no caption) of the blob `sha256`.
pub fn photo_add(case_id: Uuid, sha256: &str) -> Mutation {
    Mutation::PhotoAdd(PhotoAddArgs {
        case_id,
        photo_id: Uuid::new_v4(),
        sha256: sha256.into(),
        caption: None,
    })
}

/// `qty` of `part_no` used (a usage of its own, no serials, nothing returned).
pub fn part_use(case_id: Uuid, part_no: &str, qty: i64) -> Mutation {
    Mutation::PartUse(PartUseArgs {
        case_id,
        usage_id: Uuid::new_v4(),
        part_no: part_no.into(),
        qty,
        serial_fitted: None,
        serial_removed: None,
        returned_defective: false,
    })
}

/// Records `m` by `actor` through the store's one write path (no blobs).
pub async fn rec(store: &Store, actor: Actor, m: Mutation) -> OutboxEntry {
    store.record(actor, m, vec![]).await.unwrap()
}

/// The seqs of the active client's queued entries.
pub async fn pending_seqs(store: &Store) -> Vec<u64> {
    let pending = store.pending(10_000).await.unwrap();
    pending.iter().map(|e| e.seq).collect()
}

/// `entry` is a `name` whose arguments hold every field of `subset` (a JSON object).
pub fn assert_entry(entry: &OutboxEntry, name: &str, subset: serde_json::Value) {
    assert_eq!(entry.name, name, "{entry:?}");
    for (k, v) in subset.as_object().expect("an object") {
        assert_eq!(&entry.args[k], v, "{name}: {k}");
    }
}

/// The case the queued `case.create` `entry` made, as the store holds it.
pub async fn created_case(store: &Store, entry: &OutboxEntry) -> Case {
    let id: Uuid = serde_json::from_value(entry.args["case_id"].clone()).unwrap();
    store.case(id).await.unwrap().expect("the created case")
}

pub fn part(no: &str, name: &str) -> Part {
    Part {
        part_no: no.into(),
        name: name.into(),
        description: None,
        unit: "pcs".into(),
    }
}

pub fn stock_level(part_no: &str, engineer_id: Uuid, qty: i64, min_qty: i64) -> StockLevel {
    StockLevel {
        part_no: part_no.into(),
        engineer_id,
        qty,
        min_qty,
    }
}

/// `mins` minutes of `kind` from `start_min` minutes after [`t0`].
pub fn time_entry(kind: TimeKind, start_min: i64, mins: i64) -> TimeEntry {
    TimeEntry {
        entry_id: Uuid::new_v4(),
        kind,
        start: t0() + Duration::minutes(start_min),
        end: t0() + Duration::minutes(start_min + mins),
        corrects: None,
        superseded_by: None,
    }
}

/// `signer`'s sign-off of `c`'s report as it stands: signed (`signature`, a blob hash) or not.
pub fn sign_off(
    c: &Case,
    signer: &str,
    signature: Option<&str>,
    satisfaction: Option<u8>,
    signed_at: DateTime<Utc>,
) -> SignOff {
    SignOff {
        signoff_id: Uuid::new_v4(),
        signer_name: signer.into(),
        signature_sha256: signature.map(String::from),
        unsigned_reason: None,
        report_sha256: c.report_sha256(),
        satisfaction,
        comment: None,
        signed_at,
    }
}

/// The server's record that it refused seq `seq`, a `case.accept` on `case_id` (not the assignee).
pub fn rejection(seq: u64, case_id: Option<Uuid>) -> RejectionRecord {
    RejectionRecord {
        id: Uuid::new_v4(),
        client_id: Uuid::new_v4(),
        seq,
        mutation_id: Uuid::new_v4(),
        name: "case.accept".into(),
        case_id,
        code: RejectionCode::NotAssignee,
        message: "case is not assigned to you".into(),
        at: Utc::now(),
    }
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

/// A put of `entity` `id` holding `value`.
pub fn put_of(entity: Entity, id: &str, value: &impl serde::Serialize) -> Change {
    put(entity, id, serde_json::to_value(value).unwrap())
}

/// A delete of `entity` `id`.
pub fn del(entity: Entity, id: &str) -> Change {
    Change {
        entity,
        op: ChangeOp::Delete,
        id: id.into(),
        data: serde_json::Value::Null,
    }
}

pub fn case_change(c: &Case) -> Change {
    put_of(Entity::Case, &c.id.to_string(), c)
}

pub fn part_change(p: &Part) -> Change {
    put_of(Entity::Part, &p.part_no, p)
}

pub fn user_change(u: &UserInfo) -> Change {
    put_of(Entity::User, &u.id.to_string(), u)
}

pub fn stock_change(l: &StockLevel) -> Change {
    put_of(Entity::Stock, &l.part_no, l)
}

pub fn policy_change(p: &PolicyRecord) -> Change {
    put_of(Entity::Policy, &p.policy.name, p)
}

pub fn past_fix_change(f: &PastFix) -> Change {
    put_of(Entity::PastFix, &f.case_id.to_string(), f)
}

pub fn rejection_change(r: &RejectionRecord) -> Change {
    put_of(Entity::Rejection, &r.id.to_string(), r)
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

/// Applies `changes` as one last pull page with `last_seq`, replacing everything if `reset`.
pub async fn seed_at(store: &Store, changes: Vec<Change>, last_seq: u64, reset: bool) {
    let client = store.active_client().await.unwrap();
    let page = page_at(changes, last_seq, reset);
    store.apply_pull(client, &page).await.unwrap();
}

/// Applies `changes` as one pull.
pub async fn seed(store: &Store, changes: Vec<Change>) {
    seed_at(store, changes, 0, false).await;
}

pub async fn seed_case(store: &Store, case: &Case) {
    seed(store, vec![case_change(case)]).await;
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

/// Puts `records` (object store, key, JSON text as the store keeps its records) into `db`
/// in one readwrite transaction, committed.
pub async fn idb_put(db: &Database, records: &[(&str, JsValue, &str)]) {
    let names: Vec<&str> = records.iter().map(|r| r.0).collect();
    let tx = db
        .transaction(names)
        .with_mode(TransactionMode::Readwrite)
        .build()
        .unwrap();
    for (store, key, json) in records {
        let os = tx.object_store(store).unwrap();
        os.put(JsValue::from_str(json))
            .with_key(key.clone())
            .without_key_type()
            .primitive()
            .unwrap();
    }
    tx.commit().await.unwrap();
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

/// Mounts `view` into a fresh container, in English.
pub fn mount_en<V: IntoView + 'static>(view: impl FnOnce() -> V + 'static) -> HtmlElement {
    let root = container();
    mount_to(root.clone(), move || {
        provide_i18n_with(Lang::En);
        view()
    })
    .forget();
    root
}

/// Mounts (in English) the view `view` makes of a callback that collects what it is given.
pub fn mount_collecting<V: IntoView + 'static>(
    view: impl FnOnce(Callback<Mutation>) -> V + 'static,
) -> (HtmlElement, RwSignal<Vec<Mutation>>) {
    let got = RwSignal::new(Vec::new());
    let root = mount_en(move || view(Callback::new(move |m| got.update(|v| v.push(m)))));
    (root, got)
}

/// Mounts `view` in `lang` with an app state over `store`, signed in as `who`, `online`.
pub fn mount_app_in<V: IntoView + 'static>(
    lang: Lang,
    store: &Store,
    who: UserInfo,
    online: bool,
    view: impl FnOnce() -> V + 'static,
) -> (HtmlElement, AppState) {
    let root = container();
    let app = RwSignal::new(None::<AppState>);
    let store = store.clone();
    mount_to(root.clone(), move || {
        let state = provide_app(&store, who, lang);
        state.status.update(|s| s.online = online);
        app.set(Some(state));
        view()
    })
    .forget();
    (root, app.get_untracked().unwrap())
}

/// Mounts `view` in English with an app state over `store`, signed in as `who`.
pub fn mount_app<V: IntoView + 'static>(
    store: Store,
    who: UserInfo,
    online: bool,
    view: impl FnOnce() -> V + 'static,
) -> (HtmlElement, AppState) {
    mount_app_in(Lang::En, &store, who, online, view)
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
