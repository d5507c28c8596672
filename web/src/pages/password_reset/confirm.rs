use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use shared::domain::Password;
use shared::{FieldCode, FieldErrors, ProblemKind};

use crate::api::{self, ApiError};
use crate::components::{Alert, PasswordField};
use crate::erased::local_action;
use crate::i18n::{Msg, t};
use crate::pages::general_message;

#[component]
pub fn Confirm() -> impl IntoView {
    crate::components::title(Msg::ResetTitle);
    let token = use_query_map()
        .with_untracked(|q| q.get("token"))
        .unwrap_or_default();
    let password = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let outcome = RwSignal::new(None::<Result<(), Msg>>);
    let reset = local_action(move |password: &String| {
        let (token, password) = (token.clone(), password.clone());
        async move {
            let result = match api::confirm_password_reset(&token, &password).await {
                Ok(()) => Ok(()),
                Err(ApiError::Problem(p)) if p.kind() == Some(ProblemKind::Validation) => {
                    errors.set(FieldErrors(p.errors));
                    return;
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        Some(ProblemKind::LinkExpired | ProblemKind::NotFound)
                    ) =>
                {
                    Err(Msg::ResetExpired)
                }
                Err(e) => Err(general_message(&e)),
            };
            outcome.set(Some(result));
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut e = FieldErrors::default();
        e.take("new_password", Password::parse(&password.get_untracked()));
        // The repeat is checked on its own, whatever the first password's own problems.
        let repeated = again.get_untracked();
        if repeated.is_empty() {
            e.push("new_password_again", FieldCode::Required);
        } else if password.get_untracked() != repeated {
            e.push("new_password_again", FieldCode::Mismatch);
        }
        if !e.is_empty() {
            errors.set(e);
            return;
        }
        reset.dispatch(password.get_untracked());
    };
    view! {
        <section class="card narrow">
            <h1>{t(Msg::ResetTitle)}</h1>
            {move || match outcome.get() {
                Some(Ok(())) => view! {
                    <Alert kind="success">{t(Msg::ResetDone)}</Alert>
                    <A href="/login" attr:class="button primary">{t(Msg::Login)}</A>
                }.into_any(),
                Some(Err(m)) => view! {
                    <Alert kind="error">{t(m)}</Alert>
                    <A href="/password-reset" attr:class="button secondary">{t(Msg::ResetTitle)}</A>
                }.into_any(),
                None => view! {
                    <form on:submit=submit novalidate>
                        <PasswordField name="new_password" label=Msg::NewPassword value=password errors hint=Msg::PasswordHint />
                        <PasswordField name="new_password_again" label=Msg::PasswordAgain value=again errors />
                        <button type="submit" class="button primary block" disabled=move || reset.pending().get()>{t(Msg::ResetButton)}</button>
                    </form>
                }.into_any(),
            }}
        </section>
    }
}
