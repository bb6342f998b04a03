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

/// Signs in on the server and stores the session on this device.
async fn sign_in(store: Store, u: String, p: String) -> Result<Session, UiError> {
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
    Ok(session)
}

#[cfg(not(feature = "split"))]
async fn sign_in_loaded(store: Store, u: String, p: String) -> Result<Session, UiError> {
    sign_in(store, u, p).await
}

/// [`sign_in`] from its file, which a sign-in needs the network for anyway.
#[cfg(feature = "split")]
async fn sign_in_loaded(store: Store, u: String, p: String) -> Result<Session, UiError> {
    let not_loaded = |e: leptos::wasm_split::SplitLoaderError| {
        if crate::browser::online() {
            UiError::with("login.failed", e.to_string())
        } else {
            UiError::new("login.offline")
        }
    };
    boxed_sign_in(store, u, p).await.map_err(not_loaded)?.await
}

#[cfg(feature = "split")]
type SignIn = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Session, UiError>>>>;

#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(
    sign_in,
    wasm_split_path = ::leptos::wasm_split,
    preload(preload_sign_in),
    fallible
)]
fn boxed_sign_in(
    store: Store,
    u: String,
    p: String,
) -> Result<SignIn, leptos::wasm_split::SplitLoaderError> {
    Ok(Box::pin(sign_in(store, u, p)))
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
            let session = sign_in_loaded(store, u, p).await?;
            password.set(String::new());
            state.start_session(session);
            state.bump();
            Ok::<(), UiError>(())
        }
    });
    // Signing in is a file of its own (src/pages/lazy.rs): fetched while the user types.
    #[cfg(feature = "split")]
    Effect::new(|| {
        crate::browser::when_idle(|| {
            leptos::task::spawn_local(async {
                // A failure shows when the user signs in; that tries again.
                let _ = preload_sign_in().await;
            })
        })
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
            <Show when=move || state.status.with(|s| s.session_replaced)>
                <p class="notice" role="status" data-testid="login-session-replaced">
                    {i18n.text("login.session_replaced")}
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
