use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::components::ApiErrors;
use crate::erased::{local_action, local_resource};
use crate::i18n::{Language, Msg, t, use_lang};
use crate::{api, session};

/// Whether someone is signed in, as far as this tab knows.
#[derive(Clone, Copy)]
pub struct SignedIn(pub RwSignal<bool>);

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let lang = use_lang();
    let signed_in = expect_context::<SignedIn>().0;
    let navigate = use_navigate();
    // The console link is a convenience; the console itself asks the API who may use it.
    let operator = local_resource(move || {
        let signed = signed_in.get();
        async move {
            signed
                && api::me()
                    .await
                    .is_ok_and(|me| me.role == shared::dto::Role::Operator)
        }
    });
    let logout = local_action(move |_: &()| {
        let navigate = navigate.clone();
        async move {
            api::logout().await;
            signed_in.set(false);
            navigate("/", Default::default());
        }
    });
    view! {
        <header class="site-header">
            <div class="bar">
                <A href="/" attr:class="brand">
                    <span class="logo" aria-hidden="true">"知"</span>
                    <span>"Shirase " <small>{t(Msg::SiteName)}</small></span>
                </A>
                <nav class="site-nav" aria-label="main">
                    <A href="/status" attr:class="nav-link" attr:id="nav-status">{t(Msg::StatusNav)}</A>
                    <A href="/notices" attr:class="nav-link" attr:id="nav-notices">{t(Msg::Notices)}</A>
                    <A href="/support" attr:class="nav-link" attr:id="nav-products">{t(Msg::Products)}</A>
                    <Show
                        when=move || signed_in.get()
                        fallback=|| view! {
                            <A href="/login" attr:class="nav-link">{t(Msg::Login)}</A>
                            <A href="/register" attr:class="button small">{t(Msg::Register)}</A>
                        }
                    >
                        <A href="/mysupport" attr:class="nav-link">{t(Msg::MySupport)}</A>
                        <Show when=move || operator.get().unwrap_or(false)>
                            <A href="/operator" attr:class="nav-link" attr:id="nav-console">{t(Msg::Console)}</A>
                        </Show>
                        <button class="link-button" on:click=move |_| { logout.dispatch(()); }>{t(Msg::Logout)}</button>
                    </Show>
                </nav>
                <div class="lang-switch" role="group" aria-label="Language">
                    <button
                        aria-pressed=move || (lang.get() == Language::Ja).to_string()
                        on:click=move |_| lang.set(Language::Ja)
                    >"日本語"</button>
                    <button
                        aria-pressed=move || (lang.get() == Language::En).to_string()
                        on:click=move |_| lang.set(Language::En)
                    >"English"</button>
                </div>
            </div>
        </header>
        <main class="content"><ApiErrors>{children()}</ApiErrors></main>
        <footer class="site-footer">"© Shirase"</footer>
    }
}

/// The wizard's progress: which of the sign-up steps this page is.
#[component]
pub fn Steps(current: usize) -> impl IntoView {
    let steps = [
        Msg::StepInput,
        Msg::StepConfirm,
        Msg::StepSent,
        Msg::StepActivate,
        Msg::StepDone,
    ];
    view! {
        <ol class="steps">
            {steps
                .into_iter()
                .enumerate()
                .map(|(i, m)| {
                    let class = if i == current { "current" } else if i < current { "done" } else { "" };
                    view! {
                        <li class=class aria-current=if i == current { "step" } else { "false" }>
                            <span class="num">{i + 1}</span>
                            <span class="label">{t(m)}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

/// A message box; `kind` is `error`, `info` or `success`.
#[component]
pub fn Alert(kind: &'static str, children: Children) -> impl IntoView {
    view! { <div class=format!("alert {kind}") role=if kind == "error" { "alert" } else { "status" }>{children()}</div> }
}

/// Whether the stored session exists (used at start-up).
pub fn has_session() -> bool {
    session::load().is_some()
}
