use leptos::prelude::*;
use leptos_router::components::A;

use super::RecipientDraft;
use crate::components::Alert;
use crate::i18n::{Msg, t};

#[component]
pub fn Done() -> impl IntoView {
    crate::components::title(Msg::RecipientDoneTitle);
    let draft = expect_context::<RecipientDraft>();
    let adding = draft.id.get_value().is_none();
    view! {
        <section class="card narrow">
            <h1>{t(Msg::RecipientDoneTitle)}</h1>
            <Alert kind="success">{t(if adding { Msg::RecipientDoneNew } else { Msg::RecipientDoneEdit })}</Alert>
            <div class="actions">
                <A href="/mysupport/recipients" attr:class="button secondary" attr:id="back-to-recipients">{t(Msg::RecipientsTab)}</A>
                <A href="/mysupport" attr:class="button primary">{t(Msg::BackToMySupport)}</A>
            </div>
        </section>
    }
}
