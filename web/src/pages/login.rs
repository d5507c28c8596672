use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::FieldErrors;
use shared::dto::parse_credentials;

use crate::api;
use crate::components::layout::SignedIn;
use crate::components::{Alert, Field, PasswordField};
use crate::erased::local_action;
use crate::i18n::{Msg, t};
use crate::pages::general_message;

#[component]
pub fn Login() -> impl IntoView {
    crate::components::title(Msg::LoginTitle);
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<Msg>);
    let signed_in = expect_context::<SignedIn>().0;
    let navigate = use_navigate();
    let query = use_query_map();
    let login = local_action(move |next: &String| {
        let next = next.clone();
        let navigate = navigate.clone();
        async move {
            match api::login(&email.get_untracked(), &password.get_untracked()).await {
                Ok(_) => {
                    signed_in.set(true);
                    navigate(&next, Default::default());
                }
                Err(e) => failure.set(Some(general_message(&e))),
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        if let Err(e) = parse_credentials(&email.get(), &password.get()) {
            errors.set(e);
            return;
        }
        // Only local paths: `next` must not send anyone to another site.
        let next = query
            .with(|q| q.get("next"))
            .filter(|n| n.starts_with('/') && !n.starts_with("//"))
            .unwrap_or_else(|| "/mysupport".into());
        login.dispatch(next);
    };
    view! {
        <section class="card narrow">
            <h1>{t(Msg::LoginTitle)}</h1>
            {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
            <form on:submit=submit novalidate>
                <Field name="email" label=Msg::Email value=email errors kind="email" autocomplete="username" />
                <PasswordField name="password" label=Msg::Password value=password errors autocomplete="current-password" />
                <button type="submit" class="button primary block" disabled=move || login.pending().get()>{t(Msg::Login)}</button>
            </form>
            <p class="links">
                <A href="/password-reset">{t(Msg::ForgotPassword)}</A>
                " · "
                <A href="/register">{t(Msg::NoId)}</A>
            </p>
        </section>
    }
}
