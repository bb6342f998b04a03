//! Demo data: three users, a generated parts catalog, van stock and a few dozen cases in
//! every status. Cases are built by running real mutations through `onsite_core::apply`,
//! so every one of them is a state the app can reach.

use std::collections::BTreeMap;

use anyhow::Context;
use chrono::Utc;
use onsite_core::mutation::StockAdjustArgs;
use onsite_core::{apply, Actor, ApplyContext, Mutation, Role, StockMove};
use uuid::Uuid;

mod assets;
mod cast;
mod catalog;
mod story;

use assets::Images;
pub use assets::{PHOTO_AFTER, PHOTO_BEFORE, PHOTO_FAILED_ITEM, PHOTO_LABEL, SIGNATURE_PNG};
use cast::{reorder_point, People};
pub use catalog::catalog;
use story::Builder;

use crate::auth::hash_password;
use crate::store::cases::{self, StockReason};
use crate::store::{blobs, policies, users, Store};
use crate::sync::outcome;

pub const DEMO_PASSWORD: &str = "onsite-demo";

/// Customers with a contract on the strict SLA policy.
pub const STRICT_CUSTOMERS: &[&str] = &[
    "上海华东医院",
    "Tianjin Port Customs Hall",
    "Kunming Airport Terminal IT",
    "Jinan Provincial Government",
    "Shanghai Pudong Airport T2 IT",
];

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the database already has {0} user(s); demo data loads only into an empty database")]
    NotEmpty(i64),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<sqlx::Error> for DemoError {
    fn from(e: sqlx::Error) -> DemoError {
        DemoError::Other(e.into())
    }
}

#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: String,
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub logins: Vec<DemoLogin>,
    pub password: &'static str,
    pub cases: usize,
    pub parts: usize,
}

impl std::fmt::Display for DemoSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "Demo data loaded: {} cases, {} parts. Logins (password `{}`):",
            self.cases, self.parts, self.password
        )?;
        for l in &self.logins {
            writeln!(f, "  {:<8} {:<16} {}", l.username, l.name, l.role.as_str())?;
        }
        Ok(())
    }
}

/// Load the demo data into an empty database, in one transaction.
pub async fn load_demo(store: &Store) -> Result<DemoSummary, DemoError> {
    let logins = vec![
        ("manager", "Service Manager", Role::Manager),
        ("alice", "Alice Chen", Role::Engineer),
        ("bob", "Bob Li", Role::Engineer),
    ];
    // Hash outside the transaction: argon2 is slow on purpose. The demo password is public,
    // so one hash (one salt) serves all three demo users.
    let hash = tokio::task::spawn_blocking(|| hash_password(DEMO_PASSWORD))
        .await
        .context("hashing the demo password")??;

    let now = Utc::now();
    let mut tx = store.write().await?;
    let existing = users::user_count(&mut tx).await?;
    if existing > 0 {
        return Err(DemoError::NotEmpty(existing));
    }
    let mut ids = Vec::new();
    for (username, name, role) in &logins {
        let user = users::UserRow {
            id: Uuid::new_v4(),
            username: username.to_string(),
            name: name.to_string(),
            role: *role,
            password_hash: hash.clone(),
        };
        users::insert_user(&mut tx, &user, now).await?;
        ids.push(user.id);
    }
    let people = People {
        manager: Actor {
            user_id: ids[0],
            role: Role::Manager,
        },
        alice: Actor {
            user_id: ids[1],
            role: Role::Engineer,
        },
        bob: Actor {
            user_id: ids[2],
            role: Role::Engineer,
        },
    };

    let catalog = catalog();
    for p in &catalog {
        cases::put_part(&mut tx, p).await?;
    }
    for bytes in Images::ALL {
        let hash = onsite_core::sha256_hex(bytes);
        blobs::insert(&mut tx, &hash, bytes, people.alice.user_id, now).await?;
    }
    let images = Images::hashed();
    for customer in STRICT_CUSTOMERS {
        policies::set_contract(&mut tx, customer, "strict").await?;
    }
    // The records with their contract customers, as the server holds them.
    let records = policies::all_records(&mut tx, Role::Manager).await?;

    let mut builder = Builder::new(now, &catalog, images, records);
    for (i, spec) in cast::SPECS.iter().enumerate() {
        builder.build(i, spec, &people)?;
    }

    // Van stock: a deterministic few hundred parts per engineer, plus what the demo cases used.
    let mut written = outcome::Outcome::default();
    for (k, engineer) in [people.alice.user_id, people.bob.user_id]
        .into_iter()
        .enumerate()
    {
        let mut load: BTreeMap<String, i64> = BTreeMap::new();
        for (i, p) in catalog.iter().enumerate() {
            if (i + k * 3) % 7 == 0 {
                load.insert(p.part_no.clone(), 1 + ((i * 7 + k) % 9) as i64);
            }
        }
        for (who, part_no, _) in &builder.moves {
            if *who == engineer {
                *load.entry(part_no.clone()).or_insert(0) += 4;
            }
        }
        // One spare alice fitted was never loaded onto her van: her stock of it is negative
        // until the warehouse books it (the ledger shows why).
        if let Some(part) = builder.unloaded_part(engineer) {
            load.remove(&part);
        }
        let why = StockReason {
            reason: "demo van load",
            ..Default::default()
        };
        let loaded: Vec<StockMove> = load
            .iter()
            .map(|(part_no, qty)| StockMove {
                engineer_id: engineer,
                part_no: part_no.clone(),
                delta: *qty,
            })
            .collect();
        written.move_stock(&loaded, &why, None);
    }
    // The parts the cases used, on the ledger as a push puts them (a van driven below zero
    // flags the case).
    for (engineer, part_no, (delta, case_id)) in &builder.moves {
        let why = StockReason {
            reason: "part.use",
            case_id: Some(*case_id),
            ..Default::default()
        };
        let used = [StockMove {
            engineer_id: *engineer,
            part_no: part_no.clone(),
            delta: *delta,
        }];
        written.move_stock(&used, &why, Some(*case_id));
    }
    written
        .write_stock(&mut tx, &mut builder.cases, now)
        .await?;
    // Reorder points: what a van should never run below, by kind of part.
    for engineer in [people.alice.user_id, people.bob.user_id] {
        for line in cases::levels_of(&mut tx, engineer).await? {
            let min_qty = reorder_point(&line.part_no);
            cases::set_min_qty(&mut tx, engineer, &line.part_no, min_qty).await?;
        }
    }
    // The manager replenishes alice's van: a `stock.adjust` through onsite-core, on the ledger.
    let adjust = Mutation::StockAdjust(StockAdjustArgs {
        engineer_id: people.alice.user_id,
        part_no: builder.part_for("BAT-", 0),
        delta: 6,
        reason: "Monthly replenishment from the central warehouse".into(),
    });
    let ctx = ApplyContext {
        actor: people.manager,
        client_time: now,
        server_time: Some(now),
        policies: &builder.policies,
    };
    let out = apply(&adjust, &builder.cases, &ctx)
        .map_err(|r| anyhow::anyhow!("demo stock.adjust failed: {r}"))?;
    if let Mutation::StockAdjust(a) = &adjust {
        let why = StockReason {
            reason: adjust.name(),
            note: Some(&a.reason),
            ..Default::default()
        };
        written.move_stock(&out.stock_moves, &why, None);
    }
    let all = builder.cases.keys().copied().collect();
    written
        .store(&mut tx, &mut builder.cases, all, &BTreeMap::new(), now)
        .await?;
    tx.commit().await?;
    Ok(DemoSummary {
        logins: logins
            .into_iter()
            .map(|(u, n, r)| DemoLogin {
                username: u.into(),
                name: n.into(),
                role: r,
            })
            .collect(),
        password: DEMO_PASSWORD,
        cases: builder.cases.len(),
        parts: catalog.len(),
    })
}
