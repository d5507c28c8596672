//! The public notices: the list (filter by product and kind, paged), one notice with its
//! updates, and the recent notices of a product page.

use chrono::{DateTime, FixedOffset, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use shared::dto::{Catalog, NoticeKind, NoticeSummary, NoticeView};
use shared::{ProblemKind, i18n};

use crate::api;
use crate::components::Alert;
use crate::i18n::{Language, Msg, pick, t, use_lang};
use crate::pages::general_message;

const PAGE: usize = 20;

/// An instant in the browser's own time zone, with its offset so it is never ambiguous.
pub fn local_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&browser_offset(at))
        .format("%Y/%m/%d %H:%M (UTC%:z)")
        .to_string()
}

/// The browser's offset from UTC at `at` (it changes with daylight saving time).
pub fn browser_offset(at: DateTime<Utc>) -> FixedOffset {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        at.timestamp_millis() as f64
    ));
    let east = -(date.get_timezone_offset() as i32) * 60;
    FixedOffset::east_opt(east)
        .unwrap_or_else(|| FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!()))
}

/// `10:00 – 12:00` for maintenance, the start for an outage.
fn when(kind: NoticeKind, starts_at: DateTime<Utc>, ends_at: Option<DateTime<Utc>>) -> String {
    match (kind, ends_at) {
        (NoticeKind::Maintenance, Some(end)) => {
            format!("{} – {}", local_time(starts_at), local_time(end))
        }
        _ => local_time(starts_at),
    }
}

/// Notices as cards; shared by the list page and the product pages.
#[component]
pub fn NoticeCards(#[prop(into)] items: Signal<Vec<NoticeSummary>>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <ul class="notice-list">
            <For each=move || items.get() key=|n| n.id.clone() let:n>
                {
                    let title = move || pick(lang.get(), &n.title_ja, n.title_en.as_deref().unwrap_or(&n.title_ja));
                    let products = n.products.clone();
                    let names = move || products.iter()
                        .map(|p| pick(lang.get(), &p.name_ja, &p.name_en))
                        .collect::<Vec<_>>()
                        .join(if lang.get() == Language::Ja { "、" } else { ", " });
                    let class = format!("notice-card {}", n.kind.code());
                    let (kind, status) = (n.kind, n.status);
                    view! {
                        <li class=class data-id=n.id.clone()>
                            <A href=format!("/notices/{}", n.id)>
                                <span class=format!("badge kind {}", kind.code())>{t(i18n::kind(kind))}</span>
                                <span class="badge status">{move || i18n::status(status).text(lang.get())}</span>
                                <strong class="notice-title">{title}</strong>
                                <span class="muted notice-meta">{names} " · " {when(n.kind, n.starts_at, n.ends_at)}</span>
                            </A>
                        </li>
                    }
                }
            </For>
        </ul>
    }
}

/// `/notices?product=&kind=`: newest first, a page at a time.
#[component]
pub fn Notices() -> impl IntoView {
    crate::components::title(Msg::Notices);
    let lang = use_lang();
    let navigate = use_navigate();
    let query = use_query_map();
    let items = RwSignal::new(Vec::<NoticeSummary>::new());
    let next = RwSignal::new(None::<String>);
    let loaded = RwSignal::new(false);
    let failure = RwSignal::new(None::<Msg>);
    let catalog = RwSignal::new(None::<Catalog>);
    leptos::task::spawn_local(async move {
        if let Ok(c) = api::catalog().await {
            catalog.set(Some(c));
        }
    });
    let filter = move || {
        query.with(|q| {
            (
                q.get("product").unwrap_or_default(),
                q.get("kind").unwrap_or_default(),
            )
        })
    };
    let fetch = move |cursor: Option<String>| {
        let (product, kind) = filter();
        let mut params = vec![format!("limit={PAGE}")];
        if !product.is_empty() {
            params.push(format!("product={product}"));
        }
        if !kind.is_empty() {
            params.push(format!("kind={kind}"));
        }
        if let Some(c) = &cursor {
            params.push(format!("cursor={c}"));
        }
        let url = params.join("&");
        leptos::task::spawn_local(async move {
            match api::notices(&url).await {
                Ok(page) => {
                    if cursor.is_some() {
                        items.update(|l| l.extend(page.items));
                    } else {
                        items.set(page.items);
                    }
                    next.set(page.next_cursor);
                    failure.set(None);
                }
                Err(e) => failure.set(Some(general_message(&e))),
            }
            loaded.set(true);
        });
    };
    Effect::new(move |_| {
        filter();
        fetch(None);
    });
    let go = move |product: String, kind: String| {
        let mut params = Vec::new();
        if !product.is_empty() {
            params.push(format!("product={product}"));
        }
        if !kind.is_empty() {
            params.push(format!("kind={kind}"));
        }
        let to = if params.is_empty() {
            "/notices".to_owned()
        } else {
            format!("/notices?{}", params.join("&"))
        };
        navigate(&to, Default::default());
    };
    let on_product = {
        let go = go.clone();
        move |ev| go(event_target_value(&ev), filter().1)
    };
    let on_kind = move |ev| go(filter().0, event_target_value(&ev));
    let products = move || {
        catalog
            .get()
            .map(|c| {
                c.categories
                    .into_iter()
                    .flat_map(|c| c.groups)
                    .flat_map(|g| g.products)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    view! {
        <section class="notices">
            <h1>{t(Msg::Notices)}</h1>
            <p class="lead">{t(Msg::NoticesLead)}</p>
            <FeedLinks product=None />
            <div class="filters card">
                <label>
                    <span>{t(Msg::FilterProduct)}</span>
                    <select id="filter-product" on:change=on_product prop:value=move || filter().0>
                        <option value="">{t(Msg::AllProducts)}</option>
                        <For each=products key=|p| p.slug.clone() let:p>
                            <option value=p.slug.clone() selected=move || filter().0 == p.slug>
                                {move || pick(lang.get(), &p.name_ja, &p.name_en)}
                            </option>
                        </For>
                    </select>
                </label>
                <label>
                    <span>{t(Msg::FilterKind)}</span>
                    <select id="filter-kind" on:change=on_kind prop:value=move || filter().1>
                        <option value="">{t(Msg::AllKinds)}</option>
                        <option value="maintenance" selected=move || filter().1 == "maintenance">{t(Msg::KindMaintenance)}</option>
                        <option value="outage" selected=move || filter().1 == "outage">{t(Msg::KindOutage)}</option>
                    </select>
                </label>
            </div>
            {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
            <NoticeCards items=items />
            {move || (loaded.get() && items.get().is_empty()).then(|| {
                // Without a filter nothing has been published yet; with one, nothing matches.
                let unfiltered = filter() == (String::new(), String::new());
                view! { <p class="empty" id="no-notices">{t(if unfiltered { Msg::NoNoticesYet } else { Msg::NoNotices })}</p> }
            })}
            {move || next.get().map(|cursor| view! {
                <div class="actions">
                    <button class="button secondary" id="more-notices" on:click=move |_| fetch(Some(cursor.clone()))>{t(Msg::MoreNotices)}</button>
                </div>
            })}
        </section>
    }
}

/// `/notices/{id}`: the notice and its updates.
#[component]
pub fn NoticePage() -> impl IntoView {
    let lang = use_lang();
    let id = use_params_map()
        .with_untracked(|p| p.get("id"))
        .unwrap_or_default();
    let notice = RwSignal::new(None::<NoticeView>);
    let failure = RwSignal::new(None::<Msg>);
    crate::components::page_title(move |lang| {
        notice.with(|n| {
            n.as_ref().map(|n| match &n.title_en {
                Some(en) if lang == Language::En && !en.trim().is_empty() => en.clone(),
                _ => n.title_ja.clone(),
            })
        })
    });
    leptos::task::spawn_local(async move {
        match api::notice(&id).await {
            Ok(n) => notice.set(Some(n)),
            Err(e) if e.kind() == Some(ProblemKind::NotFound) => {
                failure.set(Some(Msg::NoticeNotFound))
            }
            Err(e) => failure.set(Some(general_message(&e))),
        }
    });
    view! {
        <section class="notice">
            <nav class="breadcrumbs" aria-label="breadcrumbs">
                <A href="/notices">{t(Msg::BackToNotices)}</A>
            </nav>
            {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
            {move || notice.get().map(|n| {
                let en = lang.get() == Language::En;
                let text = |ja: &str, en_text: &Option<String>| match en_text {
                    Some(e) if en && !e.trim().is_empty() => e.clone(),
                    _ => ja.to_owned(),
                };
                let title = text(&n.title_ja, &n.title_en);
                // `markup` escapes every character of the source: the only tags are its own.
                let body = shared::markup::to_html(&text(&n.body_ja, &n.body_en));
                let names = n.products.iter()
                    .map(|p| {
                        let href = format!("/support/products/{}", p.slug);
                        let name = pick(lang.get(), &p.name_ja, &p.name_en);
                        view! { <A href=href>{name}</A> " " }
                    })
                    .collect_view();
                let updates = n.updates.iter().rev().map(|u| {
                    let body = shared::markup::to_html(&text(&u.body_ja, &u.body_en));
                    view! {
                        <li class="notice-update" data-sequence=u.sequence>
                            <p class="muted">
                                <span class="badge status">{i18n::status(u.status).text(lang.get())}</span>
                                " " {local_time(u.issued_at)}
                            </p>
                            <div class="notice-body" inner_html=body></div>
                        </li>
                    }
                }).collect_view();
                let has_updates = !n.updates.is_empty();
                view! {
                    <article class=format!("card notice-detail {}", n.kind.code())>
                        <p>
                            <span class=format!("badge kind {}", n.kind.code())>{t(i18n::kind(n.kind))}</span>
                            " " <span class="badge status" id="notice-status">{i18n::status(n.status).text(lang.get())}</span>
                        </p>
                        <h1 id="notice-title">{title}</h1>
                        <dl class="notice-facts">
                            <dt>{t(Msg::NoticeProducts)}</dt><dd>{names}</dd>
                            <dt>{t(if n.kind == NoticeKind::Maintenance { Msg::NoticeWindow } else { Msg::NoticeStarted })}</dt>
                            <dd>{when(n.kind, n.starts_at, n.ends_at)}</dd>
                            <dt>{t(Msg::NoticePublished)}</dt>
                            <dd>{n.published_at.map(local_time).unwrap_or_default()}</dd>
                        </dl>
                        {has_updates.then(|| view! {
                            <h2>{t(Msg::NoticeUpdates)}</h2>
                            <ol class="notice-updates">{updates}</ol>
                        })}
                        <div class="notice-body" id="notice-body" inner_html=body></div>
                    </article>
                    <FeedLinks product=None />
                }
            })}
        </section>
    }
}

/// The Atom feed and the maintenance calendar, site-wide or for one product. The links leave
/// the SPA (`rel="external"`): the feeds are served by the API, not routed here.
#[component]
pub fn FeedLinks(product: Option<String>) -> impl IntoView {
    let (atom, ics) = match &product {
        Some(slug) => (
            format!("/feeds/products/{slug}/notices.atom"),
            format!("/feeds/products/{slug}/maintenance.ics"),
        ),
        None => (
            "/feeds/notices.atom".to_owned(),
            "/feeds/maintenance.ics".to_owned(),
        ),
    };
    view! {
        <p class="feed-links">
            <a href=atom rel="external" class="feed-atom">{t(Msg::AtomFeedLink)}</a>
            <a href=ics rel="external" class="feed-ics">{t(Msg::IcsFeedLink)}</a>
        </p>
    }
}

/// The recent notices of one product, for its page.
#[component]
pub fn RecentNotices(slug: String) -> impl IntoView {
    let items = RwSignal::new(Vec::<NoticeSummary>::new());
    let all = format!("/notices?product={slug}");
    leptos::task::spawn_local(async move {
        if let Ok(page) = api::notices(&format!("product={slug}&limit=5")).await {
            items.set(page.items);
        }
    });
    view! {
        <div class="card" id="recent-notices">
            <div class="card-head">
                <h2>{t(Msg::RecentNotices)}</h2>
                <A href=all attr:class="button secondary small">{t(Msg::Notices)}</A>
            </div>
            <NoticeCards items=items />
            {move || items.get().is_empty().then(|| view! { <p class="empty">{t(Msg::NoNotices)}</p> })}
        </div>
    }
}
