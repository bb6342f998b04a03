use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use onsite_core::wire::{
    Change, ChangeOp, Entity, LoginResponse, PullResponse, PushRequest, PushResponse, PushStatus,
    UserInfo, WireMutation,
};
use onsite_core::{Case, CaseStatus, SCHEMA_VERSION};
use onsite_server::{AppState, Config, Store};
use reqwest::{RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::seed::PASSWORD;

pub struct TestApp {
    pub addr: String,
    pub http: reqwest::Client,
    pub store: Store,
    pub _dir: tempfile::TempDir,
}

/// A fresh server with the demo data loaded.
pub async fn spawn_app() -> TestApp {
    spawn(true, None).await
}

/// A fresh server with an empty database.
pub async fn spawn_empty_app() -> TestApp {
    spawn(false, None).await
}

pub async fn spawn(demo: bool, dist: Option<std::path::PathBuf>) -> TestApp {
    spawn_configured(demo, dist, |_| {}).await
}

/// A fresh server whose configuration `tweak` adjusts (quotas, grace periods).
pub async fn spawn_configured(
    demo: bool,
    dist: Option<std::path::PathBuf>,
    tweak: impl FnOnce(&mut Config),
) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = fresh_database(&dir).await;
    let store = Store::connect(&url).await.expect("open database");
    if demo {
        onsite_server::load_demo(&store).await.expect("demo data");
    }
    let dist = dist.unwrap_or_else(|| dir.path().join("no-dist"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = format!("http://{}", listener.local_addr().unwrap());
    let mut config = Config::new(url, dist);
    tweak(&mut config);
    let state = AppState::new(store.clone(), config);
    tokio::spawn(onsite_server::serve(listener, state));
    TestApp {
        addr,
        http: reqwest::Client::new(),
        store,
        _dir: dir,
    }
}

/// The variable naming a PostgreSQL server (its `postgres` database) to test against;
/// `make test` starts one and runs these tests once with it and once without.
pub const POSTGRES_VAR: &str = "ONSITE_TEST_POSTGRES";

/// An empty database for one test: a SQLite file in `dir`, or a new database on the
/// PostgreSQL server `ONSITE_TEST_POSTGRES` names.
pub async fn fresh_database(dir: &tempfile::TempDir) -> String {
    let Ok(admin) = std::env::var(POSTGRES_VAR) else {
        return format!("sqlite://{}", dir.path().join("db/onsite.db").display());
    };
    use sqlx::{Connection, Executor};
    sqlx::any::install_default_drivers();
    let name = format!("t{}", Uuid::new_v4().simple());
    let mut conn = sqlx::AnyConnection::connect(&admin)
        .await
        .expect("connect to the test PostgreSQL");
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create a test database");
    conn.close().await.ok();
    let (server, _) = admin.rsplit_once('/').expect("a database URL");
    format!("{server}/{name}")
}

/// A logged-in device.
#[derive(Debug, Clone)]
pub struct Device {
    pub token: String,
    pub client_id: Uuid,
    pub user: UserInfo,
    pub seq: u64,
}

impl Device {
    /// The next mutation of this device's queue.
    pub fn next(&mut self, name: &str, args: Value) -> WireMutation {
        self.seq += 1;
        self.at(self.seq, name, args)
    }

    pub fn at(&self, seq: u64, name: &str, args: Value) -> WireMutation {
        WireMutation {
            seq,
            id: Uuid::new_v4(),
            name: name.into(),
            args,
            client_time: Utc::now(),
        }
    }
}

impl Device {
    /// The next mutations of this device's queue, one for each step.
    pub fn queue(&mut self, steps: Vec<(&str, Value)>) -> Vec<WireMutation> {
        steps.into_iter().map(|(n, a)| self.next(n, a)).collect()
    }
}

/// A request and the JSON error it must be answered with: who sends it (`None`: no token),
/// the route (`METHOD /path`), its JSON body if any, the status and the error code.
pub type Refusal<'a> = (Option<&'a Device>, &'a str, Option<Value>, u16, &'a str);

/// The code of a rejection reason (`code: message`).
pub fn code(reason: &str) -> &str {
    let (code, _) = reason.split_once(':').unwrap_or_else(|| panic!("{reason}"));
    code
}

/// The demo, the manager's and alice's devices, and all the manager sees.
pub async fn demo_view() -> (TestApp, Device, Device, Snapshot) {
    let app = spawn_app().await;
    let [manager, alice] = app.login_all(["manager", "alice"]).await;
    let all = app.snapshot(&manager).await;
    (app, manager, alice, all)
}

/// Every result of the push has `status`.
pub fn assert_all(res: &PushResponse, status: PushStatus) {
    assert!(res.results.iter().all(|r| r.status == status), "{res:?}");
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.addr, path)
    }

    /// A request for `route` (`METHOD /path`), with `dev`'s token if there is one.
    pub fn req(&self, dev: Option<&Device>, route: &str) -> RequestBuilder {
        let (method, path) = route.split_once(' ').expect("a route: METHOD /path");
        let req = self
            .http
            .request(method.parse().expect("a method"), self.url(path));
        match dev {
            Some(dev) => req.bearer_auth(&dev.token),
            None => req,
        }
    }

    /// `route` without a body.
    pub async fn send(&self, dev: Option<&Device>, route: &str) -> Response {
        self.req(dev, route).send().await.expect(route)
    }

    /// `route` with `body` as JSON.
    pub async fn send_json(&self, dev: Option<&Device>, route: &str, body: &Value) -> Response {
        self.req(dev, route).json(body).send().await.expect(route)
    }

    /// `route` with `body` sent as it is, as `content_type`.
    pub async fn send_body(
        &self,
        dev: Option<&Device>,
        route: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Response {
        let req = self.req(dev, route).header("content-type", content_type);
        req.body(body).send().await.expect(route)
    }

    /// `GET path` as `dev`, with `query`.
    pub async fn get(&self, dev: &Device, path: &str, query: &[(&str, &str)]) -> Response {
        let req = self.req(Some(dev), &format!("GET {path}")).query(query);
        req.send().await.expect(path)
    }

    /// `GET path` as `dev`, answered 200 with a `T`.
    pub async fn get_ok<T: DeserializeOwned>(
        &self,
        dev: &Device,
        path: &str,
        query: &[(&str, &str)],
    ) -> T {
        let res = self.get(dev, path, query).await;
        assert_eq!(res.status(), 200, "{path}");
        res.json().await.expect(path)
    }

    /// Each request is answered with its JSON error.
    pub async fn assert_refused(&self, refusals: &[Refusal<'_>]) {
        for (dev, route, body, status, code) in refusals {
            let res = match body {
                Some(body) => self.send_json(*dev, route, body).await,
                None => self.send(*dev, route).await,
            };
            assert_json_error(res, *status, code).await;
        }
    }

    /// The status `/healthz` answers.
    pub async fn healthz_status(&self) -> u16 {
        self.send(None, "GET /healthz").await.status().as_u16()
    }

    /// As if `dev`'s session (every session, for `None`) was last used `ago`.
    pub async fn idle_sessions(&self, dev: Option<&Device>, ago: chrono::Duration) {
        let at = onsite_server::store::ts(Utc::now() - ago);
        let query = match dev {
            Some(dev) => sqlx::query("UPDATE tokens SET last_used_at = $1 WHERE token_hash = $2")
                .bind(at)
                .bind(onsite_server::auth::token_hash(&dev.token)),
            None => sqlx::query("UPDATE tokens SET last_used_at = $1").bind(at),
        };
        query
            .execute(self.store.pool())
            .await
            .expect("idle sessions");
    }

    /// A login request from a device `client_id`.
    pub async fn login_from(&self, username: &str, password: &str, client_id: Uuid) -> Response {
        let body = json!({ "username": username, "password": password, "client_id": client_id });
        self.send_json(None, "POST /api/v1/login", &body).await
    }

    /// A login request from a new device.
    pub async fn login_raw(&self, username: &str, password: &str) -> Response {
        self.login_from(username, password, Uuid::new_v4()).await
    }

    /// Signs in as a demo or seeded user (`seed::PASSWORD`).
    pub async fn login(&self, username: &str) -> Device {
        self.login_with(username, PASSWORD).await
    }

    /// Signs in as each of `usernames`, in order.
    pub async fn login_all<const N: usize>(&self, usernames: [&str; N]) -> [Device; N] {
        let mut devices = Vec::new();
        for username in usernames {
            devices.push(self.login(username).await);
        }
        devices.try_into().expect("one device each")
    }

    pub async fn login_with(&self, username: &str, password: &str) -> Device {
        let client_id = Uuid::new_v4();
        let res = self.login_from(username, password, client_id).await;
        assert_eq!(res.status(), 200, "login as {username}");
        let body: LoginResponse = res.json().await.expect("login body");
        Device {
            token: body.token,
            client_id,
            user: body.user,
            seq: 0,
        }
    }

    /// A push of `mutations` from `dev`, to send.
    pub fn push_request(&self, dev: &Device, mutations: Vec<WireMutation>) -> RequestBuilder {
        let req = PushRequest {
            client_id: dev.client_id,
            schema_version: SCHEMA_VERSION,
            mutations,
        };
        self.req(Some(dev), "POST /api/v1/sync/push").json(&req)
    }

    /// A push of `body` sent as it is, as JSON.
    pub async fn push_body(&self, dev: &Device, body: impl Into<reqwest::Body>) -> Response {
        let route = "POST /api/v1/sync/push";
        self.send_body(Some(dev), route, "application/json", body)
            .await
    }

    pub async fn push_raw(&self, dev: &Device, mutations: Vec<WireMutation>) -> Response {
        let req = self.push_request(dev, mutations);
        req.send().await.expect("push request")
    }

    pub async fn push(&self, dev: &Device, mutations: Vec<WireMutation>) -> PushResponse {
        let res = self.push_raw(dev, mutations).await;
        assert_eq!(res.status(), 200, "push: {:?}", res.text().await);
        res.json().await.expect("push body")
    }

    /// Push `steps` in requests of at most 100; every one must apply.
    pub async fn push_steps(&self, dev: &mut Device, steps: Vec<(&str, Value)>) {
        let mut steps = steps.into_iter().peekable();
        while steps.peek().is_some() {
            let batch = dev.queue(steps.by_ref().take(100).collect());
            assert_all(&self.push(dev, batch).await, PushStatus::Applied);
        }
    }

    /// Push one mutation (next seq) and return its result.
    pub async fn push_one(
        &self,
        dev: &mut Device,
        name: &str,
        args: Value,
    ) -> (PushStatus, Option<String>) {
        self.push_at(dev, name, args, Utc::now()).await
    }

    /// Push one mutation (next seq) made at `client_time` and return its result.
    pub async fn push_at(
        &self,
        dev: &mut Device,
        name: &str,
        args: Value,
        client_time: DateTime<Utc>,
    ) -> (PushStatus, Option<String>) {
        let mut m = dev.next(name, args);
        m.client_time = client_time;
        let r = self.push(dev, vec![m]).await.results.remove(0);
        (r.status, r.reason)
    }

    /// Push one mutation made at `client_time` and assert it is applied.
    pub async fn push_applied_at(
        &self,
        dev: &mut Device,
        name: &str,
        args: Value,
        client_time: DateTime<Utc>,
    ) {
        let result = self.push_at(dev, name, args, client_time).await;
        assert_eq!(result, (PushStatus::Applied, None), "{name}");
    }

    /// Push one mutation and assert it is applied.
    pub async fn push_applied(&self, dev: &mut Device, name: &str, args: Value) {
        let (s, r) = self.push_one(dev, name, args).await;
        assert_eq!((s, r), (PushStatus::Applied, None), "{name}");
    }

    /// Push one mutation, assert it is rejected and return the reason.
    pub async fn push_rejected(&self, dev: &mut Device, name: &str, args: Value) -> String {
        let (s, r) = self.push_one(dev, name, args).await;
        assert_eq!(s, PushStatus::Rejected, "{name}");
        r.expect("a rejection reason")
    }

    /// Push one mutation, assert it is rejected with `code` and return the reason.
    pub async fn push_rejected_code(
        &self,
        dev: &mut Device,
        name: &str,
        args: Value,
        expected: &str,
    ) -> String {
        let reason = self.push_rejected(dev, name, args).await;
        assert_eq!(code(&reason), expected, "{name}: {reason}");
        reason
    }

    pub async fn pull_raw(&self, dev: &Device, cursor: Option<&str>) -> Response {
        let mut q = vec![("client_id", dev.client_id.to_string())];
        if let Some(c) = cursor {
            q.push(("cursor", c.to_string()));
        }
        let req = self.req(Some(dev), "GET /api/v1/sync/pull").query(&q);
        req.send().await.expect("pull request")
    }

    pub async fn pull(&self, dev: &Device, cursor: Option<&str>) -> PullResponse {
        let res = self.pull_raw(dev, cursor).await;
        assert_eq!(res.status(), 200);
        res.json().await.expect("pull body")
    }

    /// Pull from `cursor` until `has_more` is false.
    pub async fn pull_all(&self, dev: &Device, cursor: Option<&str>) -> (Vec<Change>, String) {
        let mut changes = Vec::new();
        let mut cursor = cursor.map(str::to_string);
        loop {
            let page = self.pull(dev, cursor.as_deref()).await;
            changes.extend(page.changes);
            cursor = Some(page.cursor);
            if !page.has_more {
                return (changes, cursor.unwrap());
            }
        }
    }

    /// The device's view after a full pull: the latest state per entity.
    pub async fn snapshot(&self, dev: &Device) -> Snapshot {
        let (changes, cursor) = self.pull_all(dev, None).await;
        Snapshot::from_changes(changes, cursor)
    }

    pub async fn put_blob(&self, dev: &Device, sha256: &str, bytes: Vec<u8>) -> Response {
        let route = format!("PUT /api/v1/blobs/{sha256}");
        self.send_body(Some(dev), &route, "application/octet-stream", bytes)
            .await
    }

    /// Upload `bytes` as `dev`, a first upload (201); returns their hash.
    pub async fn upload(&self, dev: &Device, bytes: &[u8]) -> String {
        let hash = sha(bytes);
        let res = self.put_blob(dev, &hash, bytes.to_vec()).await;
        assert_eq!(res.status(), 201, "{}'s upload", dev.user.name);
        hash
    }

    pub async fn get_blob(&self, dev: &Device, sha256: &str) -> Response {
        self.send(Some(dev), &format!("GET /api/v1/blobs/{sha256}"))
            .await
    }
}

/// Entities as a device would hold them after applying changes in order.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub cursor: String,
    pub cases: BTreeMap<Uuid, Case>,
    pub parts: BTreeMap<String, Value>,
    pub stock: BTreeMap<String, onsite_core::StockLevel>,
    pub rejections: Vec<onsite_core::wire::RejectionRecord>,
    pub users: BTreeMap<String, onsite_core::wire::UserInfo>,
    pub policies: BTreeMap<String, onsite_core::wire::PolicyRecord>,
    pub past_fixes: BTreeMap<String, onsite_core::PastFix>,
}

impl Snapshot {
    pub fn from_changes(changes: Vec<Change>, cursor: String) -> Snapshot {
        let mut s = Snapshot {
            cursor,
            ..Default::default()
        };
        for c in changes {
            s.apply(c);
        }
        s
    }

    pub fn apply(&mut self, c: Change) {
        match (c.entity, c.op) {
            (Entity::Case, ChangeOp::Put) => {
                let case: Case = serde_json::from_value(c.data).expect("case data");
                self.cases.insert(case.id, case);
            }
            (Entity::Case, ChangeOp::Delete) => {
                self.cases.remove(&c.id.parse().unwrap());
            }
            (Entity::Part, _) => {
                self.parts.insert(c.id, c.data);
            }
            (Entity::Stock, _) => {
                self.stock
                    .insert(c.id, serde_json::from_value(c.data).expect("stock data"));
            }
            (Entity::Rejection, _) => {
                self.rejections
                    .push(serde_json::from_value(c.data).expect("rejection data"));
            }
            (Entity::User, ChangeOp::Put) => {
                self.users
                    .insert(c.id, serde_json::from_value(c.data).expect("user data"));
            }
            (Entity::Policy, ChangeOp::Put) => {
                self.policies
                    .insert(c.id, serde_json::from_value(c.data).expect("policy data"));
            }
            (Entity::PastFix, ChangeOp::Put) => {
                self.past_fixes
                    .insert(c.id, serde_json::from_value(c.data).expect("past fix data"));
            }
            (Entity::User, ChangeOp::Delete) => {
                self.users.remove(&c.id);
            }
            (Entity::Policy, ChangeOp::Delete) => {
                self.policies.remove(&c.id);
            }
            (Entity::PastFix, ChangeOp::Delete) => {
                self.past_fixes.remove(&c.id);
            }
            (Entity::Unknown, _) => panic!("the server sent an unknown entity: {}", c.id),
        }
    }

    pub fn with_status(&self, assignee: Uuid, status: CaseStatus) -> Vec<&Case> {
        self.cases
            .values()
            .filter(|c| c.assignee_id == Some(assignee) && c.status == status)
            .collect()
    }
}

pub fn png(seed: u8) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend_from_slice(&[seed; 32]);
    v
}

pub fn sha(bytes: &[u8]) -> String {
    onsite_core::sha256_hex(bytes)
}

pub async fn assert_json_error(res: Response, status: u16, code: &str) -> Value {
    assert_eq!(res.status().as_u16(), status);
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert!(ct.starts_with("application/json"), "content-type {ct}");
    let body: Value = res.json().await.expect("JSON error body");
    assert_eq!(body["error"], code, "{body}");
    assert!(body["message"].is_string(), "{body}");
    body
}
