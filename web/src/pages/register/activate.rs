use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::dto::{RegistrationStatus, require_password};
use shared::{FieldErrors, ProblemKind};

use crate::api::{self, ApiError};
use crate::components::layout::SignedIn;
use crate::components::{Alert, PasswordField, Steps};
use crate::erased::{local_action, local_resource};
use crate::i18n::{Msg, t};
use crate::pages::general_message;

#[derive(Clone, PartialEq)]
enum Link {
    Checking,
    Valid(RegistrationStatus),
    Unknown,
}

/// ⑥ The activation link: the password chosen at sign-up, typed again.
#[component]
pub fn Activate() -> impl IntoView {
    crate::components::title(Msg::ActivateTitle);
    let query = use_query_map();
    let token = query.with_untracked(|q| q.get("token")).unwrap_or_default();
    let navigate = use_navigate();
    let status = {
        let token = token.clone();
        local_resource(move || {
            let token = token.clone();
            async move { api::registration_status(&token).await }
        })
    };
    {
        let navigate = navigate.clone();
        Effect::new(move |_| {
            if let Some(Err(e)) = status.get()
                && e.kind() == Some(ProblemKind::LinkExpired)
            {
                navigate("/register/expired", Default::default());
            }
        });
    }
    let link = move || match status.get() {
        Some(Ok(s)) => Link::Valid(s),
        // An expired link is on its way to the expired page.
        Some(Err(e)) if e.kind() != Some(ProblemKind::LinkExpired) => Link::Unknown,
        _ => Link::Checking,
    };
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<Msg>);
    let signed_in = expect_context::<SignedIn>().0;
    let activate = local_action(move |_: &()| {
        let token = token.clone();
        let navigate = navigate.clone();
        async move {
            match api::activate(&token, &password.get_untracked()).await {
                Ok(_) => {
                    signed_in.set(true);
                    navigate("/register/complete", Default::default());
                }
                Err(ApiError::Problem(p)) if p.kind() == Some(ProblemKind::Validation) => {
                    errors.set(FieldErrors(p.errors))
                }
                Err(e) if e.kind() == Some(ProblemKind::LinkExpired) => {
                    navigate("/register/expired", Default::default())
                }
                Err(e) => failure.set(Some(general_message(&e))),
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        if let Err(e) = require_password("password", &password.get_untracked()) {
            errors.set(e);
            return;
        }
        activate.dispatch(());
    };
    view! {
        <section class="card narrow">
            <Steps current=3 />
            <h1>{t(Msg::ActivateTitle)}</h1>
            {move || match link() {
                Link::Checking => view! { <p class="muted">{t(Msg::Checking)}</p> }.into_any(),
                Link::Unknown => view! {
                    <Alert kind="error">{t(Msg::UnknownLinkBody)}</Alert>
                    <a class="button secondary" href="/register">{t(Msg::StartOver)}</a>
                }.into_any(),
                Link::Valid(status) => view! {
                    <p class="lead">{t(Msg::ActivateLead)}</p>
                    <p>{t(Msg::Email)}": " <strong class="masked">{status.email_masked}</strong></p>
                    {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
                    <form on:submit=submit novalidate>
                        <PasswordField name="password" label=Msg::Password value=password errors autocomplete="current-password" />
                        <button type="submit" class="button primary block" id="activate" disabled=move || activate.pending().get()>
                            {t(Msg::ActivateButton)}
                        </button>
                    </form>
                }.into_any(),
            }}
        </section>
    }
}
