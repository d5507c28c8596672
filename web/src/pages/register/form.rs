use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::Draft;
use crate::components::{ErrorSummary, Field, PasswordField, Steps, focus_first_invalid};
use crate::i18n::{Msg, field_message, t, use_lang};

/// The form's fields in page order, for the error summary and the first field to fix.
const FIELDS: &[(&str, Msg)] = &[
    ("email", Msg::Email),
    ("password", Msg::Password),
    ("password_again", Msg::PasswordAgain),
    ("family_name", Msg::FamilyName),
    ("given_name", Msg::GivenName),
    ("company", Msg::Company),
    ("department", Msg::Department),
    ("phone", Msg::Phone),
    ("language", Msg::Language),
];

/// ④ The sign-up form.
#[component]
pub fn Form() -> impl IntoView {
    crate::components::title(Msg::RegisterTitle);
    let draft = expect_context::<Draft>();
    let lang = use_lang();
    let navigate = use_navigate();
    let errors = draft.errors;
    let tried = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if draft.validate() {
            navigate("/register/confirm", Default::default());
        } else {
            tried.set(true);
            errors.with_untracked(|e| focus_first_invalid(e, FIELDS));
        }
    };
    let language_error =
        move || errors.with(|e| e.code_for("language").map(|c| field_message(c, lang.get())));
    view! {
        <section class="card">
            <Steps current=0 />
            <h1>{t(Msg::RegisterTitle)}</h1>
            <p class="lead">{t(Msg::RegisterLead)}</p>
            <ErrorSummary errors shown=tried fields=FIELDS />
            <form on:submit=submit novalidate>
                <Field name="email" label=Msg::Email value=draft.email errors kind="email" autocomplete="email" />
                <div class="row">
                    <PasswordField name="password" label=Msg::Password value=draft.password errors hint=Msg::PasswordHint />
                    <PasswordField name="password_again" label=Msg::PasswordAgain value=draft.password_again errors />
                </div>
                <div class="row">
                    <Field name="family_name" label=Msg::FamilyName value=draft.family_name errors autocomplete="family-name" />
                    <Field name="given_name" label=Msg::GivenName value=draft.given_name errors autocomplete="given-name" />
                </div>
                <Field name="company" label=Msg::Company value=draft.company errors autocomplete="organization" />
                <div class="row">
                    <Field name="department" label=Msg::Department value=draft.department errors required=false />
                    <Field name="phone" label=Msg::Phone value=draft.phone errors kind="tel" required=false autocomplete="tel" />
                </div>
                <div class="field">
                    <label for="language">{t(Msg::Language)}<span class="badge required">{t(Msg::Required)}</span></label>
                    <select
                        id="language"
                        name="language"
                        prop:value=move || draft.language.get()
                        on:change=move |ev| draft.language.set(event_target_value(&ev))
                    >
                        <option value="ja">"日本語"</option>
                        <option value="en">"English"</option>
                    </select>
                    <p class="error" role="alert">{language_error}</p>
                </div>
                <div class="actions">
                    <button type="submit" class="button primary" id="to-confirm">{t(Msg::ToConfirm)}</button>
                </div>
            </form>
        </section>
    }
}
