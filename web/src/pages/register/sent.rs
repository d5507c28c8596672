use leptos::prelude::*;

use super::Draft;
use crate::components::{Alert, Steps};
use crate::i18n::{Msg, t};

/// After 「仮登録する」: the activation mail is on its way.
#[component]
pub fn Sent() -> impl IntoView {
    crate::components::title(Msg::SentTitle);
    let draft = expect_context::<Draft>();
    let masked = move || draft.accepted.get().map(|a| a.email_masked);
    view! {
        <section class="card">
            <Steps current=2 />
            <h1>{t(Msg::SentTitle)}</h1>
            <Alert kind="success">{t(Msg::SentBody)}</Alert>
            {move || masked().map(|m| view! { <p>{t(Msg::SentTo)}": " <strong class="masked">{m}</strong></p> })}
            <p class="hint">{t(Msg::SentNoMail)}</p>
        </section>
    }
}
