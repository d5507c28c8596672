use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiError};
use crate::components::Alert;
use crate::erased::{loading, local_resource};
use crate::i18n::{Msg, pick, t, use_lang};

/// ③ One category's products, grouped (「認証」 → 「ID Federation」).
#[component]
pub fn CategoryPage() -> impl IntoView {
    let lang = use_lang();
    let slug = use_params_map()
        .with_untracked(|p| p.get("category"))
        .unwrap_or_default();
    let category = local_resource(move || {
        let slug = slug.clone();
        async move {
            let catalog = api::catalog().await?;
            Ok::<_, ApiError>(catalog.categories.into_iter().find(|c| c.slug == slug))
        }
    });
    crate::components::page_title(move |lang| {
        let found = category.get()?.ok()??;
        Some(format!(
            "{}{}",
            pick(lang, &found.name_ja, &found.name_en),
            Msg::ProductsOf.text(lang)
        ))
    });
    view! {
        <section class="catalog">
            <nav class="breadcrumbs" aria-label="breadcrumbs">
                <A href="/support">{t(Msg::SupportListTitle)}</A>
            </nav>
            {loading(move || async move {
                let Some(c) = category.await? else {
                    return Ok::<_, ApiError>(view! { <Alert kind="error">{t(Msg::NotFoundTitle)}</Alert> }.into_any());
                };
                let (name_ja, name_en) = (c.name_ja.clone(), c.name_en.clone());
                Ok(view! {
                    <h1>{move || pick(lang.get(), &name_ja, &name_en)}{t(Msg::ProductsOf)}</h1>
                    {c.groups.into_iter().map(|g| view! {
                        <div class="card group" data-group=g.slug.clone()>
                            <h2>{move || pick(lang.get(), &g.name_ja, &g.name_en)}</h2>
                            <ul class="product-list">
                                {g.products.into_iter().map(|p| {
                                    let href = format!("/support/products/{}", p.slug);
                                    view! {
                                        <li>
                                            <A href=href attr:class="product-link" attr:data-slug=p.slug.clone()>
                                                {move || pick(lang.get(), &p.name_ja, &p.name_en)}
                                            </A>
                                            <span class="muted">{move || pick(lang.get(), &p.description_ja, &p.description_en)}</span>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </div>
                    }).collect_view()}
                }.into_any())
            })}
        </section>
    }
}
