use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use shared::ProblemKind;

use crate::api::{self, ApiError};
use crate::components::Alert;
use crate::erased::{local_action, local_resource};
use crate::i18n::{Msg, t};
use crate::pages::general_message;

/// Where the page stands: the link is checked before its button is offered.
#[derive(Clone, PartialEq)]
enum Step {
    Checking,
    Ready { email_masked: String },
    Done,
    Failed(Msg),
}

fn failure(e: &ApiError) -> Msg {
    match e.kind() {
        Some(ProblemKind::LinkExpired | ProblemKind::NotFound) => Msg::ExpiredTitle,
        _ => general_message(e),
    }
}

/// Opened from the verification mail. Confirming takes a click (a POST), so that mail
/// scanners which open links verify nothing; a used or expired link says so at once.
#[component]
pub fn Verify() -> impl IntoView {
    crate::components::title(Msg::VerifyTitle);
    let token = use_query_map()
        .with_untracked(|q| q.get("token"))
        .unwrap_or_default();
    // The link is asked about first; the answer, or the confirmation's, is the step.
    let link = {
        let token = token.clone();
        local_resource(move || {
            let token = token.clone();
            async move {
                match api::recipient_verification(&token).await {
                    Ok(status) => Step::Ready {
                        email_masked: status.email_masked,
                    },
                    Err(e) => Step::Failed(failure(&e)),
                }
            }
        })
    };
    let confirm = local_action(move |_: &()| {
        let token = token.clone();
        async move {
            match api::verify_recipient(&token).await {
                Ok(()) => Step::Done,
                Err(e) => Step::Failed(failure(&e)),
            }
        }
    });
    let step = move || {
        confirm
            .value()
            .get()
            .or_else(|| link.get())
            .unwrap_or(Step::Checking)
    };
    view! {
        <section class="card narrow">
            <h1>{t(Msg::VerifyTitle)}</h1>
            {move || match step() {
                Step::Checking => view! { <p class="muted">{t(Msg::Loading)}</p> }.into_any(),
                Step::Ready { email_masked } => view! {
                    <p class="masked" id="verify-address">{email_masked}</p>
                    <p class="lead">{t(Msg::VerifyLead)}</p>
                    <button class="button primary block" id="verify-recipient" on:click=move |_| { confirm.dispatch(()); } disabled=move || confirm.pending().get()>
                        {t(Msg::VerifyButton)}
                    </button>
                }.into_any(),
                Step::Done => view! {
                    <Alert kind="success"><span id="verify-done">{t(Msg::VerifyDone)}</span></Alert>
                    <A href="/mysupport" attr:class="button primary" attr:id="verify-to-mysupport">{t(Msg::BackToMySupport)}</A>
                }.into_any(),
                Step::Failed(m) => view! { <Alert kind="error"><span id="verify-failed">{t(m)}</span></Alert> }.into_any(),
            }}
        </section>
    }
}
