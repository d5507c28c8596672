use leptos::prelude::*;
use shared::FieldErrors;
use shared::domain::EmailAddress;
use shared::dto::EmailChangeRequest;

use crate::api::{self, ApiError};
use crate::components::{Alert, Field, PasswordField};
use crate::erased::{loading, local_action, local_resource};
use crate::i18n::{Msg, t};
use crate::pages::general_message;
use crate::pages::recipients::MySupportTabs;

/// `/mysupport/account`: the login ID (メールアドレス) and its change. The new address gets a
/// confirmation link, the current one a notice; nothing changes until the link is opened.
#[component]
pub fn AccountSettings() -> impl IntoView {
    crate::components::title(Msg::AccountTitle);
    let me = local_resource(api::me);
    let new_email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<Msg>);
    // The masked new address once its mail is on the way.
    let sent = RwSignal::new(None::<String>);
    let request = local_action(move |body: &EmailChangeRequest| {
        let body = body.clone();
        async move {
            match api::request_email_change(&body).await {
                Ok(()) => {
                    errors.set(FieldErrors::default());
                    failure.set(None);
                    password.set(String::new());
                    sent.set(Some(
                        EmailAddress::parse(&body.new_email)
                            .map(|e| e.masked())
                            .unwrap_or(body.new_email),
                    ));
                }
                Err(ApiError::Problem(p)) if !p.errors.is_empty() => {
                    errors.set(FieldErrors(p.errors));
                }
                Err(e) => failure.set(Some(general_message(&e))),
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sent.set(None);
        request.dispatch(EmailChangeRequest {
            new_email: new_email.get_untracked(),
            password: password.get_untracked(),
        });
    };
    view! {
        <section class="mysupport">
            <MySupportTabs />
            <div class="card">
                <h1>{t(Msg::AccountTitle)}</h1>
                {loading(move || async move {
                    let me = me.await?;
                    Ok::<_, ApiError>(view! {
                        <dl class="review">
                            <div class="review-row">
                                <dt>{t(Msg::LoginId)}</dt>
                                <dd id="login-id">{me.email}</dd>
                            </div>
                        </dl>
                    })
                })}
                <h2 class="section-title">{t(Msg::EmailChangeTitle)}</h2>
                <p class="hint">{t(Msg::EmailChangeLead)}</p>
                {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
                {move || sent.get().map(|to| view! {
                    <Alert kind="success">
                        <span id="email-change-sent">{t(Msg::EmailChangeSent)} " " <strong>{to}</strong></span>
                    </Alert>
                })}
                <form on:submit=submit novalidate>
                    <Field name="new_email" label=Msg::NewLoginId value=new_email errors kind="email" autocomplete="email" />
                    <PasswordField name="password" label=Msg::CurrentPassword value=password errors autocomplete="current-password" />
                    <div class="actions">
                        <button type="submit" class="button primary" id="request-email-change"
                            disabled=move || request.pending().get()>{t(Msg::SendConfirmation)}</button>
                    </div>
                </form>
            </div>
        </section>
    }
}
