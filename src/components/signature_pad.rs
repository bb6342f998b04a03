use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, PointerEvent};

use crate::i18n::use_i18n;

pub const PAD_WIDTH: u32 = 800;
pub const PAD_HEIGHT: u32 = 300;

fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
}

/// White background, so the exported PNG is readable anywhere.
pub fn clear_canvas(canvas: &HtmlCanvasElement) {
    if let Some(ctx) = context(canvas) {
        ctx.set_fill_style_str("#ffffff");
        ctx.fill_rect(0.0, 0.0, canvas.width() as f64, canvas.height() as f64);
        ctx.set_stroke_style_str("#000000");
        ctx.set_line_width(4.0);
        ctx.set_line_cap("round");
        ctx.set_line_join("round");
    }
}

/// Pointer position in canvas pixels (the canvas is scaled by CSS).
fn point(canvas: &HtmlCanvasElement, ev: &PointerEvent) -> (f64, f64) {
    let rect = canvas.get_bounding_client_rect();
    let sx = canvas.width() as f64 / rect.width().max(1.0);
    let sy = canvas.height() as f64 / rect.height().max(1.0);
    (
        (ev.client_x() as f64 - rect.left()) * sx,
        (ev.client_y() as f64 - rect.top()) * sy,
    )
}

/// The PNG bytes of what is on the canvas.
pub fn canvas_png(canvas: &HtmlCanvasElement) -> Option<Vec<u8>> {
    let url = canvas.to_data_url_with_type("image/png").ok()?;
    let b64 = url.split_once(',')?.1;
    base64_decode(b64)
}

/// Standard base64 (with padding) to bytes.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let bytes: Vec<u8> = s
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        .collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut acc = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            acc |= val(*c)? << (18 - 6 * i);
        }
        out.push((acc >> 16) as u8);
        if chunk.len() > 2 {
            out.push((acc >> 8) as u8);
        }
        if chunk.len() > 3 {
            out.push(acc as u8);
        }
        if chunk.len() == 1 {
            return None;
        }
    }
    Some(out)
}

/// A finger/stylus/mouse signature pad. `has_ink` turns true once something is drawn.
#[component]
pub fn SignaturePad(canvas_ref: NodeRef<Canvas>, has_ink: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let drawing = StoredValue::new(false);

    Effect::new(move |_| {
        if let Some(c) = canvas_ref.get() {
            clear_canvas(&c);
        }
    });

    let down = move |ev: PointerEvent| {
        let Some(c) = canvas_ref.get_untracked() else {
            return;
        };
        ev.prevent_default();
        let _ = c.set_pointer_capture(ev.pointer_id());
        drawing.set_value(true);
        if let Some(ctx) = context(&c) {
            let (x, y) = point(&c, &ev);
            ctx.begin_path();
            ctx.move_to(x, y);
            ctx.line_to(x + 0.1, y + 0.1);
            ctx.stroke();
        }
        has_ink.set(true);
    };
    let mv = move |ev: PointerEvent| {
        if !drawing.get_value() {
            return;
        }
        let Some(c) = canvas_ref.get_untracked() else {
            return;
        };
        ev.prevent_default();
        if let Some(ctx) = context(&c) {
            let (x, y) = point(&c, &ev);
            ctx.line_to(x, y);
            ctx.stroke();
        }
    };
    let up = move |ev: PointerEvent| {
        if let Some(c) = canvas_ref.get_untracked() {
            let _ = c.release_pointer_capture(ev.pointer_id());
        }
        drawing.set_value(false);
    };
    let clear = move |_| {
        if let Some(c) = canvas_ref.get_untracked() {
            clear_canvas(&c);
        }
        has_ink.set(false);
    };

    view! {
        <div class="signature">
            <canvas
                node_ref=canvas_ref
                class="signature-pad"
                data-testid="signature-canvas"
                data-ink=move || has_ink.get().to_string()
                width=PAD_WIDTH
                height=PAD_HEIGHT
                aria-label=i18n.text("sign.pad_label")
                on:pointerdown=down
                on:pointermove=mv
                on:pointerup=up
                on:pointercancel=up
            ></canvas>
            <div class="row">
                <span class="muted">{i18n.text("sign.pad_hint")}</span>
                <button type="button" class="btn btn-ghost" data-testid="sign-clear" on:click=clear>
                    {i18n.text("sign.clear")}
                </button>
            </div>
        </div>
    }
}
