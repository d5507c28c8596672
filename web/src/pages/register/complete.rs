use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::ProblemKind;
use shared::dto::TermsView;

use crate::api::{self, ApiError};
use crate::components::{Alert, Steps};
use crate::erased::{loading, local_action, local_resource};
use crate::i18n::{Msg, pick, t, use_lang};
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
    let terms = local_resource(api::terms);
    // Outside the wizard: whether this account accepted an earlier version.
    let accepted_before = local_resource(move || async move {
        if renewed {
            api::me()
                .await
                .ok()
                .map(|me| me.terms_accepted_version.is_some())
        } else {
            None
        }
    });
    let lead = move || match (renewed, accepted_before.get().flatten()) {
        (false, _) => Some(Msg::CompleteLead),
        (true, Some(true)) => Some(Msg::NewTermsLead),
        (true, Some(false)) => Some(Msg::FirstTermsLead),
        (true, None) => None,
    };
    let failure = RwSignal::new(None::<Msg>);
    let accept = local_action(move |version: &String| {
        let version = version.clone();
        let navigate = navigate.clone();
        async move {
            match api::accept_terms(&version).await {
                Ok(()) => navigate("/mysupport", Default::default()),
                Err(e) if e.kind() == Some(ProblemKind::Unauthorized) => {
                    navigate("/login?next=/terms", Default::default())
                }
                Err(e) => failure.set(Some(general_message(&e))),
            }
        }
    });
    view! {
        <section class="card">
            {(!renewed).then(|| view! { <Steps current=4 /> })}
            <h1>{t(if renewed { Msg::TermsTitle } else { Msg::CompleteTitle })}</h1>
            <p class="lead" id="terms-lead">{move || lead().map(|m| m.text(lang.get()))}</p>
            {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
            {loading(move || async move {
                let v: TermsView = terms.await?;
                let version = v.version.clone();
                let (title_ja, title_en) = (v.title_ja.clone(), v.title_en.clone());
                let title = move || pick(lang.get(), &title_ja, &title_en);
                let label = title.clone();
                let (body_ja, body_en) = (v.body_ja.clone(), v.body_en.clone());
                Ok::<_, ApiError>(view! {
                    <article class="terms" tabindex="0" aria-label=label>
                        <h2>{title}</h2>
                        <pre class="terms-body">{move || pick(lang.get(), &body_ja, &body_en)}</pre>
                    </article>
                    <div class="actions">
                        <button
                            class="button primary large"
                            id="accept-terms"
                            on:click=move |_| { accept.dispatch(version.clone()); }
                            disabled=move || accept.pending().get()
                        >
                            {t(Msg::AcceptTerms)}
                        </button>
                    </div>
                })
            })}
        </section>
    }
}
