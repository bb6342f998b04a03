//! Applying pulled pages: puts, deletes, resets, pending changes re-applied, reference data,
//! entities this build does not know.

use chrono::{TimeZone, Utc};
use onsite::store::Store;
use onsite_core::wire::{Change, ChangeOp, Entity, PullResponse, RejectionRecord, UserInfo};
use onsite_core::{Actor, CaseStatus, Mutation, Role, SlaPolicy};
use uuid::Uuid;
use wasm_bindgen_test::*;

use crate::common::{
    self, page, page_at, put, report, seed_cases, server_case, unique_db, user_change, ALICE, BOB,
};
use crate::{alice, part};

#[wasm_bindgen_test]
async fn pull_puts_deletes_resets_and_reapplies_pending() {
    let store = Store::open_named(&unique_db("pull")).await.unwrap();
    let a = server_case(Uuid::new_v4(), ALICE, CaseStatus::InProgress);
    let b = server_case(Uuid::new_v4(), ALICE, CaseStatus::InProgress);
    seed_cases(&store, &[a.clone(), b.clone()]).await;
    store
        .apply_pull(
            store.active_client().await.unwrap(),
            &page_at(
                vec![put(
                    Entity::Part,
                    "P-1",
                    serde_json::to_value(part("P-1", "Relay")).unwrap(),
                )],
                0,
                false,
            ),
        )
        .await
        .unwrap();
    assert_eq!(store.search_parts("relay", 5).await.unwrap().len(), 1);

    // A pending local edit on `a`.
    store
        .record(alice(), report(a.id, "smoke from the PSU"), vec![])
        .await
        .unwrap();

    // The server changes `a` (someone else's edit) before it has ours: both show.
    let mut a_server = a.clone();
    a_server.title = "UPS alarm (updated by dispatcher)".into();
    store
        .apply_pull(
            store.active_client().await.unwrap(),
            &page_at(
                vec![put(
                    Entity::Case,
                    &a.id.to_string(),
                    serde_json::to_value(&a_server).unwrap(),
                )],
                0,
                false,
            ),
        )
        .await
        .unwrap();
    let local = store.case(a.id).await.unwrap().unwrap();
    assert_eq!(local.title, a_server.title);
    assert_eq!(local.report.symptom.as_deref(), Some("smoke from the PSU"));
    assert_eq!(store.pending_count().await.unwrap(), 1);

    // Tombstone: `b` was unassigned from us.
    store
        .apply_pull(
            store.active_client().await.unwrap(),
            &page_at(
                vec![Change {
                    entity: Entity::Case,
                    op: ChangeOp::Delete,
                    id: b.id.to_string(),
                    data: serde_json::Value::Null,
                }],
                0,
                false,
            ),
        )
        .await
        .unwrap();
    assert_eq!(store.case(b.id).await.unwrap(), None);
    assert_eq!(store.cases().await.unwrap().len(), 1);

    // A rejection record syncs back.
    let rej = RejectionRecord {
        id: Uuid::new_v4(),
        client_id: Uuid::new_v4(),
        seq: 9,
        mutation_id: Uuid::new_v4(),
        name: "case.accept".into(),
        case_id: Some(a.id),
        code: onsite_core::RejectionCode::NotAssignee,
        message: "case is not assigned to you".into(),
        at: Utc::now(),
    };
    store
        .apply_pull(
            store.active_client().await.unwrap(),
            &page_at(
                vec![put(
                    Entity::Rejection,
                    &rej.id.to_string(),
                    serde_json::to_value(&rej).unwrap(),
                )],
                0,
                false,
            ),
        )
        .await
        .unwrap();
    assert_eq!(
        store.sync_counts().await.unwrap().rejections,
        vec![rej.clone()]
    );

    // Reset: server data is replaced by the full set; the outbox (and its effect) stays.
    let c = server_case(Uuid::new_v4(), ALICE, CaseStatus::Assigned);
    store
        .apply_pull(
            store.active_client().await.unwrap(),
            &page_at(
                vec![
                    put(
                        Entity::Case,
                        &a.id.to_string(),
                        serde_json::to_value(&a).unwrap(),
                    ),
                    put(
                        Entity::Case,
                        &c.id.to_string(),
                        serde_json::to_value(&c).unwrap(),
                    ),
                ],
                0,
                true,
            ),
        )
        .await
        .unwrap();
    let mut ids: Vec<Uuid> = store.cases().await.unwrap().iter().map(|c| c.id).collect();
    ids.sort();
    let mut want = vec![a.id, c.id];
    want.sort();
    assert_eq!(ids, want);
    assert_eq!(
        store.part_count().await.unwrap(),
        0,
        "reset drops the catalog"
    );
    assert_eq!(
        store.pending_count().await.unwrap(),
        1,
        "reset keeps the outbox"
    );
    assert_eq!(
        store
            .case(a.id)
            .await
            .unwrap()
            .unwrap()
            .report
            .symptom
            .as_deref(),
        Some("smoke from the PSU"),
        "pending mutation re-applied on top of the reset copy"
    );
    assert_eq!(store.sync_counts().await.unwrap().rejections, vec![rej]);
    assert!(store.search_parts("relay", 5).await.unwrap().is_empty());

    // The server acked our edit (last_seq = 1) and sends the case with it: outbox empty.
    let mut a_acked = a.clone();
    a_acked.report.symptom = Some("smoke from the PSU".into());
    store
        .apply_pull(
            store.active_client().await.unwrap(),
            &page_at(
                vec![put(
                    Entity::Case,
                    &a.id.to_string(),
                    serde_json::to_value(&a_acked).unwrap(),
                )],
                1,
                false,
            ),
        )
        .await
        .unwrap();
    assert_eq!(store.pending_count().await.unwrap(), 0);
    assert_eq!(store.case(a.id).await.unwrap(), Some(a_acked));
    assert!(store.cursor().await.unwrap().is_some());
}

/// Users, SLA policies and past fixes arrive by pull, are kept for offline use, and a pulled
/// policy drives the local effect of a `case.create` made offline.
#[wasm_bindgen_test]
async fn pull_keeps_users_policies_and_past_fixes() {
    use onsite_core::knowledge::{PastFix, PastFixPart};
    use onsite_core::mutation::CreateArgs;
    use onsite_core::wire::PolicyRecord;
    use onsite_core::{Category, Customer, Product, RepairResult, ServiceMode, Severity, Site};

    let name = unique_db("refdata");
    let store = Store::open_named(&name).await.unwrap();
    let mut gold = SlaPolicy::strict();
    gold.name = "gold".into();
    gold.levels[1].resolve_minutes = Some(90);
    let fix = PastFix {
        case_id: Uuid::from_u128(77),
        number: "SR-00000077".into(),
        title: "UPS alarm".into(),
        product_model: "UPS-3000".into(),
        category: Category::SystemFault,
        severity: Severity::new(2).unwrap(),
        symptom: "Beeping every 10 s".into(),
        cause: "Battery worn".into(),
        actions: "Replaced battery".into(),
        result: RepairResult::Resolved,
        parts: vec![PastFixPart {
            part_no: "BAT-1".into(),
            qty: 1,
        }],
        resolved_at: Some(Utc.with_ymd_and_hms(2026, 10, 1, 12, 0, 0).unwrap()),
        engineer_id: Some(ALICE),
    };
    let users = [
        UserInfo {
            id: BOB,
            name: "Bob Li".into(),
            role: Role::Engineer,
        },
        UserInfo {
            id: ALICE,
            name: "Alice Chen".into(),
            role: Role::Engineer,
        },
    ];
    let mut changes: Vec<Change> = users.iter().map(user_change).collect();
    changes.push(put(
        Entity::Policy,
        "gold",
        serde_json::to_value(PolicyRecord {
            policy: gold.clone(),
            customers: vec!["Harbour Hospital".into()],
        })
        .unwrap(),
    ));
    changes.push(put(
        Entity::PastFix,
        &fix.case_id.to_string(),
        serde_json::to_value(&fix).unwrap(),
    ));
    store
        .apply_pull(store.active_client().await.unwrap(), &page(changes))
        .await
        .unwrap();

    let names: Vec<String> = store
        .users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(names, ["Alice Chen", "Bob Li"], "sorted by name");
    let policies = store.policies().await.unwrap();
    assert_eq!(policies.len(), 1);
    assert_eq!(policies[0].policy, gold);
    assert_eq!(store.past_fixes().await.unwrap(), vec![fix.clone()]);

    // A manager offline creates a case under the pulled policy: the clock uses its targets.
    let manager = Actor {
        user_id: common::MANAGER,
        role: Role::Manager,
    };
    let reported = Utc.with_ymd_and_hms(2026, 11, 20, 8, 0, 0).unwrap();
    let id = Uuid::new_v4();
    store
        .record(
            manager,
            Mutation::Create(CreateArgs {
                case_id: id,
                title: "Chiller fault".into(),
                description: String::new(),
                customer: Customer {
                    name: "Harbour Hospital".into(),
                    phone: None,
                    email: None,
                    contact: None,
                },
                site: Site {
                    address: "2 Quay St".into(),
                    notes: None,
                },
                product: Product {
                    model: "CH-9".into(),
                    serial: None,
                    warranty_until: None,
                },
                category: Category::SystemFault,
                severity: Severity::new(2).unwrap(),
                mode: ServiceMode::OnSite,
                reported_at: reported,
                appointment: None,
                policy: Some("gold".into()),
                complaint: false,
            }),
            vec![],
        )
        .await
        .expect("a policy known from the pull is usable offline");
    let created = store.case(id).await.unwrap().unwrap();
    assert_eq!(created.sla.policy, "gold");
    assert_eq!(
        created.sla.resolve_by,
        Some(reported + chrono::Duration::minutes(90))
    );

    // Kept across a reopen; a delete removes a past fix.
    store.close();
    let store = Store::open_named(&name).await.unwrap();
    assert_eq!(store.policies().await.unwrap().len(), 1);
    assert_eq!(store.users().await.unwrap().len(), 2);
    let mut del = put(
        Entity::PastFix,
        &fix.case_id.to_string(),
        serde_json::Value::Null,
    );
    del.op = ChangeOp::Delete;
    store
        .apply_pull(
            store.active_client().await.unwrap(),
            &page_at(vec![del], 1, false),
        )
        .await
        .unwrap();
    assert!(store.past_fixes().await.unwrap().is_empty());

    // A reset drops the reference data with the rest of the server's data.
    store
        .apply_pull(
            store.active_client().await.unwrap(),
            &page_at(vec![], 1, true),
        )
        .await
        .unwrap();
    assert!(store.users().await.unwrap().is_empty());
    assert!(store.policies().await.unwrap().is_empty());
}

/// A newer server may send an entity this build does not know: the page's other changes
/// apply, the unknown one is skipped, and the cursor moves on.
#[wasm_bindgen_test]
async fn pull_skips_unknown_entities() {
    let store = Store::open_named(&unique_db("unknown-entity"))
        .await
        .unwrap();
    let case = server_case(Uuid::new_v4(), ALICE, CaseStatus::Assigned);
    let body = serde_json::json!({
        "cursor": "c-widget",
        "has_more": false,
        "reset": false,
        "last_seq": 0,
        "changes": [
            {"entity": "widget", "op": "put", "id": "w-1", "data": {"spin": 3}},
            {"entity": "case", "op": "put", "id": case.id.to_string(), "data": case},
            {"entity": "part", "op": "put", "id": "P-1", "data": part("P-1", "Relay")},
            {"entity": "widget", "op": "delete", "id": "w-2"}
        ]
    });
    let resp: PullResponse = serde_json::from_value(body).expect("an unknown entity parses");
    assert_eq!(resp.changes[0].entity, Entity::Unknown);
    store
        .apply_pull(store.active_client().await.unwrap(), &resp)
        .await
        .expect("unknown entities are skipped");
    assert_eq!(store.case(case.id).await.unwrap(), Some(case));
    assert_eq!(store.search_parts("relay", 5).await.unwrap().len(), 1);
    assert_eq!(store.cursor().await.unwrap().as_deref(), Some("c-widget"));
}
