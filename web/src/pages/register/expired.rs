use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{Msg, t};

/// An activation link that expired or was used: offer to start again.
#[component]
pub fn Expired() -> impl IntoView {
    crate::components::title(Msg::ExpiredTitle);
    view! {
        <section class="card narrow" id="link-expired">
            <h1>{t(Msg::ExpiredTitle)}</h1>
            <p>{t(Msg::ExpiredBody)}</p>
            <A href="/register" attr:class="button primary">{t(Msg::StartOver)}</A>
        </section>
    }
}
