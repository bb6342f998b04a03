//! What a test needs and nothing more. `Seed` writes users, parts, van stock and contracts
//! through the server's own store functions; `app.case_for("alice").status(..).create()`
//! opens a case and takes it to that status with real mutations, pushed through the server's
//! push path as the manager and the engineer would push them.
//!
//! ```ignore
//! let app = spawn_with(Seed::new().manager("manager").engineer("alice")
//!     .part("P-100").stock("alice", "P-100", 5)).await;
//! let case = app.case_in("alice", CaseStatus::InProgress).await;
//! let mut alice = app.login("alice").await;
//! ```

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::Utc;
use onsite_core::wire::{PushRequest, PushStatus, UserInfo};
use onsite_core::{CaseStatus, Part, Role, SCHEMA_VERSION};
use onsite_server::auth::{hash_password, Session};
use onsite_server::store::cases::{self, StockLine, StockReason};
use onsite_server::store::log::Changes;
use onsite_server::store::{policies, users};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::args;
use crate::helpers::{assert_all, spawn_empty_app, Device, TestApp};

/// Every seeded user's password: the demo's, so `app.login(username)` signs in either way.
pub const PASSWORD: &str = onsite_server::demo::DEMO_PASSWORD;
/// The ledger reason of seeded van stock.
pub const VAN_LOAD: &str = "seed van load";

/// A fresh server holding just `seed`.
pub async fn spawn_with(seed: Seed) -> TestApp {
    let app = spawn_empty_app().await;
    seed.load(&app).await;
    app
}

/// Users, parts, van stock, reorder points and contracts, written in one transaction.
#[derive(Default)]
pub struct Seed {
    users: Vec<(String, String, Role)>,
    parts: Vec<String>,
    stock: Vec<(String, String, i64)>,
    reorder_points: Vec<(String, String, i64)>,
    contracts: Vec<(String, String)>,
}

impl Seed {
    pub fn new() -> Seed {
        Seed::default()
    }

    /// The usual three: `manager`, and the engineers `alice` and `bob`.
    pub fn team() -> Seed {
        Seed::new()
            .manager("manager")
            .engineer("alice")
            .engineer("bob")
    }

    /// An engineer whose name is the username, capitalised.
    pub fn engineer(self, username: &str) -> Seed {
        let name = capitalised(username);
        self.user(username, &name, Role::Engineer)
    }

    /// A manager whose name is the username, capitalised.
    pub fn manager(self, username: &str) -> Seed {
        let name = capitalised(username);
        self.user(username, &name, Role::Manager)
    }

    pub fn user(mut self, username: &str, name: &str, role: Role) -> Seed {
        self.users.push((username.into(), name.into(), role));
        self
    }

    /// A catalog part.
    pub fn part(mut self, part_no: &str) -> Seed {
        self.parts.push(part_no.into());
        self
    }

    /// `n` catalog parts, `GEN-0000` onwards.
    pub fn parts(mut self, n: usize) -> Seed {
        self.parts.extend((0..n).map(|i| format!("GEN-{i:04}")));
        self
    }

    /// `qty` of `part_no` loaded onto `username`'s van (a ledger line, reason `VAN_LOAD`).
    pub fn stock(mut self, username: &str, part_no: &str, qty: i64) -> Seed {
        self.stock.push((username.into(), part_no.into(), qty));
        self
    }

    /// `username`'s van should not run below `min_qty` of `part_no`.
    pub fn reorder_point(mut self, username: &str, part_no: &str, min_qty: i64) -> Seed {
        self.reorder_points
            .push((username.into(), part_no.into(), min_qty));
        self
    }

    /// `customer` has a contract on `policy`.
    pub fn contract(mut self, customer: &str, policy: &str) -> Seed {
        self.contracts.push((customer.into(), policy.into()));
        self
    }

    pub async fn load(self, app: &TestApp) {
        let now = Utc::now();
        let mut tx = app.store.write().await.expect("a write transaction");
        let mut ids = BTreeMap::new();
        for (username, name, role) in self.users {
            let user = users::UserRow {
                id: Uuid::new_v4(),
                username: username.clone(),
                name,
                role,
                password_hash: password_hash(),
            };
            users::insert_user(&mut tx, &user, now).await.unwrap();
            ids.insert(username, user.id);
        }
        let id = |username: &str| -> Uuid {
            *ids.get(username)
                .unwrap_or_else(|| panic!("seed the user `{username}` first"))
        };
        for part_no in &self.parts {
            let part = Part {
                part_no: part_no.clone(),
                name: format!("Part {part_no}"),
                description: None,
                unit: "pcs".into(),
            };
            cases::put_part(&mut tx, &part).await.unwrap();
        }
        let why = StockReason {
            reason: VAN_LOAD,
            case_id: None,
            mutation_id: None,
            note: None,
        };
        let lines: Vec<StockLine> = self
            .stock
            .iter()
            .map(|(username, part_no, qty)| StockLine::new(id(username), part_no, *qty, &why))
            .collect();
        let mut changes = Changes::default();
        cases::move_stock(&mut tx, &lines, now, &mut changes)
            .await
            .unwrap();
        changes.record(&mut tx).await.unwrap();
        for (username, part_no, min_qty) in &self.reorder_points {
            cases::set_min_qty(&mut tx, id(username), part_no, *min_qty)
                .await
                .unwrap();
        }
        for (customer, policy) in &self.contracts {
            policies::set_contract(&mut tx, customer, policy)
                .await
                .unwrap();
        }
        tx.commit().await.expect("seed committed");
    }
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// One argon2 hash of `PASSWORD` serves every seeded user (hashing is slow on purpose).
fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_password(PASSWORD).expect("hashing the seed password"))
        .clone()
}

impl TestApp {
    /// A case the manager opens and assigns to `engineer` (status `assigned` unless told).
    pub fn case_for(&self, engineer: &str) -> CaseBuilder<'_> {
        CaseBuilder {
            app: self,
            engineer: Some(engineer.into()),
            status: CaseStatus::Assigned,
            args: json!({}),
        }
    }

    /// A case the manager opens and assigns to nobody (status `new`).
    pub fn unassigned_case(&self) -> CaseBuilder<'_> {
        CaseBuilder {
            app: self,
            engineer: None,
            status: CaseStatus::New,
            args: json!({}),
        }
    }

    /// A case of `engineer`'s in `status`.
    pub async fn case_in(&self, engineer: &str, status: CaseStatus) -> Uuid {
        self.case_for(engineer).status(status).create().await
    }
}

pub struct CaseBuilder<'a> {
    app: &'a TestApp,
    engineer: Option<String>,
    status: CaseStatus,
    args: Value,
}

impl CaseBuilder<'_> {
    pub fn status(mut self, status: CaseStatus) -> Self {
        self.status = status;
        self
    }

    /// `case.create` with these top-level fields set (`args::with`).
    pub fn args(mut self, extra: Value) -> Self {
        self.args = extra;
        self
    }

    /// Push the mutations that take a new case to the status; returns its id.
    pub async fn create(self) -> Uuid {
        use CaseStatus::*;
        let (app, id) = (self.app, Uuid::new_v4());
        let mut desk = Pusher::as_user(app, |u| u.role == Role::Manager).await;
        let mut steps = vec![("case.create", args::with(args::case_create(id), self.args))];
        let Some(engineer) = self.engineer else {
            assert_eq!(self.status, New, "an unassigned case stays new");
            desk.push(app, steps).await;
            return id;
        };
        assert_ne!(self.status, New, "a case for an engineer is assigned");
        let mut eng = Pusher::as_user(app, |u| u.username == engineer).await;
        steps.push(("case.assign", args::assign(id, eng.session.user_id)));
        if self.status == Cancelled {
            steps.push(("case.cancel", json!({ "case_id": id, "reason": "seed" })));
        }
        desk.push(app, steps).await;
        eng.push(app, engineer_steps(id, self.status)).await;
        if self.status == Closed {
            desk.push(app, vec![("case.close", args::case(id))]).await;
        }
        id
    }
}

/// What the engineer pushes to take an assigned case to `status`.
pub fn engineer_steps(id: Uuid, status: CaseStatus) -> Vec<(&'static str, Value)> {
    use CaseStatus::*;
    let path: &[CaseStatus] = match status {
        New | Assigned | Cancelled => return vec![],
        Accepted => &[],
        EnRoute => &[EnRoute],
        OnSite => &[EnRoute, OnSite],
        InProgress => &[EnRoute, OnSite, InProgress],
        OnHold => &[EnRoute, OnSite, InProgress, OnHold],
        Completed | Closed => &[EnRoute, OnSite, InProgress, Completed],
    };
    let mut steps = vec![("case.accept", args::case(id))];
    for step in path {
        let mut to = args::to_status(id, step.as_str());
        match step {
            OnHold => to["reason"] = json!("waiting for parts"),
            Completed => {
                steps.push((
                    "case.report",
                    json!({ "case_id": id, "cause": "worn fan", "actions": "replaced it",
                        "result": "resolved" }),
                ));
                steps.push(("case.sign_off", args::sign_off(id)));
            }
            _ => {}
        }
        steps.push(("case.set_status", to));
    }
    steps
}

/// A seeding device: a session of its own (no token, no login) whose mutations go through
/// `onsite_server::sync::push::push`, the path every device's push takes.
struct Pusher {
    session: Session,
    dev: Device,
}

impl Pusher {
    async fn as_user(app: &TestApp, which: impl Fn(&users::UserRow) -> bool) -> Pusher {
        let mut conn = app.store.pool().acquire().await.unwrap();
        let user = users::all_users(&mut conn)
            .await
            .unwrap()
            .into_iter()
            .find(which)
            .expect("the seed has the manager and the engineer of the case");
        let client_id = Uuid::new_v4();
        let dev = Device {
            token: String::new(),
            client_id,
            user: UserInfo {
                id: user.id,
                name: user.name.clone(),
                role: user.role,
            },
            seq: 0,
        };
        Pusher {
            session: Session {
                token_hash: String::new(),
                user_id: user.id,
                name: user.name,
                role: user.role,
                client_id,
            },
            dev,
        }
    }

    /// Push `steps`; every one must apply.
    async fn push(&mut self, app: &TestApp, steps: Vec<(&str, Value)>) {
        let req = PushRequest {
            client_id: self.session.client_id,
            schema_version: SCHEMA_VERSION,
            mutations: self.dev.queue(steps),
        };
        let res = onsite_server::sync::push::push(&app.store, &self.session, req)
            .await
            .expect("the seeding push");
        assert_all(&res, PushStatus::Applied);
    }
}

#[tokio::test]
async fn the_case_builder_reaches_every_status() {
    let app = spawn_with(Seed::new().manager("manager").engineer("alice")).await;
    let mut made = vec![(app.unassigned_case().create().await, CaseStatus::New)];
    for status in CaseStatus::ALL {
        if status != CaseStatus::New {
            made.push((app.case_in("alice", status).await, status));
        }
    }
    let alice = app.login("alice").await.user.id;
    let all = app.snapshot(&app.login("manager").await).await;
    for (id, status) in made {
        let case = &all.cases[&id];
        assert_eq!(case.status, status);
        let assignee = (status != CaseStatus::New).then_some(alice);
        assert_eq!(case.assignee_id, assignee, "{status:?}");
    }
}
