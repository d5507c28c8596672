//! 「稼働状況」: every product's state now, the notices behind it, and its last 90 days.

use chrono::Datelike;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::dto::{ProductState, StatusDay};

use crate::api::{self, ApiError};
use crate::erased::{Resource, loading, local_resource, quietly};
use crate::i18n::{Language, Msg, pick, t, use_lang};

/// The words for a state.
pub fn state_label(state: ProductState) -> Msg {
    shared::i18n::product_state(state)
}

/// A state as a badge: its colour and its words (never the colour alone).
#[component]
pub fn StateBadge(state: ProductState) -> impl IntoView {
    view! {
        <span class=format!("state-badge state-{}", state.code()) data-state=state.code()>
            {t(state_label(state))}
        </span>
    }
}

/// The 90 days as a strip of coloured days; read out as a count of days per state.
fn strip(days: Vec<StatusDay>, lang: Language) -> impl IntoView {
    let mut counts: Vec<(ProductState, usize)> = Vec::new();
    for d in &days {
        match counts.iter_mut().find(|(s, _)| *s == d.state) {
            Some((_, n)) => *n += 1,
            None => counts.push((d.state, 1)),
        }
    }
    counts.sort();
    let summary = format!(
        "{}: {}",
        Msg::StatusHistory.text(lang),
        counts
            .iter()
            .map(|(s, n)| match lang {
                Language::Ja => format!("{} {n}日", state_label(*s).text(lang)),
                Language::En => format!("{} {n} d", state_label(*s).text(lang)),
            })
            .collect::<Vec<_>>()
            .join(", ")
    );
    view! {
        <div class="strip" role="img" aria-label=summary>
            {days.into_iter().map(|d| view! {
                <span class=format!("day state-{}", d.state.code())
                    title=format!("{:04}/{:02}/{:02} {}", d.date.year(), d.date.month(), d.date.day(), state_label(d.state).text(lang))></span>
            }).collect_view()}
        </div>
        <div class="strip-ends muted" aria-hidden="true">
            <span>{t(Msg::StatusDaysAgo)}</span><span>{t(Msg::StatusToday)}</span>
        </div>
    }
}

#[component]
pub fn StatusPage() -> impl IntoView {
    crate::components::title(Msg::StatusTitle);
    let lang = use_lang();
    let overview = local_resource(api::status);
    view! {
        <section class="status-page">
            <h1>{t(Msg::StatusTitle)}</h1>
            {loading(move || async move {
                let o = overview.await?;
                let headline = match o.state {
                    ProductState::Operational => Msg::StatusAllOperational,
                    ProductState::Maintenance => Msg::StatusMaintenanceNow,
                    _ => Msg::StatusIssuesNow,
                };
                Ok::<_, ApiError>(view! {
                    <p class=format!("status-headline state-{}", o.state.code()) id="status-headline">{t(headline)}</p>
                    <ul class="status-legend" aria-label=move || Msg::StatusLegend.text(lang.get())>
                        {[ProductState::Operational, ProductState::Maintenance, ProductState::Degraded, ProductState::PartialOutage, ProductState::MajorOutage]
                            .into_iter()
                            .map(|s| view! { <li><span class=format!("swatch state-{}", s.code()) aria-hidden="true"></span>{t(state_label(s))}</li> })
                            .collect_view()}
                    </ul>
                    {o.categories.into_iter().filter(|c| !c.products.is_empty()).map(|c| view! {
                        <section class="status-category card wide">
                            <h2>{move || pick(lang.get(), &c.name_ja, &c.name_en)}</h2>
                            <ul class="status-products">
                                {c.products.into_iter().map(|p| {
                                    let href = format!("/support/products/{}", p.slug);
                                    let history = p.history.clone();
                                    view! {
                                        <li class="status-product" data-slug=p.slug.clone()>
                                            <div class="status-row">
                                                <A href=href>{move || pick(lang.get(), &p.name_ja, &p.name_en)}</A>
                                                <StateBadge state=p.state />
                                            </div>
                                            {(!p.open.is_empty()).then(|| view! {
                                                <ul class="status-open">
                                                    {p.open.iter().map(|n| {
                                                        let (ja, en) = (n.title_ja.clone(), n.title_en.clone());
                                                        view! {
                                                            <li><A href=format!("/notices/{}", n.id)>{move || match (&en, lang.get()) {
                                                                (Some(en), Language::En) if !en.trim().is_empty() => en.clone(),
                                                                _ => ja.clone(),
                                                            }}</A>
                                                            " " <small class="muted">{crate::pages::notices::site_time(n.starts_at)}</small></li>
                                                        }
                                                    }).collect_view()}
                                                </ul>
                                            })}
                                            {move || strip(history.clone(), lang.get())}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </section>
                    }).collect_view()}
                })
            })}
        </section>
    }
}

/// The status overview, fetched once for a page that shows several products' states.
#[derive(Clone, Copy)]
pub struct StatusStore(Resource<Result<shared::dto::StatusOverview, ApiError>>);

/// Fetches the overview for the components below (My Support's subscriptions).
pub fn provide_status() -> StatusStore {
    let store = StatusStore(local_resource(api::status));
    provide_context(store);
    store
}

/// A product's current state from the status overview; nothing while it loads or if it
/// fails (the state is a courtesy beside the product, not the page's purpose).
#[component]
pub fn ProductStateBadge(slug: String) -> impl IntoView {
    let store = use_context::<StatusStore>().unwrap_or_else(provide_status);
    quietly(move || {
        let slug = slug.clone();
        async move {
            // Without the overview the product shows no badge rather than an error.
            let state = store.0.await.ok().and_then(|o| {
                o.categories
                    .iter()
                    .flat_map(|c| &c.products)
                    .find(|p| p.slug == slug)
                    .map(|p| p.state)
            });
            Ok::<_, ApiError>(state.map(|state| view! { " " <StateBadge state /> }))
        }
    })
}
