use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{self, ApiError};
use crate::erased::{loading, local_resource};
use crate::i18n::{Msg, pick, t, use_lang};

/// ② 「法人のお客さま向けサポート情報一覧」: the catalog's categories.
#[component]
pub fn Categories() -> impl IntoView {
    crate::components::title(Msg::SupportListTitle);
    let lang = use_lang();
    let catalog = local_resource(api::catalog);
    view! {
        <section class="catalog">
            <h1>{t(Msg::SupportListTitle)}</h1>
            <p class="lead">{t(Msg::SupportListLead)}</p>
            {loading(move || async move {
                let c = catalog.await?;
                Ok::<_, ApiError>(view! {
                    <ul class="tiles">
                        {c.categories.into_iter().map(|cat| {
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
                        }).collect_view()}
                    </ul>
                })
            })}
        </section>
    }
}
