use leptos::prelude::*;
use leptos_router::components::A;
use shared::dto::Catalog;

use crate::api;
use crate::components::Alert;
use crate::i18n::{Msg, pick, t, use_lang};
use crate::pages::general_message;

/// ② 「法人のお客さま向けサポート情報一覧」: the catalog's categories.
#[component]
pub fn Categories() -> impl IntoView {
    crate::components::title(Msg::SupportListTitle);
    let lang = use_lang();
    let catalog = RwSignal::new(None::<Catalog>);
    let failure = RwSignal::new(None::<Msg>);
    leptos::task::spawn_local(async move {
        match api::catalog().await {
            Ok(c) => catalog.set(Some(c)),
            Err(e) => failure.set(Some(general_message(&e))),
        }
    });
    view! {
        <section class="catalog">
            <h1>{t(Msg::SupportListTitle)}</h1>
            <p class="lead">{t(Msg::SupportListLead)}</p>
            {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
            <ul class="tiles">
                {move || catalog.get().map(|c| c.categories.into_iter().map(|cat| {
                    let href = format!("/support/{}", cat.slug);
                    let count: usize = cat.groups.iter().map(|g| g.products.len()).sum();
                    view! {
                        <li>
                            <A href=href attr:class="tile" attr:data-slug=cat.slug.clone()>
                                <strong>{move || pick(lang.get(), &cat.name_ja, &cat.name_en)}</strong>
                                <span class="muted">{move || pick(lang.get(), &cat.description_ja, &cat.description_en)}</span>
                                <span class="count">{count}</span>
                            </A>
                        </li>
                    }
                }).collect_view())}
            </ul>
        </section>
    }
}
