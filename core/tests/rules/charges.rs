//! Warranty decides whether parts and labour are charged, on the day the fault was reported.

use chrono::{Duration, NaiveDate};
use onsite_core::*;

use crate::common::*;

#[test]
fn the_warranty_on_the_day_of_the_report_decides_the_charges() {
    let w = World::assigned(2);
    let mut case = w.case().clone();
    let reported: NaiveDate = case.reported_at.date_naive();
    assert_eq!(case.charges(reported), Charges::NotOnRecord);
    case.product.warranty_until = Some(reported);
    assert_eq!(
        case.charges(reported),
        Charges::Warranty,
        "the last day is covered"
    );
    assert_eq!(
        case.charges(reported + Duration::days(1)),
        Charges::Chargeable
    );
    case.product.warranty_until = Some(reported - Duration::days(1));
    assert_eq!(case.charges(reported), Charges::Chargeable);
    let covered = case.charges(reported - Duration::days(1));
    assert_eq!(Charges::parse(covered.as_str()), Some(Charges::Warranty));
}
