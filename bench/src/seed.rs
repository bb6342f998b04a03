//! The fleet the load runs against: the demo data (catalog, policies, managers) plus one
//! engineer per device, each with a session and one case in progress, written straight into
//! the database through the server's own store and push path before the server starts.

use chrono::{Duration, Utc};
use onsite_core::mutation::{AssignArgs, CaseRef, CreateArgs, SetStatusArgs};
use onsite_core::wire::{PushRequest, PushStatus};
use onsite_core::{
    CaseStatus, Category, Customer, Mutation, Product, Role, ServiceMode, Severity, Site,
    SCHEMA_VERSION,
};
use onsite_server::auth::{hash_password, new_token, token_hash, Session};
use onsite_server::store::users::{self, UserRow};
use onsite_server::Store;
use uuid::Uuid;

/// One device of the fleet as the load sees it.
#[derive(Debug, Clone)]
pub struct Device {
    pub token: String,
    pub client_id: Uuid,
    pub case_id: Uuid,
    /// The seq its first push of the load starts at (seeding pushed the ones before).
    pub first_seq: u64,
}

pub struct Fleet {
    pub devices: Vec<Device>,
    pub parts: Vec<String>,
}

/// Devices seeded per transaction.
const CHUNK: usize = 50;

pub async fn seed(database_url: &str, devices: usize) -> anyhow::Result<Fleet> {
    let store = Store::connect(database_url).await?;
    onsite_server::load_demo(&store).await?;
    let parts: Vec<String> = sqlx::query_scalar("SELECT part_no FROM parts ORDER BY part_no")
        .fetch_all(store.pool())
        .await?;
    anyhow::ensure!(!parts.is_empty(), "the demo has no parts");
    let manager = {
        let mut conn = store.pool().acquire().await?;
        users::by_username(&mut conn, "manager")
            .await?
            .ok_or_else(|| anyhow::anyhow!("the demo has no manager"))?
    };
    let desk = Session {
        token_hash: String::new(),
        user_id: manager.id,
        name: manager.name.clone(),
        role: Role::Manager,
        client_id: Uuid::new_v4(),
    };
    let mut desk_seq = 0;
    // Every engineer gets the same password: one argon2 hash, not thousands.
    let hash = hash_password("bench-password")?;
    let mut fleet = Vec::with_capacity(devices);
    for chunk in 0..devices.div_ceil(CHUNK) {
        let n = CHUNK.min(devices - chunk * CHUNK);
        let mut sessions = Vec::with_capacity(n);
        let now = Utc::now();
        let mut tx = store.write().await?;
        for i in 0..n {
            let k = chunk * CHUNK + i;
            let user = UserRow {
                id: Uuid::new_v4(),
                username: format!("load{k}"),
                name: format!("Load engineer {k}"),
                role: Role::Engineer,
                password_hash: hash.clone(),
            };
            users::insert_user(&mut tx, &user, now).await?;
            let client_id = Uuid::new_v4();
            let token = new_token();
            users::bind_client(&mut tx, client_id, user.id, now).await?;
            users::insert_token(&mut tx, &token_hash(&token), user.id, client_id, now).await?;
            let session = Session {
                token_hash: token_hash(&token),
                user_id: user.id,
                name: user.name,
                role: Role::Engineer,
                client_id,
            };
            sessions.push((session, token, Uuid::new_v4()));
        }
        tx.commit().await?;
        // The desk opens and assigns one case per engineer...
        let mut desk_batch = Vec::new();
        for (s, _, case_id) in &sessions {
            desk_batch.push(create(*case_id, s.user_id));
            desk_batch.push(Mutation::Assign(AssignArgs {
                case_id: *case_id,
                engineer_id: s.user_id,
            }));
        }
        push_all(&store, &desk, &mut desk_seq, desk_batch).await?;
        // ...and each engineer takes it to work.
        for (s, token, case_id) in sessions {
            let mut seq = 0;
            let mut steps = vec![Mutation::Accept(CaseRef { case_id })];
            for status in [
                CaseStatus::EnRoute,
                CaseStatus::OnSite,
                CaseStatus::InProgress,
            ] {
                steps.push(Mutation::SetStatus(SetStatusArgs {
                    case_id,
                    status,
                    reason: None,
                }));
            }
            push_all(&store, &s, &mut seq, steps).await?;
            fleet.push(Device {
                token,
                client_id: s.client_id,
                case_id,
                first_seq: seq + 1,
            });
        }
    }
    store.pool().close().await;
    Ok(Fleet {
        devices: fleet,
        parts,
    })
}

async fn push_all(
    store: &Store,
    session: &Session,
    seq: &mut u64,
    mutations: Vec<Mutation>,
) -> anyhow::Result<()> {
    for batch in mutations.chunks(onsite_core::wire::MAX_BATCH_MUTATIONS) {
        let wire = batch
            .iter()
            .map(|m| {
                *seq += 1;
                m.to_wire(*seq, Uuid::new_v4(), Utc::now())
            })
            .collect();
        let req = PushRequest {
            client_id: session.client_id,
            schema_version: SCHEMA_VERSION,
            mutations: wire,
        };
        let res = onsite_server::sync::push::push(store, session, req)
            .await
            .map_err(|e| anyhow::anyhow!("seeding push: {e:?}"))?;
        if let Some(r) = res.results.iter().find(|r| r.status != PushStatus::Applied) {
            anyhow::bail!(
                "seeding mutation {} was {:?}: {:?}",
                r.seq,
                r.status,
                r.reason
            );
        }
    }
    Ok(())
}

fn create(case_id: Uuid, engineer: Uuid) -> Mutation {
    Mutation::Create(CreateArgs {
        case_id,
        title: format!("Chiller alarm {}", &engineer.to_string()[..8]),
        description: "Compressor trips on high pressure".into(),
        customer: Customer {
            name: "Load Test Ltd".into(),
            phone: None,
            email: None,
            contact: None,
        },
        site: Site {
            address: "1 Plant Road".into(),
            notes: None,
        },
        product: Product {
            model: "CH-200".into(),
            serial: Some(format!("SN-{case_id}")),
            warranty_until: None,
        },
        category: Category::SystemFault,
        severity: Severity::ALL[1],
        mode: ServiceMode::OnSite,
        reported_at: Utc::now() - Duration::hours(1),
        appointment: None,
        policy: None,
        complaint: false,
    })
}
