use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::ProblemKind;
use shared::dto::TermsView;

use crate::api;
use crate::components::{Alert, Steps};
use crate::i18n::{Language, Msg, t, use_lang};
use crate::pages::general_message;

/// ⑥ Activation done: read the terms and accept them to open My Support.
#[component]
pub fn Complete() -> impl IntoView {
    crate::components::title(Msg::CompleteTitle);
    view! { <TermsPage renewed=false /> }
}

/// The same acceptance outside the sign-up wizard: for a new terms version, or for an account
/// that activated but never accepted any (it is told so, not that the terms changed).
#[component]
pub fn Terms() -> impl IntoView {
    crate::components::title(Msg::TermsTitle);
    view! { <TermsPage renewed=true /> }
}

#[component]
fn TermsPage(renewed: bool) -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    let terms = RwSignal::new(None::<TermsView>);
    let failure = RwSignal::new(None::<Msg>);
    let busy = RwSignal::new(false);
    // Whether this account accepted an earlier version; unknown until asked.
    let accepted_before = RwSignal::new(None::<bool>);
    leptos::task::spawn_local(async move {
        match api::terms().await {
            Ok(v) => terms.set(Some(v)),
            Err(e) => failure.set(Some(general_message(&e))),
        }
        if renewed && let Ok(me) = api::me().await {
            accepted_before.set(Some(me.terms_accepted_version.is_some()));
        }
    });
    let lead = move || match (renewed, accepted_before.get()) {
        (false, _) => Some(Msg::CompleteLead),
        (true, Some(true)) => Some(Msg::NewTermsLead),
        (true, Some(false)) => Some(Msg::FirstTermsLead),
        (true, None) => None,
    };
    let accept = move |_| {
        let Some(version) = terms.get_untracked().map(|v| v.version) else {
            return;
        };
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::accept_terms(&version).await {
                Ok(()) => navigate("/mysupport", Default::default()),
                Err(e) if e.kind() == Some(ProblemKind::Unauthorized) => {
                    navigate("/login?next=/terms", Default::default())
                }
                Err(e) => failure.set(Some(general_message(&e))),
            }
            busy.set(false);
        });
    };
    let title = move || {
        terms.get().map(|v| {
            if lang.get() == Language::En {
                v.title_en
            } else {
                v.title_ja
            }
        })
    };
    let body = move || {
        terms.get().map(|v| {
            if lang.get() == Language::En {
                v.body_en
            } else {
                v.body_ja
            }
        })
    };
    view! {
        <section class="card">
            {(!renewed).then(|| view! { <Steps current=4 /> })}
            <h1>{t(if renewed { Msg::AcceptTerms } else { Msg::CompleteTitle })}</h1>
            <p class="lead" id="terms-lead">{move || lead().map(|m| m.text(lang.get()))}</p>
            {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
            <article class="terms" tabindex="0" aria-label=title>
                <h2>{title}</h2>
                <pre class="terms-body">{body}</pre>
            </article>
            <div class="actions">
                <button
                    class="button primary large"
                    id="accept-terms"
                    on:click=accept
                    disabled=move || busy.get() || terms.get().is_none()
                >
                    {t(Msg::AcceptTerms)}
                </button>
            </div>
        </section>
    }
}
