//! `/devices` (managers): every device that signed in, whose it is, when it last synced, and
//! the buttons that end its session (a lost phone) or all of a user's sessions. Online only:
//! it is the server's record. A revoked device learns it on its next contact, clears its copy
//! of server data and signs out; its unsynced changes wait for the same user.

use leptos::prelude::*;
use onsite_core::wire::Device;

use crate::api::{ApiError, RevokeTarget};
use crate::components::fmt::local_time;
use crate::i18n::use_i18n;
use crate::state::{use_app, UiError};

fn load_error(e: &ApiError) -> UiError {
    match e {
        ApiError::Offline => UiError::new("devices.offline"),
        e => UiError::from_api("devices.failed", e),
    }
}

#[component]
pub fn DevicesPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let token = move || state.session.with(|s| s.as_ref().map(|s| s.token.clone()));
    let this_device = move || state.session.with(|s| s.as_ref().map(|s| s.client_id));
    let reload = RwSignal::new(0u32);
    let devices = LocalResource::new(move || {
        reload.track();
        let token = token();
        async move {
            let token = token.ok_or_else(|| UiError::new("error.no_session"))?;
            crate::api::devices(&token).await.map_err(|e| {
                if matches!(e, ApiError::Unauthorized | ApiError::SessionEnded) {
                    state.session_expired();
                }
                load_error(&e)
            })
        }
    });
    let revoke = Action::new_local(move |target: &RevokeTarget| {
        let (target, token) = (*target, token());
        async move {
            let token = token.ok_or_else(|| UiError::new("error.no_session"))?;
            let n = crate::api::revoke(&token, target)
                .await
                .map_err(|e| load_error(&e))?;
            reload.update(|r| *r += 1);
            Ok::<u64, UiError>(n)
        }
    });
    let confirm = move |key: &'static str, name: &str| -> bool {
        let text = i18n.tf(key, &[("name", name.to_string())]);
        web_sys::window()
            .and_then(|w| w.confirm_with_message(&text).ok())
            .unwrap_or(false)
    };
    let row = move |d: Device| {
        let mine = this_device() == Some(d.client_id);
        let (device, user, name) = (d.client_id, d.user_id, d.name.clone());
        let name2 = name.clone();
        let last = d
            .last_seen
            .map(local_time)
            .unwrap_or_else(|| i18n.t("devices.never").to_string());
        view! {
            <li class="device" data-testid="device" data-client=device.to_string() data-active=d.active.to_string()>
                <div class="device-who">
                    <strong>{d.name.clone()}</strong>
                    <small class="muted">{format!(" {}", d.username)}</small>
                    <Show when=move || mine>
                        <span class="badge">{i18n.text("devices.this_device")}</span>
                    </Show>
                </div>
                <div class="muted">
                    {move || i18n.tf("devices.last_seen", &[("t", last.clone())])}
                    " · "
                    {move || i18n.t(if d.active { "devices.active" } else { "devices.signed_out" })}
                </div>
                <Show when=move || d.active>
                    <div class="actions">
                        <button class="btn btn-danger" data-testid="device-revoke"
                            disabled=move || revoke.pending().get()
                            on:click={
                                let name = name.clone();
                                move |_| if confirm("devices.confirm_device", &name) {
                                    revoke.dispatch(RevokeTarget::Device(device));
                                }
                            }>
                            {i18n.text("devices.revoke")}
                        </button>
                        <button class="btn" data-testid="user-revoke"
                            disabled=move || revoke.pending().get()
                            on:click={
                                let name = name2.clone();
                                move |_| if confirm("devices.confirm_user", &name) {
                                    revoke.dispatch(RevokeTarget::User(user));
                                }
                            }>
                            {i18n.text("devices.revoke_user")}
                        </button>
                    </div>
                </Show>
            </li>
        }
    };
    view! {
        <section class="card devices">
            <h1>{i18n.text("devices.title")}</h1>
            <p class="muted">{i18n.text("devices.hint")}</p>
            {move || revoke.value().get().map(|r| match r {
                Ok(n) => view! {
                    <p class="notice" role="status" data-testid="devices-revoked">
                        {move || i18n.tf("devices.revoked", &[("n", n.to_string())])}
                    </p>
                }.into_any(),
                Err(e) => view! {
                    <p class="form-error" role="alert" data-detail=e.detail.clone()>{move || i18n.t(e.key)}</p>
                }.into_any(),
            })}
            <Suspense fallback=move || view! { <p class="muted">{i18n.text("common.loading")}</p> }>
                {move || devices.get().map(|r| match r {
                    Ok(list) => view! {
                        <ul class="device-list" data-testid="devices">
                            {list.into_iter().map(row).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! {
                        <p class="form-error" role="alert" data-testid="devices-error" data-detail=e.detail.clone()>
                            {move || i18n.t(e.key)}
                        </p>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
