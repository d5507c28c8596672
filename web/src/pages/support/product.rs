use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::{self, ApiError};
use crate::components::layout::SignedIn;
use crate::components::{Alert, ConfirmDialog};
use crate::erased::{loading, local_action, local_resource};
use crate::i18n::{Msg, pick, t, use_lang};
use crate::pages::notices::{FeedLinks, RecentNotices};
use crate::pages::redirect_for;
use shared::dto::ProductView;

/// ④–⑥ A product page: public; 「マイサポートへ登録」 asks for confirmation, then shows
/// 「マイサポートへ登録済」.
#[component]
pub fn ProductPage() -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    let signed_in = expect_context::<SignedIn>().0;
    let slug = use_params_map()
        .with_untracked(|p| p.get("product"))
        .unwrap_or_default();
    let here = format!("/support/products/{slug}");
    let recent = slug.clone();
    let failure = RwSignal::new(None::<Msg>);
    let dialog = RwSignal::new(false);
    let product = {
        let slug = slug.clone();
        local_resource(move || {
            let slug = slug.clone();
            async move { api::product(&slug).await }
        })
    };
    // Whether it is already in this customer's My Support (signed-out visitors: no).
    let registered = RwSignal::new(false);
    {
        let slug = slug.clone();
        let listed = local_resource(move || {
            let slug = slug.clone();
            async move {
                signed_in.get_untracked()
                    && api::subscriptions()
                        .await
                        .is_ok_and(|subs| subs.iter().any(|s| s.product.slug == slug))
            }
        });
        Effect::new(move |_| {
            if let Some(listed) = listed.get() {
                registered.set(listed);
            }
        });
    }
    let name = move || {
        product
            .get()
            .and_then(Result::ok)
            .map(|p| pick(lang.get(), &p.name_ja, &p.name_en))
            .unwrap_or_default()
    };
    crate::components::page_title(move |lang| {
        let p = product.get()?.ok()?;
        Some(pick(lang, &p.name_ja, &p.name_en))
    });
    let ask = {
        let navigate = navigate.clone();
        let here = here.clone();
        Callback::new(move |()| {
            if signed_in.get_untracked() {
                dialog.set(true);
            } else {
                navigate(&format!("/login?next={here}"), Default::default());
            }
        })
    };
    let subscribe = local_action(move |_: &()| {
        let slug = slug.clone();
        let navigate = navigate.clone();
        let here = here.clone();
        async move {
            match api::subscribe(&slug).await {
                Ok(_) => registered.set(true),
                Err(e) => match redirect_for(&e, &here) {
                    Ok(to) => navigate(&to, Default::default()),
                    Err(m) => failure.set(Some(m)),
                },
            }
        }
    });
    let register = Callback::new(move |()| {
        subscribe.dispatch(());
    });
    let message = Signal::derive(move || {
        format!("{}{}", name(), Msg::RegisterConfirmSuffix.text(lang.get()))
    });
    view! {
        <section class="product">
            {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
            {loading(move || async move {
                let p = product.await?;
                Ok::<_, ApiError>(view! { <ProductCard p registered on_ask=ask /> })
            })}
            <RecentNotices slug=recent.clone() />
            <FeedLinks product=Some(recent) />
            <ConfirmDialog open=dialog message confirm=Msg::DoRegister on_confirm=register id="register-dialog" />
        </section>
    }
}

/// The product with its place in the catalog and, unless retired, 「マイサポートへ登録」 (or
/// 「マイサポートへ登録済」).
#[component]
fn ProductCard(p: ProductView, registered: RwSignal<bool>, on_ask: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let signed_in = expect_context::<SignedIn>().0;
    let (name_ja, name_en) = (p.name_ja.clone(), p.name_en.clone());
    let name = move || pick(lang.get(), &name_ja, &name_en);
    let crumbs = p.category.clone().map(|c| {
        let href = format!("/support/{}", c.slug);
        view! { <A href=href>{move || pick(lang.get(), &c.name_ja, &c.name_en)}</A> }
    });
    let group = p
        .group
        .clone()
        .map(|g| view! { <span>{move || pick(lang.get(), &g.name_ja, &g.name_en)}</span> });
    let retired = p.retired;
    view! {
        <nav class="breadcrumbs" aria-label="breadcrumbs">
            <A href="/support">{t(Msg::SupportListTitle)}</A>
            {crumbs}
            {group}
        </nav>
        <div class="card">
            <h1 id="product-name">{name}{retired.then(|| view! { <span class="badge retired">{t(Msg::Retired)}</span> })}</h1>
            <p class="product-state" id="product-state">
                <A href="/status">{t(Msg::StatusNav)}</A>": "
                <crate::pages::status::ProductStateBadge slug=p.slug.clone() />
            </p>
            <p>{move || pick(lang.get(), &p.description_ja, &p.description_en)}</p>
            <div class="actions start">
                {move || if registered.get() {
                    view! {
                        <span class="registered" id="registered">"✓ " {t(Msg::RegisteredInMySupport)}</span>
                        <A href="/mysupport" attr:class="button secondary">{t(Msg::MySupport)}</A>
                    }.into_any()
                } else if retired {
                    view! { <p class="muted">{t(Msg::RetiredNote)}</p> }.into_any()
                } else {
                    view! {
                        <button class="button primary" id="register-product" on:click=move |_| on_ask.run(())>
                            {t(if signed_in.get() { Msg::RegisterToMySupport } else { Msg::LoginToRegister })}
                        </button>
                    }.into_any()
                }}
            </div>
        </div>
    }
}
