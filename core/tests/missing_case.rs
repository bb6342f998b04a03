//! Who may act on a case that does not exist: an engineer cannot tell it from another's.

mod common;

use common::*;
use onsite_core::mutation::*;
use uuid::Uuid;

/// An engineer cannot tell a case that does not exist from another engineer's: for every
/// mutation, `authorize` (what the server asks before its own lookups) and `apply` give the
/// same code and the same message, which names only the id the device sent, never what the
/// case holds (its number). A manager, who may see every case, is told a case is missing.
#[test]
fn a_missing_case_reads_like_another_engineers_case() {
    let mut w = World::in_progress();
    let missing = Uuid::from_u128(0xdead);
    let number = w.case().number.clone();
    for (theirs, unknown) in onsite_core::examples::every_variant(CASE)
        .into_iter()
        .zip(onsite_core::examples::every_variant(missing))
    {
        let name = theirs.name();
        let same = |a: &Rejection, b: &Rejection| {
            assert_eq!(a.code, b.code, "{name}: {a} / {b}");
            assert_eq!(
                a.message.replace(&CASE.to_string(), &missing.to_string()),
                b.message,
                "{name}"
            );
            for r in [a, b] {
                assert!(!r.message.contains(&number), "{name}: {r}");
                assert!(!r.message.contains("SR-"), "{name}: {r}");
            }
        };
        let a = authorize(&theirs, &w.cases, &bob()).expect_err(name);
        let b = authorize(&unknown, &w.cases, &bob()).expect_err(name);
        same(&a, &b);
        assert!(
            matches!(
                a.code,
                RejectionCode::NotAssignee | RejectionCode::ForbiddenRole
            ),
            "{name}: {a}"
        );
        let a = w.run(bob(), theirs.clone()).expect_err(name);
        let b = w.run(bob(), unknown.clone()).expect_err(name);
        same(&a, &b);
    }

    // A manager: what no manager may do is refused for the role first; the rest is missing.
    let m = Mutation::Close(CaseRef { case_id: missing });
    assert_eq!(authorize(&m, &w.cases, &manager()), Ok(()));
    let r = w.run(manager(), m).unwrap_err();
    assert_eq!(r.code, RejectionCode::NotFound, "{r}");
    let r = w.err(manager(), Mutation::Accept(CaseRef { case_id: missing }));
    assert_eq!(r, RejectionCode::ForbiddenRole);
}

/// A follow-up names a new case id of the device's choosing. A repeat (the parent lists it)
/// is a no-op, whoever holds the new case since; an id taken by any other case is a
/// `conflict` that says nothing of that case, the same whether it is the engineer's own or
/// another's.
#[test]
fn a_follow_up_id_taken_is_a_conflict_that_names_nothing() {
    let mut w = World::in_progress();
    let follow_up = |new_case_id| follow_up(new_case_id, "second battery string");
    let new_id = Uuid::from_u128(200);
    w.ok(alice(), follow_up(new_id));
    // The follow-up goes to bob; alice's device sends hers again: still a no-op.
    w.ok(manager(), assign(new_id, BOB));
    assert!(w.run(alice(), follow_up(new_id)).unwrap().is_noop());

    let bobs = Uuid::from_u128(300);
    w.create_assigned(bobs, 3, BOB);
    let own = Uuid::from_u128(301);
    w.create_assigned(own, 3, ALICE);
    let to_bobs = w.run(alice(), follow_up(bobs)).unwrap_err();
    let to_own = w.run(alice(), follow_up(own)).unwrap_err();
    assert_eq!(to_bobs, to_own);
    assert_eq!(to_bobs.code, RejectionCode::Conflict);
    assert!(!to_bobs.message.contains("SR-"), "{to_bobs}");
}
