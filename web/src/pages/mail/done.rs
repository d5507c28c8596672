use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::Alert;
use crate::i18n::{Msg, t};

/// ⑩ 「登録が完了しました」 with the way back to My Support.
#[component]
pub fn Done() -> impl IntoView {
    crate::components::title(Msg::MailDoneTitle);
    view! {
        <section class="card narrow">
            <h1>{t(Msg::MailDoneTitle)}</h1>
            <Alert kind="success">{t(Msg::MailDoneBody)}</Alert>
            <A href="/mysupport" attr:class="button primary" attr:id="back-to-mysupport">{t(Msg::BackToMySupport)}</A>
        </section>
    }
}
