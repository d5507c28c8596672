use leptos::prelude::*;
use shared::FieldErrors;
use shared::domain::EmailAddress;

use crate::api;
use crate::components::{Alert, Field};
use crate::erased::local_action;
use crate::i18n::{Msg, t};
use crate::pages::general_message;

#[component]
pub fn Request() -> impl IntoView {
    crate::components::title(Msg::ResetTitle);
    let email = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let outcome = RwSignal::new(None::<Result<(), Msg>>);
    let request = local_action(move |email: &String| {
        let email = email.clone();
        async move {
            let result = api::request_password_reset(&email).await;
            outcome.set(Some(result.map_err(|e| general_message(&e))));
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut e = FieldErrors::default();
        if e.take("email", EmailAddress::parse(&email.get_untracked()))
            .is_none()
        {
            errors.set(e);
            return;
        }
        request.dispatch(email.get_untracked());
    };
    view! {
        <section class="card narrow">
            <h1>{t(Msg::ResetTitle)}</h1>
            {move || match outcome.get() {
                Some(Ok(())) => view! { <Alert kind="success">{t(Msg::ResetSent)}</Alert> }.into_any(),
                Some(Err(m)) => view! { <Alert kind="error">{t(m)}</Alert> }.into_any(),
                None => view! { <p class="lead">{t(Msg::ResetLead)}</p> }.into_any(),
            }}
            <form on:submit=submit novalidate>
                <Field name="email" label=Msg::Email value=email errors kind="email" autocomplete="email" />
                <button type="submit" class="button primary block" disabled=move || request.pending().get()>{t(Msg::ResetSend)}</button>
            </form>
        </section>
    }
}
