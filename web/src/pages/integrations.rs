//! `/mysupport/integrations`: the personal feed URLs and personal API tokens. Secrets are
//! shown once, right after they are issued; the server keeps only their hashes.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::FieldErrors;
use shared::dto::{IssuedFeedKey, NewTokenRequest, TokenScope, TokenView};

use crate::api::{self, ApiError};
use crate::components::{Alert, Field};
use crate::erased::{keyed, local_action, local_resource};
use crate::i18n::{Msg, field_message, t, use_lang};
use crate::pages::notices::site_time;
use crate::pages::operator::from_site_input;
use crate::pages::redirect_for;

#[component]
pub fn Integrations() -> impl IntoView {
    crate::components::title(Msg::Integrations);
    let navigate = use_navigate();
    let failure = RwSignal::new(None::<Msg>);
    let fail =
        Callback::new(
            move |e: ApiError| match redirect_for(&e, "/mysupport/integrations") {
                Ok(to) => navigate(&to, Default::default()),
                Err(m) => failure.set(Some(m)),
            },
        );
    view! {
        <section class="card">
            <p><A href="/mysupport">{t(Msg::BackToMySupport)}</A></p>
            <h1>{t(Msg::Integrations)}</h1>
            {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
            <FeedSection fail />
            <TokenSection fail />
        </section>
    }
}

#[component]
fn FeedSection(fail: Callback<ApiError>) -> impl IntoView {
    let issued_at = RwSignal::new(None::<chrono::DateTime<chrono::Utc>>);
    let fresh = RwSignal::new(None::<IssuedFeedKey>);
    // The key's date, if one was issued; a failure leaves "—".
    let current = local_resource(|| async { api::feed_key().await.ok() });
    Effect::new(move |_| {
        if let Some(Some(k)) = current.get() {
            issued_at.set(Some(k.created_at));
        }
    });
    let issue = local_action(move |_: &()| async move {
        match api::issue_feed_key().await {
            Ok(k) => {
                issued_at.set(Some(k.created_at));
                fresh.set(Some(k));
            }
            Err(e) => fail.run(e),
        }
    });
    let revoke = local_action(move |_: &()| async move {
        match api::revoke_feed_key().await {
            Ok(()) => {
                issued_at.set(None);
                fresh.set(None);
            }
            Err(e) => fail.run(e),
        }
    });
    view! {
        <section class="integration" id="feeds">
            <h2>{t(Msg::FeedsTitle)}</h2>
            <p class="muted">{t(Msg::FeedsLead)}</p>
            <p>
                {t(Msg::FeedIssued)} ": "
                {move || issued_at.get().map(site_time).unwrap_or_else(|| "—".into())}
            </p>
            {move || fresh.get().map(|k| view! {
                <Alert kind="info">
                    <p>{t(Msg::ShownOnce)}</p>
                    <label>{t(Msg::AtomFeed)}<input readonly id="feed-atom-url" value=k.atom_url /></label>
                    <label>{t(Msg::IcsFeed)}<input readonly id="feed-ics-url" value=k.ics_url /></label>
                </Alert>
            })}
            <div class="actions">
                <button class="button primary" id="issue-feed" disabled=move || issue.pending().get() on:click=move |_| { issue.dispatch(()); }>
                    {move || t(if issued_at.get().is_some() { Msg::ReissueFeed } else { Msg::IssueFeed })()}
                </button>
                <Show when=move || issued_at.get().is_some()>
                    <button class="button secondary" id="revoke-feed" on:click=move |_| { revoke.dispatch(()); }>{t(Msg::RevokeFeed)}</button>
                </Show>
            </div>
        </section>
    }
}

#[component]
fn TokenSection(fail: Callback<ApiError>) -> impl IntoView {
    let lang = use_lang();
    let tokens = RwSignal::new(Vec::<TokenView>::new());
    let secret = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let read = RwSignal::new(true);
    let manage = RwSignal::new(false);
    let expires = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let listed = local_resource(api::tokens);
    Effect::new(move |_| match listed.get() {
        Some(Ok(list)) => tokens.set(list),
        Some(Err(e)) => fail.run(e),
        None => {}
    });
    let store = local_action(move |body: &NewTokenRequest| {
        let body = body.clone();
        async move {
            match api::create_token(&body).await {
                Ok(created) => {
                    tokens.update(|l| l.push(created.token));
                    secret.set(Some(created.secret));
                    name.set(String::new());
                    errors.set(FieldErrors::default());
                }
                Err(ApiError::Problem(p)) if !p.errors.is_empty() => {
                    errors.set(FieldErrors(p.errors))
                }
                Err(e) => fail.run(e),
            }
        }
    });
    let revoke = local_action(move |id: &String| {
        let id = id.clone();
        async move {
            match api::revoke_token(&id).await {
                Ok(()) => tokens.update(|l| l.retain(|x| x.id != id)),
                Err(e) => fail.run(e),
            }
        }
    });
    let create = move |_| {
        let mut scopes = Vec::new();
        if read.get_untracked() {
            scopes.push(TokenScope::Read.code().to_owned());
        }
        if manage.get_untracked() {
            scopes.push(TokenScope::Manage.code().to_owned());
        }
        let expiry = from_site_input(&expires.get_untracked());
        let body = NewTokenRequest {
            name: name.get_untracked(),
            scopes,
            expires_at: (!expiry.is_empty()).then_some(expiry),
        };
        store.dispatch(body);
    };
    let scope_error =
        move || errors.with(|e| e.code_for("scopes").map(|c| field_message(c, lang.get())));
    view! {
        <section class="integration" id="tokens">
            <h2>{t(Msg::TokensTitle)}</h2>
            <p class="muted">{t(Msg::TokensLead)}</p>
            {move || secret.get().map(|s| view! {
                <Alert kind="info">
                    <p>{t(Msg::ShownOnce)}</p>
                    <input readonly id="token-secret" value=s />
                </Alert>
            })}
            <Show when=move || !tokens.with(Vec::is_empty) fallback=|| view! { <p class="muted">{t(Msg::NoTokens)}</p> }>
                <TokenTable tokens revoke />
            </Show>
            <form class="form" on:submit=|ev| ev.prevent_default()>
                <Field name="name" label=Msg::TokenName value=name errors />
                <fieldset class="field checks">
                    <legend>{t(Msg::Scopes)}</legend>
                    <label class="check"><input type="checkbox" id="scope-read" prop:checked=move || read.get() on:change=move |ev| read.set(event_target_checked(&ev)) />{t(Msg::ScopeRead)}</label>
                    <label class="check"><input type="checkbox" id="scope-manage" prop:checked=move || manage.get() on:change=move |ev| manage.set(event_target_checked(&ev)) />{t(Msg::ScopeManage)}</label>
                    <p class="error" role="alert">{scope_error}</p>
                </fieldset>
                <Field name="expires_at" label=Msg::ExpiresAt value=expires errors kind="datetime-local" required=false />
                <div class="actions">
                    <button class="button primary" id="create-token" type="button" on:click=create>{t(Msg::CreateToken)}</button>
                </div>
            </form>
        </section>
    }
}

/// The account's tokens, each with 「失効」.
#[component]
fn TokenTable(tokens: RwSignal<Vec<TokenView>>, revoke: Action<String, ()>) -> impl IntoView {
    let lang = use_lang();
    let scope_label = move |s: TokenScope| match s {
        TokenScope::Read => Msg::ScopeRead,
        TokenScope::Manage => Msg::ScopeManage,
        TokenScope::Bounces => Msg::ScopeBounces,
    };
    view! {
        <table class="tokens">
            <thead><tr>
                <th>{t(Msg::TokenName)}</th><th>{t(Msg::Scopes)}</th><th>{t(Msg::ExpiresAt)}</th><th>{t(Msg::LastUsed)}</th>
                // The revoke buttons name themselves.
                <td></td>
            </tr></thead>
            <tbody>
                {keyed(move || tokens.get(), |k| k.id.clone(), move |k| view! {
                    {
                        let id = k.id.clone();
                        let revoke = move |_| {
                            revoke.dispatch(id.clone());
                        };
                        let scopes = k.scopes.clone();
                        view! {
                            <tr>
                                <td>{k.name.clone()}</td>
                                // The labels stand before the values where the header row is hidden.
                                <td data-label=move || Msg::Scopes.text(lang.get())>{move || scopes.iter().map(|s| scope_label(*s).text(lang.get())).collect::<Vec<_>>().join(", ")}</td>
                                <td data-label=move || Msg::ExpiresAt.text(lang.get())>{match k.expires_at { Some(e) => site_time(e).into_any(), None => t(Msg::NoExpiry).into_any() }}</td>
                                <td data-label=move || Msg::LastUsed.text(lang.get())>{match k.last_used_at { Some(u) => site_time(u).into_any(), None => t(Msg::Never).into_any() }}</td>
                                <td><button class="button secondary small" on:click=revoke>{t(Msg::RevokeToken)}</button></td>
                            </tr>
                        }
                    }
                })}
            </tbody>
        </table>
    }
}
