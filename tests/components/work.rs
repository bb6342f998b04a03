//! The engineer's work records: report changes, time entries and the timer, photos, the
//! signature's bytes, what is kept on the device.

use chrono::{Duration, TimeZone, Utc};
use leptos::prelude::*;
use leptos::task::tick;
use onsite_core::{RepairResult, Report};
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

use onsite::components::signature_pad::base64_decode;
use onsite::pages::report::report_changes;

use crate::common::{attr, el, mount_en, testids, text, time_entry as entry};

#[wasm_bindgen_test]
fn report_sends_only_changed_fields() {
    let id = Uuid::from_u128(1);
    let old = Report {
        symptom: Some("no power".into()),
        ..Report::default()
    };
    let same = Report {
        symptom: Some("no power".into()),
        cause: Some(String::new()),
        ..Report::default()
    };
    assert!(report_changes(id, &old, &same).is_none());
    let new = Report {
        symptom: Some("no power".into()),
        cause: Some("PSU".into()),
        result: Some(RepairResult::Resolved),
        ..Report::default()
    };
    let args = report_changes(id, &old, &new).unwrap();
    assert_eq!(args.symptom, None);
    assert_eq!(args.cause.as_deref(), Some("PSU"));
    assert_eq!(args.result, Some(RepairResult::Resolved));
    assert_eq!(args.actions, None);
}

#[wasm_bindgen_test]
async fn time_entries_show_travel_and_work_totals() {
    use onsite::components::TimeEntries;
    use onsite_core::labour_of;
    use onsite_core::TimeKind;
    let entries = vec![
        entry(TimeKind::Travel, 0, 35),
        entry(TimeKind::Work, 40, 90),
        entry(TimeKind::Work, 200, 25),
        entry(TimeKind::Travel, 300, 40),
    ];
    assert_eq!(labour_of(&entries), (75, 115));
    let list = RwSignal::new(entries);
    let root = mount_en(move || view! { <TimeEntries entries=list /> });
    tick().await;
    let minutes = |testid| attr(&el(&root, testid), "data-minutes");
    assert_eq!(testids(&root, "time-entry").len(), 4);
    assert_eq!(minutes("time-total-travel"), "75");
    assert_eq!(minutes("time-total-work"), "115");
    assert_eq!(text(&root, "time-total-travel"), "1 h 15 min");
    // A new entry updates the totals.
    list.update(|l| l.push(entry(TimeKind::Work, 400, 5)));
    tick().await;
    assert_eq!(testids(&root, "time-entry").len(), 5);
    assert_eq!(minutes("time-total-work"), "120");
}

#[wasm_bindgen_test]
fn stopped_timer_makes_one_entry_capped_at_a_day() {
    use onsite::components::labour::timer_entry;
    use onsite_core::TimeKind;
    let start = Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap();
    let id = Uuid::from_u128(42);
    let a = timer_entry(id, TimeKind::Work, start, start + Duration::minutes(47)).unwrap();
    assert_eq!(
        (a.kind, a.start, a.end),
        (TimeKind::Work, start, start + Duration::minutes(47))
    );
    let long = timer_entry(id, TimeKind::Travel, start, start + Duration::hours(30)).unwrap();
    assert_eq!(long.end, start + Duration::hours(24));
    assert!(timer_entry(id, TimeKind::Work, start, start).is_none());
    assert!(onsite::components::labour::parse_local_input("2026-03-02T08:30").is_some());
    assert!(onsite::components::labour::parse_local_input("nope").is_none());
}

#[wasm_bindgen_test]
fn base64_decodes_png_data() {
    assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
    assert_eq!(base64_decode("aGk=").unwrap(), b"hi");
    assert_eq!(base64_decode("iVBORw0KGgo=").unwrap(), b"\x89PNG\r\n\x1a\n");
}

#[wasm_bindgen_test]
fn photos_fit_1600_px_on_the_long_side() {
    use onsite::components::photos::fit_long_side;
    assert_eq!(fit_long_side(4032, 3024, 1600), (1600, 1200));
    assert_eq!(fit_long_side(3024, 4032, 1600), (1200, 1600));
    assert_eq!(fit_long_side(800, 600, 1600), (800, 600));
    assert_eq!(fit_long_side(10_000, 10, 1600), (1600, 2));
}

async fn bitmap_size(blob: &wasm_bindgen::JsValue) -> (u32, u32) {
    let window = web_sys::window().unwrap();
    let f: js_sys::Function = js_sys::Reflect::get(&window, &"createImageBitmap".into())
        .unwrap()
        .unchecked_into();
    let p: js_sys::Promise = f.call1(&window, blob).unwrap().unchecked_into();
    let bmp = wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
    let dim = |k: &str| {
        js_sys::Reflect::get(&bmp, &k.into())
            .unwrap()
            .as_f64()
            .unwrap() as u32
    };
    (dim("width"), dim("height"))
}

#[wasm_bindgen_test]
async fn a_big_picture_is_resized_to_a_jpeg_before_it_is_stored() {
    use onsite::components::photos::{resize_to_jpeg, TARGET_BYTES};
    let canvas: web_sys::HtmlCanvasElement = document()
        .create_element("canvas")
        .unwrap()
        .unchecked_into();
    canvas.set_width(3200);
    canvas.set_height(2000);
    let ctx: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    ctx.set_fill_style_str("#3366cc");
    ctx.fill_rect(0.0, 0.0, 3200.0, 2000.0);
    ctx.set_fill_style_str("#ffcc00");
    ctx.fill_rect(400.0, 300.0, 1200.0, 900.0);
    let png = onsite::components::signature_pad::canvas_png(&canvas).unwrap();
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(&png[..]));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap();
    let jpeg = resize_to_jpeg(&blob).await.unwrap();
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "a JPEG");
    assert!(jpeg.len() <= TARGET_BYTES, "{} bytes", jpeg.len());
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(&jpeg[..]));
    let out = web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap();
    assert_eq!(bitmap_size(&out).await, (1600, 1000));
}

#[wasm_bindgen_test]
async fn running_timer_and_fetched_photos_are_kept_on_the_device() {
    use onsite::components::labour::timer_key;
    use onsite::store::{hash_blob, Store};
    use onsite_core::TimeKind;
    let name = format!("onsite-ui-{}", Uuid::new_v4());
    let store = Store::open_named(&name).await.unwrap();
    let key = timer_key(Uuid::from_u128(42), TimeKind::Travel);
    let start = Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap();
    store.set_setting(&key, &start).await.unwrap();
    store.close();
    // "Restart": a new connection still has the running timer.
    let store = Store::open_named(&name).await.unwrap();
    assert_eq!(
        store.setting::<chrono::DateTime<Utc>>(&key).await.unwrap(),
        Some(start)
    );
    store.remove_setting(&key).await.unwrap();
    assert_eq!(
        store.setting::<chrono::DateTime<Utc>>(&key).await.unwrap(),
        None
    );
    let bytes = vec![0xFF, 0xD8, 1, 2, 3];
    let sha = hash_blob(&bytes);
    assert!(store.cache_blob(&"0".repeat(64), &bytes).await.is_err());
    store.cache_blob(&sha, &bytes).await.unwrap();
    assert_eq!(store.blob(&sha).await.unwrap(), Some(bytes));
    assert_eq!(store.pending_count().await.unwrap(), 0, "no outbox entry");
    store.close();
}
