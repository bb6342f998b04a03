//! Push: apply a device's queued mutations in seq order, idempotently, in one transaction.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use onsite_core::rejection::printable;
use onsite_core::wire::{
    PushRequest, PushResponse, PushResult, PushStatus, RejectionRecord, WireMutation,
};
use onsite_core::{
    apply, ApplyContext, Case, CaseFlag, Mutation, Rejection, RejectionCode, SlaPolicy,
};
use uuid::Uuid;

use super::outcome;
use crate::auth::Session;
use crate::error::ApiError;
use crate::store::cases::{self, StockReason};
use crate::store::{blobs, log, policies, users, Conn, Store};

/// Apply `req` for `session`. The caller has checked the client id (the token's device, which
/// belongs to the token's user for good: one user's push never moves another's seq), the
/// schema and the batch size.
/// A seq gap rolls the whole request back (`409 seq_gap`); the device resends from `expected`.
pub async fn push(
    store: &Store,
    session: &Session,
    req: PushRequest,
) -> Result<PushResponse, ApiError> {
    // On PostgreSQL two pushes that lock the same cases in opposite orders deadlock, and one
    // is rolled back whole: run it again (its device would, after Retry-After).
    let mut attempt = 0;
    loop {
        attempt += 1;
        match push_once(store, session, req.clone()).await {
            Err(e) if e.is_contention() && attempt < 4 => continue,
            done => return done,
        }
    }
}

async fn push_once(
    store: &Store,
    session: &Session,
    req: PushRequest,
) -> Result<PushResponse, ApiError> {
    let mut mutations = req.mutations;
    mutations.sort_by_key(|m| m.seq);

    let mut tx = store.write().await?;
    let mut last_seq = match users::lock_last_seq(&mut tx, req.client_id).await? {
        Some(s) => s,
        None => {
            if !users::bind_client(&mut tx, req.client_id, session.user_id, Utc::now()).await? {
                return Err(client_taken());
            }
            // A push of the same device on another instance may have bound it first.
            users::lock_last_seq(&mut tx, req.client_id)
                .await?
                .unwrap_or(0)
        }
    };
    // A gap anywhere refuses the whole request before anything is applied: `expected` must
    // be what the server has committed + 1, or the device would drop entries it still needs.
    let mut next = last_seq + 1;
    for wm in &mutations {
        if wm.seq < next {
            continue;
        }
        if wm.seq != next {
            return Err(ApiError::seq_gap(last_seq + 1, wm.seq));
        }
        next += 1;
    }
    // Each new mutation parsed and checked once, before anything it carries reaches a query.
    let checked: Vec<Option<Result<Mutation, Rejection>>> = mutations
        .iter()
        .map(|wm| (wm.seq > last_seq).then(|| check(wm)))
        .collect();
    let mut touched = Touched::default();
    touched
        .look_up_parts(&mut tx, checked.iter().flatten().flatten())
        .await?;
    let mut audit = Vec::with_capacity(mutations.len());
    let mut results = Vec::with_capacity(mutations.len());
    for (wm, checked) in mutations.iter().zip(checked) {
        if wm.seq <= last_seq {
            // Nothing is applied again; a replayed rejection is answered as one.
            let reason = log::earlier_rejection(&mut tx, req.client_id, wm.seq).await?;
            results.push(PushResult {
                seq: wm.seq,
                status: if reason.is_some() {
                    PushStatus::Rejected
                } else {
                    PushStatus::Duplicate
                },
                reason,
            });
            continue;
        }
        debug_assert_eq!(wm.seq, last_seq + 1, "gaps are refused above");
        let now = Utc::now();
        let outcome = match checked.unwrap_or_else(|| check(wm)) {
            Ok(m) => apply_one(&mut tx, session, wm, m, now, &mut touched).await?,
            Err(rejection) => Err(rejection),
        };
        let rejected = match outcome {
            Ok(()) => None,
            Err(rejection) => {
                let rec = RejectionRecord {
                    id: Uuid::new_v4(),
                    client_id: req.client_id,
                    seq: wm.seq,
                    mutation_id: wm.id,
                    // An unknown name is the device's own text: recorded without control
                    // characters (PostgreSQL's text holds no NUL).
                    name: printable(&wm.name).into_owned(),
                    case_id: wm
                        .args
                        .get("case_id")
                        .and_then(|v| v.as_str())
                        .and_then(|s| Uuid::parse_str(s).ok()),
                    code: rejection.code,
                    message: rejection.message.clone(),
                    at: now,
                };
                log::insert_rejection(&mut tx, &rec, session.user_id).await?;
                Some(rejection.to_string())
            }
        };
        audit.push(log::AuditEntry {
            client_id: req.client_id,
            user_id: session.user_id,
            mutation: wm,
            server_time: now,
            rejected: rejected.clone(),
        });
        last_seq = wm.seq;
        results.push(PushResult {
            seq: wm.seq,
            status: if rejected.is_some() {
                PushStatus::Rejected
            } else {
                PushStatus::Applied
            },
            reason: rejected,
        });
    }
    touched.store(&mut tx, Utc::now()).await?;
    log::audit(&mut tx, &audit).await?;
    users::set_last_seq(&mut tx, req.client_id, last_seq, Utc::now()).await?;
    tx.commit().await?;
    Ok(PushResponse { last_seq, results })
}

/// The cases a push touches, read once and written once: a device's batch is mostly many
/// mutations of one case, and a case document is read, decoded, encoded and written once per
/// push instead of once per mutation. The other writes wait in `outcome` for the end too.
#[derive(Default)]
struct Touched {
    /// As they stood before the push.
    before: BTreeMap<Uuid, Case>,
    /// As they stand now.
    now: BTreeMap<Uuid, Case>,
    changed: BTreeSet<Uuid>,
    outcome: outcome::Outcome,
    /// Part numbers looked up in the catalog: whether each exists.
    parts: HashMap<String, bool>,
    /// The SLA policies, read inside the transaction (managers edit them) when a mutation
    /// of the push needs them.
    policies: Option<Vec<SlaPolicy>>,
}

impl Touched {
    /// Reads the cases among `ids` this push has not read yet; `now` then holds the current
    /// state of every one that exists (what `authorize` and `apply` look up by id).
    async fn load(&mut self, conn: &mut Conn, ids: &[Uuid]) -> Result<(), sqlx::Error> {
        let missing: Vec<Uuid> = ids
            .iter()
            .filter(|id| !self.now.contains_key(id))
            .copied()
            .collect();
        for (id, case) in cases::load_cases(conn, &missing).await? {
            self.before.insert(id, case.clone());
            self.now.insert(id, case);
        }
        Ok(())
    }

    fn put(&mut self, case: Case) {
        self.changed.insert(case.id);
        self.now.insert(case.id, case);
    }

    /// Looks up at once every part number the push's mutations name (checked mutations
    /// only: what a device sends reaches a query only once it passed `validate`).
    async fn look_up_parts(
        &mut self,
        conn: &mut Conn,
        mutations: impl Iterator<Item = &Mutation>,
    ) -> Result<(), sqlx::Error> {
        let named: BTreeSet<String> = mutations
            .filter_map(|m| match m {
                Mutation::PartUse(a) => Some(&a.part_no),
                Mutation::StockAdjust(a) => Some(&a.part_no),
                _ => None,
            })
            .map(|p| p.trim().to_string())
            .collect();
        if named.is_empty() {
            return Ok(());
        }
        let known = cases::parts_in_catalog(conn, &named).await?;
        for part_no in named {
            let exists = known.contains(&part_no);
            self.parts.insert(part_no, exists);
        }
        Ok(())
    }

    async fn part_exists(&mut self, conn: &mut Conn, part_no: &str) -> Result<bool, sqlx::Error> {
        if let Some(known) = self.parts.get(part_no) {
            return Ok(*known);
        }
        let exists = cases::part_exists(conn, part_no).await?;
        self.parts.insert(part_no.to_string(), exists);
        Ok(exists)
    }

    async fn policies(&mut self, conn: &mut Conn) -> Result<&[SlaPolicy], sqlx::Error> {
        if self.policies.is_none() {
            self.policies = Some(policies::all_policies(conn).await?);
        }
        Ok(self.policies.as_deref().unwrap_or_default())
    }

    /// Write every changed case, against how it stood before the push, with the push's
    /// other writes.
    async fn store(self, conn: &mut Conn, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
        let Touched {
            before,
            now: mut cases,
            changed,
            outcome,
            ..
        } = self;
        outcome.store(conn, &mut cases, changed, &before, now).await
    }
}

pub fn client_taken() -> ApiError {
    ApiError::conflict(
        "client_taken",
        "this client_id belongs to another user: a device makes a new one for each user",
    )
}

/// Parse and check what needs no data: the shape, every range, the characters of every
/// string, the device's clock. Nothing malformed reaches a query.
fn check(wm: &WireMutation) -> Result<Mutation, Rejection> {
    let m = Mutation::parse(&wm.name, &wm.args)?;
    m.validate()?;
    onsite_core::mutation::check_client_time(wm.client_time)?;
    Ok(m)
}

/// Check a mutation (`check`'d already) against server data, apply it through onsite-core and
/// store the outcome. The outer error is the database's; the inner one is the mutation's
/// rejection.
async fn apply_one(
    conn: &mut Conn,
    session: &Session,
    wm: &WireMutation,
    mut m: Mutation,
    now: DateTime<Utc>,
    touched: &mut Touched,
) -> Result<Result<(), Rejection>, sqlx::Error> {
    // Shape first (`check`: no query for malformed input), then who is asking, and only then
    // what only the database knows (a stranger learns nothing from those answers).
    let actor = session.actor();
    touched.load(conn, &m.touched_case_ids()).await?;
    if let Err(r) = onsite_core::authorize(&m, &touched.now, &actor) {
        if let Some(case) = late_work(&m, &touched.now, session, wm, now) {
            // Refused on the case, but a part used did leave the sender's own van. A late
            // correction only shows on the flag: it names a use the case may not hold, and the
            // manager adjusts the van if it is due.
            if let Mutation::PartUse(a) = &m {
                let mv = a.van_move(session.user_id);
                if touched.part_exists(conn, &mv.part_no).await? {
                    let why = StockReason {
                        reason: m.name(),
                        case_id: Some(case.id),
                        mutation_id: Some(wm.id),
                        note: None,
                    };
                    // No NegativeStock flag: the case did not take the part (LateWork says it).
                    touched.outcome.move_stock(&[mv], &why, None);
                }
            }
            touched.put(case);
        }
        return Ok(Err(r));
    }
    if let Some(r) = server_checks(conn, &m, session, touched, now).await? {
        return Ok(Err(r));
    }
    // A case opened without a policy runs on its customer's contract, else on `standard`.
    let create = match &mut m {
        Mutation::Create(a) => Some(a),
        Mutation::CreateInspection(a) => Some(&mut a.create),
        _ => None,
    };
    // Opening a case is the only mutation that reads the SLA policies.
    let sla_policies = match create {
        Some(a) => {
            if a.policy.is_none() {
                a.policy = policies::contract_policy(conn, &a.customer.name).await?;
            }
            touched.policies(conn).await?.to_vec()
        }
        None => Vec::new(),
    };
    let ctx = ApplyContext {
        actor,
        client_time: wm.client_time,
        server_time: Some(now),
        policies: &sla_policies,
    };
    let outcome = match apply(&m, &touched.now, &ctx) {
        Ok(o) => o,
        Err(r) => return Ok(Err(r)),
    };
    let mut stored = outcome.cases;
    // onsite-core flags a skewed device clock; only the server knows the mutation's id.
    for case in &mut stored {
        for flag in &mut case.flags {
            if let CaseFlag::ClockSkew {
                mutation_id: id @ None,
                event,
                client_time,
                server_time,
            } = flag
            {
                if *event == wm.name && *client_time == wm.client_time && *server_time == now {
                    *id = Some(wm.id);
                }
            }
        }
    }
    let why = StockReason {
        reason: m.name(),
        case_id: m.target_case(),
        mutation_id: Some(wm.id),
        note: match &m {
            Mutation::StockAdjust(a) => Some(a.reason.as_str()),
            _ => None,
        },
    };
    let used_by = m
        .target_case()
        .filter(|id| stored.iter().any(|c| c.id == *id));
    touched
        .outcome
        .move_stock(&outcome.stock_moves, &why, used_by);
    for case in stored {
        touched.put(case);
    }
    Ok(Ok(()))
}

/// Work a former assignee recorded before the reassignment reached their device is rejected
/// (only the current assignee writes to a case) but kept on the case for the manager, and a
/// part they used still leaves their van: a part physically used is never silently lost.
/// The case with the `LateWork` flag, when it is due.
fn late_work(
    m: &Mutation,
    before: &BTreeMap<Uuid, Case>,
    session: &Session,
    wm: &WireMutation,
    now: DateTime<Utc>,
) -> Option<Case> {
    let case = before.get(&m.target_case()?)?;
    let former = session.role == onsite_core::Role::Engineer
        && case.assignee_id != Some(session.user_id)
        && case.was_assigned_to(session.user_id);
    let seen = case
        .flags
        .iter()
        .any(|f| matches!(f, CaseFlag::LateWork { mutation_id, .. } if *mutation_id == wm.id));
    if !former || seen {
        return None;
    }
    let mut case = case.clone();
    case.flags.push(CaseFlag::LateWork {
        mutation_id: wm.id,
        event: m.name().to_string(),
        by: session.user_id,
        args: m.args(),
        at: now,
    });
    Some(case)
}

/// Checks that need the server's data: the catalog, the users, the blob store.
async fn server_checks(
    conn: &mut Conn,
    m: &Mutation,
    session: &Session,
    touched: &mut Touched,
    now: DateTime<Utc>,
) -> Result<Option<Rejection>, sqlx::Error> {
    // Naming a blob needs its bytes: an upload of one's own, or a case one may see that names
    // it. Otherwise it is answered as missing, so a hash reveals nothing. Named, the blob is
    // held from the clean-up until this push commits (`blobs::may_name`).
    for hash in m.blob_hashes() {
        if !blobs::may_name(conn, &hash, session.user_id, session.role, now).await? {
            return Ok(blob_missing(&hash));
        }
    }
    Ok(match m {
        Mutation::PartUse(a) if !touched.part_exists(conn, a.part_no.trim()).await? => {
            Some(Rejection::new(
                RejectionCode::UnknownPart,
                format!("part `{}` is not in the catalog", a.part_no),
            ))
        }
        Mutation::StockAdjust(a) if !touched.part_exists(conn, a.part_no.trim()).await? => {
            Some(Rejection::new(
                RejectionCode::UnknownPart,
                format!("part `{}` is not in the catalog", a.part_no),
            ))
        }
        Mutation::StockAdjust(a) if !users::is_engineer(conn, a.engineer_id).await? => {
            Some(Rejection::new(
                RejectionCode::UnknownEngineer,
                format!("{} is not an engineer", a.engineer_id),
            ))
        }
        Mutation::Assign(a) if !users::is_engineer(conn, a.engineer_id).await? => {
            Some(Rejection::new(
                RejectionCode::UnknownEngineer,
                format!("{} is not an engineer", a.engineer_id),
            ))
        }
        _ => None,
    })
}

fn blob_missing(sha256: &str) -> Option<Rejection> {
    Some(Rejection::new(
        RejectionCode::BlobMissing,
        format!("upload blob {sha256} before the mutation that names it"),
    ))
}
