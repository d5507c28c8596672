//! The public notices: the list (filter by product and kind, paged), one notice with its
//! updates, and the recent notices of a product page.

use chrono::{DateTime, Datelike, Timelike, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use shared::domain::TimeZoneName;
use shared::dto::{DeliveryState, NoticeKind, NoticeSummary, NoticeView};
use shared::{ProblemKind, i18n};

use crate::api::{self, ApiError};
use crate::components::Alert;
use crate::erased::{keyed, loading, local_action, local_resource};
use crate::i18n::{Language, Msg, pick, t, use_lang};
use crate::pages::general_message;

const PAGE: usize = 20;

/// `2026/12/10 10:00 JST`: the site states its times in Japan's zone, named, as its mails
/// do, whatever the zone of the browser that shows them.
///
/// Written out by hand: chrono's `format` would bring its whole strftime interpreter into
/// the module every visitor loads.
pub fn site_time(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&TimeZoneName::DEFAULT.tz());
    format!(
        "{:04}/{:02}/{:02} {:02}:{:02} {}",
        local.year(),
        local.month(),
        local.day(),
        local.hour(),
        local.minute(),
        local.offset()
    )
}

/// `10:00 – 12:00` for maintenance, the start for an outage.
fn when(kind: NoticeKind, starts_at: DateTime<Utc>, ends_at: Option<DateTime<Utc>>) -> String {
    match (kind, ends_at) {
        (NoticeKind::Maintenance, Some(end)) => {
            format!("{} – {}", site_time(starts_at), site_time(end))
        }
        _ => site_time(starts_at),
    }
}

/// Notices as cards; shared by the list page and the product pages.
#[component]
pub fn NoticeCards(#[prop(into)] items: Signal<Vec<NoticeSummary>>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <ul class="notice-list">
            {keyed(move || items.get(), |n| n.id.clone(), move |n| view! {
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
            })}
        </ul>
    }
}

/// `/notices?product=&kind=`: newest first, a page at a time.
#[component]
pub fn Notices() -> impl IntoView {
    crate::components::title(Msg::Notices);
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        query.with(|q| {
            (
                q.get("product").unwrap_or_default(),
                q.get("kind").unwrap_or_default(),
            )
        })
    });
    // The first page follows the filter; 「さらに表示」 appends the pages after it.
    let first = local_resource(move || {
        let url = page_query(&filter.get(), None);
        async move { api::notices(&url).await }
    });
    let more = RwSignal::new(Vec::<NoticeSummary>::new());
    let next = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<Msg>);
    let load_more = local_action(move |cursor: &String| {
        let url = page_query(&filter.get_untracked(), Some(cursor));
        async move {
            match api::notices(&url).await {
                Ok(page) => {
                    more.update(|l| l.extend(page.items));
                    next.set(page.next_cursor);
                }
                Err(e) => failure.set(Some(general_message(&e))),
            }
        }
    });
    // A new first page starts the list afresh.
    Effect::new(move |_| {
        if let Some(Ok(page)) = first.get() {
            more.set(Vec::new());
            next.set(page.next_cursor);
            failure.set(None);
        }
    });
    view! {
        <section class="notices">
            <h1>{t(Msg::Notices)}</h1>
            <p class="lead">{t(Msg::NoticesLead)}</p>
            <FeedLinks product=None />
            <NoticeFilters filter />
            {loading(move || async move {
                let page = first.await?;
                // Without a filter nothing has been published yet; with one, nothing matches.
                let unfiltered = filter.get_untracked() == (String::new(), String::new());
                let empty = page.items.is_empty();
                let items = page.items;
                Ok::<_, ApiError>(view! {
                    <NoticeCards items=Signal::derive(move || {
                        let mut all = items.clone();
                        all.extend(more.get());
                        all
                    }) />
                    {empty.then(|| view! {
                        <p class="empty" id="no-notices">{t(if unfiltered { Msg::NoNoticesYet } else { Msg::NoNotices })}</p>
                    })}
                })
            })}
            {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
            {move || next.get().map(|cursor| view! {
                <div class="actions">
                    <button class="button secondary" id="more-notices" disabled=move || load_more.pending().get()
                        on:click=move |_| { load_more.dispatch(cursor.clone()); }>{t(Msg::MoreNotices)}</button>
                </div>
            })}
        </section>
    }
}

/// The product and kind choosers; a choice becomes the list's own address.
#[component]
fn NoticeFilters(filter: Memo<(String, String)>) -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    // The products to choose from; without them the list still works.
    let catalog = local_resource(|| async { api::catalog().await.ok() });
    let go = move |product: String, kind: String| {
        navigate(&list_path(&product, &kind), Default::default());
    };
    let on_product = {
        let go = go.clone();
        move |ev| go(event_target_value(&ev), filter.get().1)
    };
    let on_kind = move |ev| go(filter.get().0, event_target_value(&ev));
    let products = move || {
        catalog
            .get()
            .flatten()
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
    <div class="filters card">
        <label>
            <span>{t(Msg::FilterProduct)}</span>
            <select id="filter-product" on:change=on_product prop:value=move || filter.get().0>
                <option value="">{t(Msg::AllProducts)}</option>
                {keyed(products, |p| p.slug.clone(), move |p| view! {
                    <option value=p.slug.clone() selected=move || filter.get().0 == p.slug>
                        {move || pick(lang.get(), &p.name_ja, &p.name_en)}
                    </option>
                })}
            </select>
        </label>
        <label>
            <span>{t(Msg::FilterKind)}</span>
            <select id="filter-kind" on:change=on_kind prop:value=move || filter.get().1>
                <option value="">{t(Msg::AllKinds)}</option>
                <option value="maintenance" selected=move || filter.get().1 == "maintenance">{t(Msg::KindMaintenance)}</option>
                <option value="outage" selected=move || filter.get().1 == "outage">{t(Msg::KindOutage)}</option>
            </select>
        </label>
    </div>
    }
}

/// The API query for one page of the list under `(product, kind)`.
fn page_query((product, kind): &(String, String), cursor: Option<&String>) -> String {
    let mut params = vec![format!("limit={PAGE}")];
    if !product.is_empty() {
        params.push(format!("product={product}"));
    }
    if !kind.is_empty() {
        params.push(format!("kind={kind}"));
    }
    if let Some(c) = cursor {
        params.push(format!("cursor={c}"));
    }
    params.join("&")
}

/// The list's own address under a filter, so that it can be shared and reloaded.
fn list_path(product: &str, kind: &str) -> String {
    let mut params = Vec::new();
    if !product.is_empty() {
        params.push(format!("product={product}"));
    }
    if !kind.is_empty() {
        params.push(format!("kind={kind}"));
    }
    if params.is_empty() {
        "/notices".to_owned()
    } else {
        format!("/notices?{}", params.join("&"))
    }
}

/// `/notices/{id}`: the notice and its updates.
#[component]
pub fn NoticePage() -> impl IntoView {
    let id = use_params_map()
        .with_untracked(|p| p.get("id"))
        .unwrap_or_default();
    // `None`: no such (published) notice, said on the page rather than as a failure.
    let notice = local_resource(move || {
        let id = id.clone();
        async move {
            match api::notice(&id).await {
                Ok(n) => Ok(Some(n)),
                Err(e) if e.kind() == Some(ProblemKind::NotFound) => Ok(None),
                Err(e) => Err(e),
            }
        }
    });
    crate::components::page_title(move |lang| {
        let n = notice.get()?.ok()??;
        Some(in_language(&n.title_ja, &n.title_en, lang))
    });
    view! {
        <section class="notice">
            <nav class="breadcrumbs" aria-label="breadcrumbs">
                <A href="/notices">{t(Msg::BackToNotices)}</A>
            </nav>
            {loading(move || async move {
                Ok::<_, ApiError>(match notice.await? {
                    Some(n) => view! { <NoticeDetail n /> <FeedLinks product=None /> }.into_any(),
                    None => view! { <Alert kind="error">{t(Msg::NoticeNotFound)}</Alert> }.into_any(),
                })
            })}
        </section>
    }
}

/// English where the operator wrote it, Japanese otherwise.
fn in_language(ja: &str, en: &Option<String>, lang: Language) -> String {
    match en {
        Some(e) if lang == Language::En && !e.trim().is_empty() => e.clone(),
        _ => ja.to_owned(),
    }
}

#[component]
fn NoticeDetail(n: NoticeView) -> impl IntoView {
    let lang = use_lang();
    let (title_ja, title_en) = (n.title_ja.clone(), n.title_en.clone());
    let (body_ja, body_en) = (n.body_html_ja.clone(), n.body_html_en.clone());
    // Rendered by the server through an allow-list of tags, every text escaped.
    let body = move || in_language(&body_ja, &body_en, lang.get());
    let names = n
        .products
        .into_iter()
        .map(|p| {
            let href = format!("/support/products/{}", p.slug);
            view! { <A href=href>{move || pick(lang.get(), &p.name_ja, &p.name_en)}</A> " " }
        })
        .collect_view();
    let has_updates = !n.updates.is_empty();
    let updates = n
        .updates
        .into_iter()
        .rev()
        .map(|u| {
            let (ja, en) = (u.body_html_ja.clone(), u.body_html_en.clone());
            let body = move || in_language(&ja, &en, lang.get());
            view! {
                <li class="notice-update" class:postmortem=u.postmortem data-sequence=u.sequence>
                    <p class="muted">
                        <span class="badge status">{t(if u.postmortem { Msg::Postmortem } else { i18n::status(u.status) })}</span>
                        " " {site_time(u.issued_at)}
                    </p>
                    <div class="notice-body" inner_html=body></div>
                </li>
            }
        })
        .collect_view();
    view! {
        <article class=format!("card notice-detail {}", n.kind.code())>
            <p>
                <span class=format!("badge kind {}", n.kind.code())>{t(i18n::kind(n.kind))}</span>
                " " <span class="badge status" id="notice-status">{t(i18n::status(n.status))}</span>
            </p>
            <h1 id="notice-title">{move || in_language(&title_ja, &title_en, lang.get())}</h1>
            {n.edited_at.map(|at| view! {
                <p class="muted" id="notice-edited"><small>"(" {site_time(at)} " " {t(Msg::NoticeEdited)} ")"</small></p>
            })}
            <dl class="notice-facts">
                <dt>{t(Msg::NoticeProducts)}</dt><dd>{names}</dd>
                <dt>{t(if n.kind == NoticeKind::Maintenance { Msg::NoticeWindow } else { Msg::NoticeStarted })}</dt>
                <dd>{when(n.kind, n.starts_at, n.ends_at)}</dd>
                {n.recovered_at.map(|at| view! {
                    <dt>{t(Msg::RecoveredAt)}</dt><dd id="notice-recovered">{site_time(at)}</dd>
                })}
                <dt>{t(Msg::NoticePublished)}</dt>
                <dd>{n.published_at.map(site_time).unwrap_or_default()}</dd>
            </dl>
            <NoticeReach id=n.id.clone() />
            {has_updates.then(|| view! {
                <h2>{t(Msg::NoticeUpdates)}</h2>
                <ol class="notice-updates">{updates}</ol>
            })}
            <div class="notice-body" id="notice-body" inner_html=body></div>
        </article>
    }
}

/// For a signed-in customer: how many of their destinations this notice reached, and how
/// many their delivery hours left out, with a link to those rows of the delivery log.
/// Nothing for visitors, operators, or customers it did not concern.
#[component]
fn NoticeReach(id: String) -> impl IntoView {
    let lang = use_lang();
    let signed_in = expect_context::<crate::components::layout::SignedIn>().0;
    let query = format!("?notice={}&limit=100", js_sys::encode_uri_component(&id));
    let rows = local_resource(move || {
        let query = query.clone();
        async move {
            if !signed_in.get() {
                return None;
            }
            api::delivery_log(&query).await.ok()
        }
    });
    let link = format!("/mysupport/deliveries?notice={id}");
    move || {
        let page = rows.get().flatten()?;
        let mut sent = std::collections::BTreeSet::new();
        let mut outside = std::collections::BTreeSet::new();
        for e in &page.entries {
            match e.state {
                DeliveryState::Sent => {
                    sent.insert(e.destination.id.clone());
                }
                DeliveryState::SkippedWindow => {
                    outside.insert(e.destination.id.clone());
                }
                _ => {}
            }
        }
        // A destination an update reached is not also counted as left out.
        let outside = outside.difference(&sent).count();
        if sent.is_empty() && outside == 0 {
            return None;
        }
        let sent = sent.len();
        let link = link.clone();
        Some(view! {
            <p class="notice-reach" id="notice-reach">
                {move || i18n::notice_reach(lang.get(), sent, outside)} " "
                <A href=link>{t(Msg::NoticeLogLink)}</A>
            </p>
        })
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

/// The recent notices of one product, for its page. A failure here leaves the product page
/// standing: the list is a convenience.
#[component]
pub fn RecentNotices(slug: String) -> impl IntoView {
    let all = format!("/notices?product={slug}");
    let recent = local_resource(move || {
        let query = format!("product={slug}&limit=5");
        async move {
            api::notices(&query)
                .await
                .map(|page| page.items)
                .unwrap_or_default()
        }
    });
    view! {
        <div class="card" id="recent-notices">
            <div class="card-head">
                <h2>{t(Msg::RecentNotices)}</h2>
                <A href=all attr:class="button secondary small">{t(Msg::Notices)}</A>
            </div>
            {loading(move || async move {
                let items = recent.await;
                let empty = items.is_empty();
                Ok::<_, ApiError>(view! {
                    <NoticeCards items=Signal::stored(items) />
                    {empty.then(|| view! { <p class="empty">{t(Msg::NoNotices)}</p> })}
                })
            })}
        </div>
    }
}
