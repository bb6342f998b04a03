//! Photos on a case: camera or gallery, resized and compressed on the device (long side
//! ≤ 1600 px, JPEG) BEFORE the store transaction, kept as bytes in the `blobs` store,
//! thumbnails from object URLs (offline), tap for the full view.
//!
//! The browser calls go through `js_sys::Reflect` (files, createImageBitmap, drawImage,
//! URL.createObjectURL) so no further web-sys features (and no rebuild of every crate that
//! depends on web-sys) are needed.

use js_sys::{Array, Function, Reflect};
use leptos::prelude::*;
use leptos::task::spawn_local;
use onsite_core::mutation::PhotoAddArgs;
use onsite_core::{Mutation, Photo};
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::components::fmt::non_empty;
use crate::components::signature_pad::base64_decode;
use crate::i18n::use_i18n;
use crate::state::{use_app, AppState, UiError};
use crate::store::hash_blob;

/// The long side of a stored photo, in pixels.
pub const MAX_SIDE: u32 = 1600;
/// The size a photo should stay under; quality steps down until it does.
pub const TARGET_BYTES: usize = 400 * 1024;
const QUALITIES: [f64; 3] = [0.8, 0.65, 0.5];

/// The size that fits `w`×`h` into `max` on its long side (never enlarged).
pub fn fit_long_side(w: u32, h: u32, max: u32) -> (u32, u32) {
    let long = w.max(h);
    if long <= max || long == 0 {
        return (w.max(1), h.max(1));
    }
    let scale = max as f64 / long as f64;
    let sw = ((w as f64 * scale).round() as u32).clamp(1, max);
    let sh = ((h as f64 * scale).round() as u32).clamp(1, max);
    (sw, sh)
}

fn get(target: &JsValue, key: &str) -> Result<JsValue, JsValue> {
    Reflect::get(target, &JsValue::from_str(key))
}

fn method(target: &JsValue, key: &str) -> Result<Function, JsValue> {
    get(target, key)?.dyn_into::<Function>()
}

fn js_err(e: JsValue) -> String {
    e.as_string()
        .or_else(|| get(&e, "message").ok().and_then(|m| m.as_string()))
        .unwrap_or_else(|| format!("{e:?}"))
}

/// A photo that could not be prepared: `photo.error` with a translated reason (the browser's
/// own message is kept as the technical detail).
fn photo_error(reason: &'static str) -> impl Fn(JsValue) -> UiError {
    move |e| UiError::with("photo.error", js_err(e)).because(reason)
}

fn photo_error_msg(reason: &'static str, detail: &str) -> UiError {
    UiError::with("photo.error", detail).because(reason)
}

/// Decodes the picked image, scales it to ≤ 1600 px on the long side and encodes a JPEG.
pub async fn resize_to_jpeg(file: &JsValue) -> Result<Vec<u8>, UiError> {
    const BROWSER: &str = "photo.reason.browser";
    const DECODE: &str = "photo.reason.decode";
    const ENCODE: &str = "photo.reason.encode";
    let window = web_sys::window().ok_or_else(|| photo_error_msg(BROWSER, "no window"))?;
    let create = method(&window, "createImageBitmap").map_err(photo_error(BROWSER))?;
    let promise: js_sys::Promise = create
        .call1(&window, file)
        .map_err(photo_error(DECODE))?
        .dyn_into()
        .map_err(photo_error(BROWSER))?;
    let bitmap = JsFuture::from(promise).await.map_err(photo_error(DECODE))?;
    let w = get(&bitmap, "width")
        .map_err(photo_error(DECODE))?
        .as_f64()
        .unwrap_or(0.0) as u32;
    let h = get(&bitmap, "height")
        .map_err(photo_error(DECODE))?
        .as_f64()
        .unwrap_or(0.0) as u32;
    if w == 0 || h == 0 {
        return Err(photo_error_msg("photo.reason.empty", "empty image"));
    }
    let (tw, th) = fit_long_side(w, h, MAX_SIDE);
    let doc = window
        .document()
        .ok_or_else(|| photo_error_msg(BROWSER, "no document"))?;
    let canvas: web_sys::HtmlCanvasElement = doc
        .create_element("canvas")
        .map_err(photo_error(BROWSER))?
        .unchecked_into();
    canvas.set_width(tw);
    canvas.set_height(th);
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(photo_error(BROWSER))?
        .ok_or_else(|| photo_error_msg(BROWSER, "no 2d context"))?
        .unchecked_into();
    // JPEG has no transparency: a white ground, not black.
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, tw as f64, th as f64);
    let draw = method(&ctx, "drawImage").map_err(photo_error(BROWSER))?;
    let args = Array::of5(
        &bitmap,
        &JsValue::from(0),
        &JsValue::from(0),
        &JsValue::from(tw),
        &JsValue::from(th),
    );
    draw.apply(&ctx, &args).map_err(photo_error(DECODE))?;
    if let Ok(close) = method(&bitmap, "close") {
        let _ = close.call0(&bitmap);
    }
    let mut last = Vec::new();
    for q in QUALITIES {
        let url = canvas
            .to_data_url_with_type_and_encoder_options("image/jpeg", &JsValue::from(q))
            .map_err(photo_error(ENCODE))?;
        let b64 = url
            .split_once(',')
            .map(|(_, b)| b)
            .ok_or_else(|| photo_error_msg(ENCODE, "bad data url"))?;
        last = base64_decode(b64).ok_or_else(|| photo_error_msg(ENCODE, "bad base64"))?;
        if last.len() <= TARGET_BYTES {
            break;
        }
    }
    Ok(last)
}

/// An object URL for image bytes (revoke with [`revoke_url`]).
pub fn object_url(bytes: &[u8]) -> Option<String> {
    let parts = Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).ok()?;
    let url = get(&js_sys::global(), "URL").ok()?;
    method(&url, "createObjectURL")
        .ok()?
        .call1(&url, &blob)
        .ok()?
        .as_string()
}

pub fn revoke_url(u: &str) {
    if let Ok(url) = get(&js_sys::global(), "URL") {
        if let Ok(f) = method(&url, "revokeObjectURL") {
            let _ = f.call1(&url, &JsValue::from_str(u));
        }
    }
}

/// The first file of an `<input type=file>` change event.
fn picked_file(ev: &leptos::ev::Event) -> Option<JsValue> {
    let input = ev.target()?;
    let files = get(&input, "files").ok()?;
    let file = Reflect::get(&files, &JsValue::from(0)).ok()?;
    (!file.is_undefined() && !file.is_null()).then_some(file)
}

fn clear_input(ev: &leptos::ev::Event) {
    if let Some(input) = ev.target() {
        let _ = Reflect::set(&input, &JsValue::from_str("value"), &JsValue::from_str(""));
    }
}

/// The bytes of a blob (photo, signature image): from the `blobs` store (works offline); one
/// taken on another device is fetched when online, checked against its hash and kept.
pub async fn blob_bytes(state: AppState, sha: &str) -> Result<Option<Vec<u8>>, UiError> {
    let Some(store) = state.store() else {
        return Ok(None);
    };
    if let Some(bytes) = store.blob(sha).await.map_err(|e| UiError::from_store(&e))? {
        return Ok(Some(bytes));
    }
    let token = state
        .session
        .with_untracked(|s| s.as_ref().map(|s| s.token.clone()));
    let fetched = match token {
        Some(t) if state.status.with_untracked(|s| s.online) => {
            crate::api::get_blob(&t, sha).await.ok()
        }
        _ => None,
    };
    match fetched {
        Some(bytes) if hash_blob(&bytes) == sha => {
            if let Err(e) = store.cache_blob(sha, &bytes).await {
                leptos::logging::warn!("could not keep blob {sha}: {e}");
            }
            Ok(Some(bytes))
        }
        _ => Ok(None),
    }
}

/// An object URL over a blob's bytes (see [`blob_bytes`]); `None` when not available.
pub async fn blob_url(state: AppState, sha: &str) -> Result<Option<String>, UiError> {
    Ok(blob_bytes(state, sha)
        .await?
        .and_then(|bytes| object_url(&bytes)))
}

/// Load a blob's object URL (see [`blob_url`]) into a signal for the current owner:
/// `(url, missing)`, where `missing` turns `true` when the bytes are not available. The URL
/// is revoked when the owner is cleaned up (or at once when that happened meanwhile).
fn blob_url_signal(state: AppState, sha: String) -> (RwSignal<Option<String>>, RwSignal<bool>) {
    let url: RwSignal<Option<String>> = RwSignal::new(None);
    let missing = RwSignal::new(false);
    spawn_local(async move {
        match blob_url(state, &sha).await {
            Ok(Some(u)) => {
                if url.try_set(Some(u.clone())).is_some() {
                    // Unmounted meanwhile.
                    revoke_url(&u);
                }
            }
            Ok(None) => {
                missing.try_set(true);
            }
            Err(e) => state.show_error(e),
        }
    });
    on_cleanup(move || {
        if let Some(Some(u)) = url.try_get_untracked() {
            revoke_url(&u);
        }
    });
    (url, missing)
}

/// One thumbnail: bytes from the `blobs` store (works offline), tap for the full view.
#[component]
fn PhotoThumb(photo: Photo, full: RwSignal<Option<(String, Option<String>)>>) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let (url, missing) = blob_url_signal(state, photo.sha256.clone());
    let caption = photo.caption.clone();
    let alt = caption.clone().unwrap_or_default();
    view! {
        <li class="photo">
            <button type="button" class="photo-thumb" data-testid="photo-thumb"
                data-sha256=photo.sha256.clone()
                data-loaded=move || url.with(|u| u.is_some()).to_string()
                aria-label=move || caption.clone().unwrap_or_else(|| i18n.t("photo.open").to_string())
                on:click=move |_| {
                    if let Some(u) = url.get_untracked() {
                        full.set(Some((u, photo.caption.clone())));
                    }
                }>
                {move || match url.get() {
                    Some(u) => view! { <img src=u alt=alt.clone() loading="lazy" /> }.into_any(),
                    None => view! {
                        <span class="muted">
                            {move || if missing.get() { i18n.t("photo.not_here") } else { i18n.t("common.loading") }}
                        </span>
                    }.into_any(),
                }}
            </button>
        </li>
    }
}

/// The photos card on the case page.
#[component]
pub fn Photos(case_id: Uuid, photos: Vec<Photo>, can_add: bool) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let caption = RwSignal::new(String::new());
    let full: RwSignal<Option<(String, Option<String>)>> = RwSignal::new(None);

    // Add the picked file: decode, resize and hash BEFORE the store transaction (invariant 7).
    let add = Action::new_local(move |file: &JsValue| {
        let file = file.clone();
        async move {
            match resize_to_jpeg(&file).await {
                Ok(bytes) => {
                    let sha = hash_blob(&bytes);
                    let m = Mutation::PhotoAdd(PhotoAddArgs {
                        case_id,
                        photo_id: Uuid::new_v4(),
                        sha256: sha.clone(),
                        caption: non_empty(&caption.get_untracked()),
                    });
                    if state.perform(m, vec![(sha, bytes)]).await {
                        caption.set(String::new());
                    }
                }
                Err(e) => state.show_error(e),
            }
        }
    });
    let busy = add.pending();
    let on_pick = move |ev: leptos::ev::Event| {
        let Some(file) = picked_file(&ev) else {
            return;
        };
        clear_input(&ev);
        add.dispatch_local(file);
    };

    let count = photos.len();
    view! {
        <section class="card photos" data-testid="photos">
            <h2>{i18n.text("photo.title")} <small class="muted">{format!(" ({count})")}</small></h2>
            <ul class="photo-grid">
                {photos.into_iter().map(|p| view! { <PhotoThumb photo=p full=full /> }).collect_view()}
            </ul>
            {can_add.then(|| view! {
                <label>
                    {i18n.text("photo.caption")}
                    <input type="text" data-testid="photo-caption" bind:value=caption />
                </label>
                <div class="photo-picks">
                    <label class="btn btn-primary photo-pick">
                        {move || if busy.get() { i18n.t("photo.processing") } else { i18n.t("photo.take") }}
                        <input type="file" accept="image/*" capture="environment" class="visually-hidden"
                            data-testid="photo-input" disabled=move || busy.get() on:change=on_pick />
                    </label>
                    <label class="btn photo-pick">
                        {i18n.text("photo.gallery")}
                        <input type="file" accept="image/*" class="visually-hidden"
                            data-testid="photo-input-gallery" disabled=move || busy.get() on:change=on_pick />
                    </label>
                </div>
            })}
            {move || full.get().map(|(u, cap)| view! {
                <div class="photo-full" data-testid="photo-full" role="dialog"
                    on:click=move |_| full.set(None)>
                    <img src=u alt=cap.clone().unwrap_or_default() />
                    {cap.map(|c| view! { <p>{c}</p> })}
                    <button type="button" class="btn" data-testid="photo-full-close">
                        {i18n.text("common.close")}
                    </button>
                </div>
            })}
        </section>
    }
}

/// An image over a blob's bytes (photo or signature) with `data-loaded` = `true` once shown;
/// used by the printable report.
#[component]
pub fn BlobImg(
    sha256: String,
    testid: &'static str,
    #[prop(optional, into)] alt: Signal<String>,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let (url, missing) = blob_url_signal(state, sha256.clone());
    view! {
        <span class=format!("blob-img {class}")>
            <img data-testid=testid data-sha256=sha256 alt=alt
                data-loaded=move || url.with(|u| u.is_some()).to_string()
                class:hidden=move || url.with(|u| u.is_none())
                src=move || url.get() />
            {move || url.with(|u| u.is_none()).then(|| view! {
                <span class="muted">
                    {move || if missing.get() { i18n.t("photo.not_here") } else { i18n.t("common.loading") }}
                </span>
            })}
        </span>
    }
}
