use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{Msg, t};

#[component]
pub fn NotFound() -> impl IntoView {
    crate::components::title(Msg::NotFoundTitle);
    view! {
        <section class="card narrow">
            <h1>{t(Msg::NotFoundTitle)}</h1>
            <p><A href="/">{t(Msg::Home)}</A></p>
        </section>
    }
}
