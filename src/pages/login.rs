use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::forms::submit_checked;
use crate::i18n::use_i18n;
use crate::state::{use_app, UiError};
use crate::store::{Session, Store};

fn login_error(e: &ApiError) -> UiError {
    match e {
        ApiError::Offline => UiError::new("login.offline"),
        ApiError::Unauthorized | ApiError::SessionEnded => UiError::new("login.bad_credentials"),
        ApiError::Http { status: 429, .. } => UiError::new("login.throttled"),
        ApiError::Http {
            status, message, ..
        } => UiError::with("login.failed", format!("{status}: {message}")),
        ApiError::Decode(m) => UiError::with("login.failed", m.clone()),
    }
}

/// The first login needs the network; afterwards the stored session opens the app offline.
#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // A check that failed before anything was sent; a failed sign-in is the action's value.
    let error: RwSignal<Option<UiError>> = RwSignal::new(None);
    let login = Action::new_local(move |(store, u, p): &(Store, String, String)| {
        let (store, u, p) = (store.clone(), u.clone(), p.clone());
        async move {
            // One client_id per user on this device; the server refuses one that is
            // another user's (a device from before that rule): then make a fresh one.
            let mut client_id = store
                .client_for_login(&u, false)
                .await
                .map_err(|e| UiError::from_store(&e))?;
            let mut resp = api::login(u.trim(), &p, client_id).await;
            if matches!(&resp, Err(api::ApiError::Http { status: 409, code, .. }) if code == "client_taken")
            {
                client_id = store
                    .client_for_login(&u, true)
                    .await
                    .map_err(|e| UiError::from_store(&e))?;
                resp = api::login(u.trim(), &p, client_id).await;
            }
            let resp = resp.map_err(|e| login_error(&e))?;
            let session = Session {
                token: resp.token,
                user: resp.user,
                client_id,
            };
            store
                .activate(&session)
                .await
                .map_err(|e| UiError::from_store(&e))?;
            store
                .set_session(Some(&session))
                .await
                .map_err(|e| UiError::from_store(&e))?;
            password.set(String::new());
            state.start_session(session);
            state.bump();
            Ok::<(), UiError>(())
        }
    });
    let busy = login.pending();
    let outcome = login.value();
    let shown_error = move || error.get().or_else(|| outcome.get().and_then(Result::err));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (u, p) = (username.get_untracked(), password.get_untracked());
        let checked = if u.trim().is_empty() || p.is_empty() {
            Err(UiError::new("login.missing"))
        } else {
            state
                .store()
                .map(|store| (store, u, p))
                .ok_or_else(|| UiError::new("error.no_store"))
        };
        submit_checked(login, error, checked);
    };

    view! {
        <section class="login card">
            <h1>{i18n.text("login.title")}</h1>
            <p class="muted">{i18n.text("login.hint")}</p>
            <Show when=move || state.status.with(|s| s.session_ended)>
                <p class="notice" role="status" data-testid="login-session-ended">
                    {i18n.text("login.session_ended")}
                </p>
            </Show>
            <form on:submit=submit>
                <label>
                    {i18n.text("login.username")}
                    <input
                        type="text"
                        name="username"
                        autocomplete="username"
                        autocapitalize="none"
                        required
                        data-testid="login-username"
                        bind:value=username
                    />
                </label>
                <label>
                    {i18n.text("login.password")}
                    <input
                        type="password"
                        name="password"
                        autocomplete="current-password"
                        required
                        data-testid="login-password"
                        bind:value=password
                    />
                </label>
                {move || {
                    shown_error()
                        .map(|e| {
                            view! {
                                <p class="form-error" role="alert" data-testid="login-error"
                                    data-detail=e.detail.clone()>
                                    {move || i18n.t(e.key)}
                                </p>
                            }
                        })
                }}
                <button
                    type="submit"
                    class="btn btn-primary btn-block"
                    data-testid="login-submit"
                    disabled=move || busy.get()
                >
                    {move || if busy.get() { i18n.t("login.signing_in") } else { i18n.t("login.submit") }}
                </button>
            </form>
        </section>
    }
}
