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
        Some(ProblemKind::Conflict) => Msg::EmailChangeTaken,
        _ => general_message(e),
    }
}

/// `/account/email/confirm?token=…`, opened from the mail sent to the new login address.
/// Confirming takes a click (a POST), so that mail scanners which open links change
/// nothing.
#[component]
pub fn EmailConfirm() -> impl IntoView {
    crate::components::title(Msg::EmailConfirmTitle);
    let token = use_query_map()
        .with_untracked(|q| q.get("token"))
        .unwrap_or_default();
    let link = {
        let token = token.clone();
        local_resource(move || {
            let token = token.clone();
            async move {
                match api::email_change(&token).await {
                    Ok(status) => Step::Ready {
                        email_masked: status.email_masked,
                    },
                    Err(e) => Step::Failed(failure(&e)),
                }
            }
        })
    };
    let confirm = local_action(move |(): &()| {
        let token = token.clone();
        async move {
            match api::confirm_email_change(&token).await {
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
            <h1>{t(Msg::EmailConfirmTitle)}</h1>
            {move || match step() {
                Step::Checking => view! { <p class="muted">{t(Msg::Loading)}</p> }.into_any(),
                Step::Ready { email_masked } => view! {
                    <p class="lead">{t(Msg::EmailConfirmLead)}</p>
                    <p class="masked" id="new-login-id">{email_masked}</p>
                    <button class="button primary block" id="confirm-email-change" on:click=move |_| { confirm.dispatch(()); } disabled=move || confirm.pending().get()>
                        {t(Msg::EmailConfirmButton)}
                    </button>
                }.into_any(),
                Step::Done => view! {
                    <Alert kind="success"><span id="email-change-done">{t(Msg::EmailChangeDone)}</span></Alert>
                    <A href="/mysupport" attr:class="button primary">{t(Msg::BackToMySupport)}</A>
                }.into_any(),
                Step::Failed(m) => view! { <Alert kind="error"><span id="email-change-failed">{t(m)}</span></Alert> }.into_any(),
            }}
        </section>
    }
}
