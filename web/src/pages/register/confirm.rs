use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::ProblemKind;

use super::Draft;
use crate::api::{self, ApiError};
use crate::components::{Alert, Steps};
use crate::erased::local_action;
use crate::i18n::{Msg, t};
use crate::pages::general_message;

/// ⑤ Review, then 「仮登録する」.
#[component]
pub fn Confirm() -> impl IntoView {
    crate::components::title(Msg::ConfirmTitle);
    let draft = expect_context::<Draft>();
    let navigate = use_navigate();
    if draft.is_empty() {
        navigate("/register", Default::default());
    }
    let failure = RwSignal::new(None::<Msg>);
    let register = local_action(move |_: &()| {
        let navigate = navigate.clone();
        async move {
            match api::register(&draft.request()).await {
                Ok(accepted) => {
                    draft.accepted.set(Some(accepted));
                    draft.forget_passwords();
                    navigate("/register/sent", Default::default());
                }
                Err(ApiError::Problem(p)) if p.kind() == Some(ProblemKind::Validation) => {
                    draft.errors.set(shared::FieldErrors(p.errors));
                    navigate("/register", Default::default());
                }
                Err(e) => failure.set(Some(general_message(&e))),
            }
        }
    });
    let submit = move |_| {
        failure.set(None);
        register.dispatch(());
    };
    let row = |label: Msg, value: Signal<String>| {
        view! { <div class="review-row"><dt>{t(label)}</dt><dd>{move || value.get()}</dd></div> }
    };
    let language = Signal::derive(move || {
        if draft.language.get() == "en" {
            "English".to_owned()
        } else {
            "日本語".to_owned()
        }
    });
    view! {
        <section class="card">
            <Steps current=1 />
            <h1>{t(Msg::ConfirmTitle)}</h1>
            <p class="lead">{t(Msg::ConfirmLead)}</p>
            {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
            <dl class="review">
                {row(Msg::Email, draft.email.into())}
                {row(Msg::Password, Signal::derive(move || "●".repeat(draft.password.get().chars().count())))}
                {row(Msg::FamilyName, draft.family_name.into())}
                {row(Msg::GivenName, draft.given_name.into())}
                {row(Msg::Company, draft.company.into())}
                {row(Msg::Department, draft.department.into())}
                {row(Msg::Phone, draft.phone.into())}
                {row(Msg::Language, language)}
            </dl>
            <div class="actions">
                <a href="/register" class="button secondary">{t(Msg::Back)}</a>
                <button class="button primary" id="provisional" on:click=submit disabled=move || register.pending().get()>
                    {t(Msg::Provisional)}
                </button>
            </div>
        </section>
    }
}
