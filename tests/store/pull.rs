//! Applying pulled pages: puts, deletes, resets, pending changes re-applied, reference data,
//! entities this build does not know.

use chrono::{TimeZone, Utc};
use onsite::store::Store;
use onsite_core::wire::{Entity, PolicyRecord, PullResponse};
use onsite_core::{CaseStatus, Mutation, Role, SlaPolicy};
use uuid::Uuid;
use wasm_bindgen_test::*;

use crate::alice;
use crate::common::{
    self, case_change, del, manager_actor, part, part_change, past_fix_change, policy_change, rec,
    rejection, rejection_change, report, seed, seed_at, seed_cases, server_case, unique_db, user,
    user_change, ALICE, BOB,
};

#[wasm_bindgen_test]
async fn pull_puts_deletes_resets_and_reapplies_pending() {
    let store = Store::open_named(&unique_db("pull")).await.unwrap();
    let a = server_case(Uuid::new_v4(), ALICE, CaseStatus::InProgress);
    let b = server_case(Uuid::new_v4(), ALICE, CaseStatus::InProgress);
    seed_cases(&store, &[a.clone(), b.clone()]).await;
    seed(&store, vec![part_change(&part("P-1", "Relay"))]).await;
    assert_eq!(store.search_parts("relay", 5).await.unwrap().len(), 1);

    // A pending local edit on `a`.
    rec(&store, alice(), report(a.id, "smoke from the PSU")).await;

    // The server changes `a` (someone else's edit) before it has ours: both show.
    let mut a_server = a.clone();
    a_server.title = "UPS alarm (updated by dispatcher)".into();
    seed(&store, vec![case_change(&a_server)]).await;
    let local = store.case(a.id).await.unwrap().unwrap();
    assert_eq!(local.title, a_server.title);
    assert_eq!(local.report.symptom.as_deref(), Some("smoke from the PSU"));
    assert_eq!(store.pending_count().await.unwrap(), 1);

    // Tombstone: `b` was unassigned from us.
    seed(&store, vec![del(Entity::Case, &b.id.to_string())]).await;
    assert_eq!(store.case(b.id).await.unwrap(), None);
    assert_eq!(store.cases().await.unwrap().len(), 1);

    // A rejection record syncs back.
    let rej = rejection(9, Some(a.id));
    seed(&store, vec![rejection_change(&rej)]).await;
    let rejections = || async { store.sync_counts().await.unwrap().rejections };
    assert_eq!(rejections().await, vec![rej.clone()]);

    // Reset: server data is replaced by the full set; the outbox (and its effect) stays.
    let c = server_case(Uuid::new_v4(), ALICE, CaseStatus::Assigned);
    seed_at(&store, vec![case_change(&a), case_change(&c)], 0, true).await;
    let mut ids: Vec<Uuid> = store.cases().await.unwrap().iter().map(|c| c.id).collect();
    ids.sort();
    let mut want = vec![a.id, c.id];
    want.sort();
    assert_eq!(ids, want);
    let part_count = store.part_count().await.unwrap();
    assert_eq!(part_count, 0, "reset drops the catalog");
    let pending = store.pending_count().await.unwrap();
    assert_eq!(pending, 1, "reset keeps the outbox");
    let local = store.case(a.id).await.unwrap().unwrap();
    assert_eq!(
        local.report.symptom.as_deref(),
        Some("smoke from the PSU"),
        "pending mutation re-applied on top of the reset copy"
    );
    assert_eq!(rejections().await, vec![rej]);
    assert!(store.search_parts("relay", 5).await.unwrap().is_empty());

    // The server acked our edit (last_seq = 1) and sends the case with it: outbox empty.
    let mut a_acked = a.clone();
    a_acked.report.symptom = Some("smoke from the PSU".into());
    seed_at(&store, vec![case_change(&a_acked)], 1, false).await;
    assert_eq!(store.pending_count().await.unwrap(), 0);
    assert_eq!(store.case(a.id).await.unwrap(), Some(a_acked));
    assert!(store.cursor().await.unwrap().is_some());
}

/// Users, SLA policies and past fixes arrive by pull, are kept for offline use, and a pulled
/// policy drives the local effect of a `case.create` made offline.
#[wasm_bindgen_test]
async fn pull_keeps_users_policies_and_past_fixes() {
    use onsite_core::knowledge::{PastFix, PastFixPart};
    use onsite_core::{Category, RepairResult, Severity};

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
        user(BOB, "Bob Li", Role::Engineer),
        user(ALICE, "Alice Chen", Role::Engineer),
    ];
    let mut changes: Vec<_> = users.iter().map(user_change).collect();
    changes.push(policy_change(&PolicyRecord {
        policy: gold.clone(),
        customers: vec!["Harbour Hospital".into()],
    }));
    changes.push(past_fix_change(&fix));
    seed(&store, changes).await;

    let stored = store.users().await.unwrap();
    let names: Vec<&str> = stored.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["Alice Chen", "Bob Li"], "sorted by name");
    let policies = store.policies().await.unwrap();
    assert_eq!(policies.len(), 1);
    assert_eq!(policies[0].policy, gold);
    assert_eq!(store.past_fixes().await.unwrap(), vec![fix.clone()]);

    // A manager offline creates a case under the pulled policy: the clock uses its targets.
    let reported = Utc.with_ymd_and_hms(2026, 11, 20, 8, 0, 0).unwrap();
    let id = Uuid::new_v4();
    let mut create = common::create_args(id, reported);
    create.title = "Chiller fault".into();
    create.customer.name = "Harbour Hospital".into();
    create.site.address = "2 Quay St".into();
    create.product.model = "CH-9".into();
    create.policy = Some("gold".into());
    store
        .record(manager_actor(), Mutation::Create(create), vec![])
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
    let gone = vec![del(Entity::PastFix, &fix.case_id.to_string())];
    seed_at(&store, gone, 1, false).await;
    assert!(store.past_fixes().await.unwrap().is_empty());

    // A reset drops the reference data with the rest of the server's data.
    seed_at(&store, vec![], 1, true).await;
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
