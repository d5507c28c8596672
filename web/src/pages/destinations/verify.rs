use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::FieldErrors;
use shared::dto::DeliveryAttemptView;

use super::Added;
use crate::api::{self, ApiError};
use crate::components::{Alert, Field, focus_first_invalid};
use crate::erased::{local_action, local_resource};
use crate::i18n::{Msg, t};
use crate::pages::redirect_for;

/// The test notification's outcome, as the customer reads it.
#[component]
pub fn TestOutcome(attempt: DeliveryAttemptView) -> impl IntoView {
    if attempt.delivered {
        view! { <Alert kind="success"><p id="test-outcome">{t(Msg::TestDelivered)}</p></Alert> }
            .into_any()
    } else {
        let reply = attempt.reply.unwrap_or_default();
        view! { <Alert kind="error"><p id="test-outcome">{t(Msg::TestFailed)}<code>{reply}</code></p></Alert> }.into_any()
    }
}

/// 「配信先の確認」: the secret of a new generic webhook (this once), the test's outcome,
/// and the code to type back.
#[component]
pub fn Verify() -> impl IntoView {
    crate::components::title(Msg::VerifyDestinationTitle);
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let navigate = use_navigate();
    let lang = crate::i18n::use_lang();
    let added = expect_context::<Added>();
    // Only what the form just handed over for this destination; a reload shows no secret.
    let just = added.0.get_untracked().filter(|a| a.id == id);
    let secret = just.as_ref().and_then(|a| a.secret.clone());
    let outcome = RwSignal::new(just.and_then(|a| a.test));
    let code = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let general = RwSignal::new(None::<Msg>);
    let here = format!("/mysupport/destinations/{id}/verify");
    // Which destination this is, said under the heading.
    let listed = local_resource(api::destinations);
    let named = {
        let id = id.clone();
        move || {
            listed.get().and_then(|r| r.ok()).and_then(|list| {
                list.into_iter().find(|d| d.id == id).map(|d| {
                    format!(
                        "{} · {}",
                        d.name,
                        super::channel_label(d.channel).text(lang.get())
                    )
                })
            })
        }
    };
    let fail = {
        let (navigate, here) = (navigate.clone(), here.clone());
        move |e: ApiError| match redirect_for(&e, &here) {
            Ok(to) => navigate(&to, Default::default()),
            Err(m) => general.set(Some(m)),
        }
    };
    let confirm = {
        let (fail, navigate, id) = (fail.clone(), navigate.clone(), id.clone());
        local_action(move |typed: &String| {
            let (typed, fail, navigate, id) =
                (typed.clone(), fail.clone(), navigate.clone(), id.clone());
            async move {
                match api::verify_destination(&id, &typed).await {
                    Ok(_) => {
                        added.0.set(None);
                        navigate("/mysupport/destinations?activated=1", Default::default());
                    }
                    Err(ApiError::Problem(p)) if !p.errors.is_empty() => {
                        let found = FieldErrors(p.errors);
                        focus_first_invalid(&found, &[("code", Msg::CodeLabel)]);
                        errors.set(found);
                    }
                    Err(e) => fail(e),
                }
            }
        })
    };
    let resend = {
        let id = id.clone();
        local_action(move |(): &()| {
            let (id, fail) = (id.clone(), fail.clone());
            async move {
                match api::test_destination(&id).await {
                    Ok(attempt) => outcome.set(Some(attempt)),
                    Err(e) => fail(e),
                }
            }
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        confirm.dispatch(code.get_untracked());
    };
    view! {
        <section class="card wide">
            <h1>{t(Msg::VerifyDestinationTitle)}</h1>
            <p class="destination-name" id="destination-name">{named}</p>
            {secret.map(|s| view! {
                <Alert kind="info">
                    <p><strong>{t(Msg::SigningSecret)}</strong></p>
                    <p>{t(Msg::ShownOnce)}" "{t(Msg::SecretLead)}</p>
                    <input readonly id="destination-secret" aria-label=move || Msg::SigningSecret.text(lang.get()) value=s />
                </Alert>
            })}
            {move || outcome.get().map(|attempt| view! { <TestOutcome attempt /> })}
            {move || general.get().map(|m| view! { <p class="alert error" role="alert">{t(m)}</p> })}
            <p class="hint">{t(Msg::VerifyDestinationLead)}</p>
            <form on:submit=submit novalidate>
                <Field name="code" label=Msg::CodeLabel value=code errors autocomplete="one-time-code" />
                <div class="actions">
                    <button type="button" class="button secondary" id="send-test" on:click=move |_| { resend.dispatch(()); }>{t(Msg::SendTest)}</button>
                    <button type="submit" class="button primary" id="confirm-code">{t(Msg::ConfirmCode)}</button>
                </div>
            </form>
        </section>
    }
}
