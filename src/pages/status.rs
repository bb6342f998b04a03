use leptos::prelude::*;

use crate::components::fmt::{local_time, short_id};
use crate::i18n::use_i18n;
use crate::state::{use_app, UiError};

/// Sync details: connection, queue, last sync, storage persistence and every rejection.
#[component]
pub fn StatusPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let status = state.status;
    let pending = LocalResource::new(move || {
        state.revision.track();
        status.with(|s| s.pending);
        let store = state.store();
        async move {
            match store {
                Some(store) => store.pending(50).await.map_err(|e| UiError::from_store(&e)),
                None => Ok(vec![]),
            }
        }
    });
    let sync_now = move |_| state.sync_now();
    let relogin = crate::state::use_logout();

    view! {
        <section class="status-page">
            <a href="/" class="back">"‹ " {i18n.text("nav.back_to_cases")}</a>
            <h1 class="page-title">{i18n.text("status.title")}</h1>
            <div class="card">
                <dl>
                    <div class="field">
                        <dt>{i18n.text("status.connection")}</dt>
                        <dd>{move || if status.with(|s| s.online) { i18n.t("sync.online") } else { i18n.t("sync.offline") }}</dd>
                    </div>
                    <div class="field">
                        <dt>{i18n.text("status.waiting")}</dt>
                        <dd data-testid="status-pending">{move || status.with(|s| s.pending)}</dd>
                    </div>
                    <div class="field">
                        <dt>{i18n.text("status.last_sync")}</dt>
                        <dd>{move || status.with(|s| s.last_sync).map(local_time).unwrap_or_else(|| i18n.t("sync.never").to_string())}</dd>
                    </div>
                    <div class="field">
                        <dt>{i18n.text("status.storage")}</dt>
                        <dd data-testid="status-persisted">{move || match state.persisted.get() {
                            Some(true) => i18n.t("status.persist_granted"),
                            Some(false) => i18n.t("status.persist_refused"),
                            None => i18n.t("status.persist_unknown"),
                        }}</dd>
                    </div>
                    {move || status.with(|s| s.last_error).map(|key| {
                        let detail = status.with(|s| s.last_error_detail.clone());
                        let reason = status.with(|s| s.last_error_reason);
                        view! {
                            <div class="field">
                                <dt>{i18n.text("status.last_error")}</dt>
                                <dd class="error-text" data-testid="status-last-error" data-error=key
                                    data-reason=reason data-detail=detail>
                                    {move || i18n.t(key)}
                                    {reason.map(|r| view! { " " <small class="muted">{move || i18n.t(r)}</small> })}
                                </dd>
                            </div>
                        }
                    })}
                </dl>
                <div class="row">
                    <button class="btn btn-primary" data-testid="sync-now" on:click=sync_now>{i18n.text("status.sync_now")}</button>
                    <a href="/settings" class="btn btn-ghost" data-testid="status-settings">
                        {i18n.text("status.settings_link")}
                    </a>
                    <Show when=move || status.with(|s| s.auth_expired)>
                        <p class="form-error">{i18n.text("status.auth_expired")}</p>
                        <button class="btn" data-testid="relogin" on:click=move |_| { relogin.dispatch(()); }
                            disabled=move || relogin.pending().get()>{i18n.text("status.relogin")}</button>
                    </Show>
                </div>
            </div>
            <section class="card">
                <h2>{i18n.text("status.rejections")}</h2>
                {move || {
                    let list = status.with(|s| s.rejections.clone());
                    if list.is_empty() {
                        return view! { <p class="muted">{i18n.text("status.no_rejections")}</p> }.into_any();
                    }
                    view! {
                        <ul class="rejections">
                            {list.into_iter().map(|r| {
                                let ev_key = format!("event.{}", r.name);
                                let href = r.case_id.map(|c| format!("/cases/{c}"));
                                let code = r.code;
                                let message = r.message.clone();
                                view! {
                                    <li class="rejection" data-testid="rejection-row" data-code=r.code.as_str()>
                                        <strong>{move || i18n.t(&ev_key)}</strong>
                                        <code>" " {r.name.clone()} " #" {r.seq}</code>
                                        <p data-detail=r.message.clone()>
                                            {move || i18n.t(crate::state::rejection_reason(code))}
                                            // The server's own words are English: shown only in English.
                                            {move || (i18n.lang.get() == crate::i18n::Lang::En).then(|| view! {
                                                " " <small class="muted">{message.clone()}</small>
                                            })}
                                        </p>
                                        <small class="muted">{local_time(r.at)}</small>
                                        {href.map(|h| view! { " · " <a href=h class="link-tap">{i18n.text("status.open_case")}</a> })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <section class="card">
                <h2>{i18n.text("status.queue")}</h2>
                {move || match pending.get() {
                    Some(Ok(list)) if list.is_empty() => view! { <p class="muted">{i18n.text("sync.all_saved")}</p> }.into_any(),
                    Some(Ok(list)) => view! {
                        <ol class="queue">
                            {list.into_iter().map(|e| {
                                let ev_key = format!("event.{}", e.name);
                                view! {
                                    <li data-testid="outbox-row">
                                        "#" {e.seq} " " <strong>{move || i18n.t(&ev_key)}</strong>
                                        <small class="muted">" " {local_time(e.client_time)} " · " {short_id(e.id)}</small>
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }.into_any(),
                    Some(Err(e)) => view! { <p class="form-error">{move || i18n.t(e.key)}</p> }.into_any(),
                    None => view! { <p class="muted">{i18n.text("common.loading")}</p> }.into_any(),
                }}
            </section>
        </section>
    }
}
