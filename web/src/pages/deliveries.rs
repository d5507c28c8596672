//! My Support → 配信履歴: for each publication of a notice and each of the customer's
//! destinations, whether and when it was sent, or why not. Filters live in the address
//! (`?notice=&destination=&status=`), so a notice page can link to its own rows.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::dto::{DeliveryLogEntry, DeliveryState};
use shared::i18n;

use crate::api;
use crate::components::Alert;
use crate::erased::{keyed, local_action, local_resource};
use crate::i18n::{Language, Msg, t, use_lang};
use crate::pages::notices::site_time;
use crate::pages::recipients::MySupportTabs;
use crate::pages::redirect_for;

const HERE: &str = "/mysupport/deliveries";

/// The filters of the log, as its address holds them.
#[derive(Debug, Clone, Default, PartialEq)]
struct Filter {
    notice: String,
    destination: String,
    status: String,
}

impl Filter {
    fn query(&self, cursor: Option<&str>) -> String {
        let pairs = [
            ("notice", self.notice.as_str()),
            ("destination", self.destination.as_str()),
            ("status", self.status.as_str()),
            ("cursor", cursor.unwrap_or_default()),
        ];
        let parts: Vec<String> = pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", js_sys::encode_uri_component(v)))
            .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// The badge's colour for a state: green sent, amber not sent by choice, red failures.
fn badge(state: DeliveryState) -> &'static str {
    match state {
        DeliveryState::Sent => "badge active",
        DeliveryState::Queued | DeliveryState::Held => "badge status",
        DeliveryState::Failed | DeliveryState::Bounced => "badge stopped",
        DeliveryState::SkippedWindow
        | DeliveryState::SkippedUnsubscribed
        | DeliveryState::SkippedSuspended
        | DeliveryState::Withdrawn => "badge pending",
    }
}

/// `/mysupport/deliveries`.
#[component]
pub fn DeliveryLog() -> impl IntoView {
    crate::components::title(Msg::DeliveryLogTab);
    let navigate = use_navigate();
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        query.with(|q| Filter {
            notice: q.get("notice").unwrap_or_default(),
            destination: q.get("destination").unwrap_or_default(),
            status: q.get("status").unwrap_or_default(),
        })
    });
    let entries = RwSignal::new(Vec::<DeliveryLogEntry>::new());
    let next = RwSignal::new(None::<String>);
    let loaded = RwSignal::new(false);
    let failure = RwSignal::new(None::<Msg>);
    // `None`: the first page of the current filter; `Some`: the page after that cursor.
    let load = local_action(move |cursor: &Option<String>| {
        let url = filter.get_untracked().query(cursor.as_deref());
        let more = cursor.is_some();
        let navigate = navigate.clone();
        async move {
            match api::delivery_log(&url).await {
                Ok(page) => {
                    if more {
                        entries.update(|e| e.extend(page.entries));
                    } else {
                        entries.set(page.entries);
                    }
                    next.set(page.next_cursor);
                    failure.set(None);
                    loaded.set(true);
                }
                Err(e) => match redirect_for(&e, HERE) {
                    Ok(to) => navigate(&to, Default::default()),
                    Err(m) => failure.set(Some(m)),
                },
            }
        }
    });
    Effect::new(move |_| {
        filter.track();
        load.dispatch(None);
    });
    view! {
        <section class="mysupport wide">
            <MySupportTabs />
            <div class="card">
                <h1>{t(Msg::DeliveryLogTab)}</h1>
                <p class="hint">{t(Msg::DeliveryLogLead)}</p>
                <Show when=move || !filter.with(|f| f.notice.is_empty())>
                    <p class="one-notice" id="log-one-notice">
                        {t(Msg::LogOneNotice)} " "
                        <A href=HERE>{t(Msg::LogShowAll)}</A>
                    </p>
                </Show>
                <LogFilters filter />
                {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
                <Show when=move || loaded.get() fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                    <LogTable entries />
                    <Show when=move || entries.with(Vec::is_empty)>
                        <p class="empty" id="log-empty">{t(Msg::LogEmpty)}</p>
                    </Show>
                </Show>
                {move || next.get().map(|cursor| view! {
                    <div class="actions">
                        <button class="button secondary" id="log-more" disabled=move || load.pending().get()
                            on:click=move |_| { load.dispatch(Some(cursor.clone())); }>{t(Msg::LogMore)}</button>
                    </div>
                })}
            </div>
        </section>
    }
}

/// The destination and state choosers; a choice becomes the page's own address.
#[component]
fn LogFilters(filter: Memo<Filter>) -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    // The destinations to choose from: addresses, then webhooks. Without them the log
    // still works, unfiltered.
    let choices = local_resource(|| async {
        let mut all: Vec<(String, String)> = api::recipients()
            .await
            .map(|l| l.into_iter().map(|r| (r.id, r.email)).collect())
            .unwrap_or_default();
        all.extend(
            api::destinations()
                .await
                .map(|l| l.into_iter().map(|d| (d.id, d.name)).collect::<Vec<_>>())
                .unwrap_or_default(),
        );
        all
    });
    let go = move |f: Filter| navigate(&format!("{HERE}{}", f.query(None)), Default::default());
    let on_destination = {
        let go = go.clone();
        move |ev| {
            go(Filter {
                destination: event_target_value(&ev),
                ..filter.get_untracked()
            })
        }
    };
    let on_status = move |ev| {
        go(Filter {
            status: event_target_value(&ev),
            ..filter.get_untracked()
        })
    };
    view! {
        <div class="filters">
            <label>
                <span>{t(Msg::LogDestination)}</span>
                <select id="log-destination" on:change=on_destination prop:value=move || filter.get().destination>
                    <option value="">{t(Msg::LogAllDestinations)}</option>
                    {move || choices.get().unwrap_or_default().into_iter().map(|(id, label)| {
                        let selected = {
                            let id = id.clone();
                            move || filter.get().destination == id
                        };
                        view! { <option value=id selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span>{t(Msg::LogState)}</span>
                <select id="log-status" on:change=on_status prop:value=move || filter.get().status>
                    <option value="">{t(Msg::LogAllStates)}</option>
                    {DeliveryState::ALL.into_iter().map(|s| view! {
                        <option value=s.code() selected=move || filter.get().status == s.code()>
                            {move || i18n::delivery_state(s).text(lang.get())}
                        </option>
                    }).collect_view()}
                </select>
            </label>
        </div>
    }
}

#[component]
fn LogTable(entries: RwSignal<Vec<DeliveryLogEntry>>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <table class="log" id="delivery-log">
            <thead><tr>
                <th scope="col">{t(Msg::LogNotice)}</th>
                <th scope="col">{t(Msg::LogDestination)}</th>
                <th scope="col">{t(Msg::LogState)}</th>
                <th scope="col">{t(Msg::LogWhen)}</th>
                <th scope="col">{t(Msg::LogReply)}</th>
            </tr></thead>
            <tbody>
                {keyed(move || entries.get(), |e| (e.publication_id.clone(), e.destination.id.clone(), e.reminder, e.state), move |e| view! {
                    {
                        let (ja, en) = (e.title_ja.clone(), e.title_en.clone());
                        let title = move || match (&en, lang.get()) {
                            (Some(en), Language::En) if !en.trim().is_empty() => en.clone(),
                            _ => ja.clone(),
                        };
                        let state = e.state;
                        // Sent rows show when they went, queued and held ones when they are to
                        // go, the others when the notice was issued.
                        let when = site_time(e.sent_at.or(e.due_at).unwrap_or(e.issued_at));
                        let due = e.sent_at.is_none() && e.due_at.is_some();
                        view! {
                            <tr data-state=state.code() data-destination=e.destination.id.clone()>
                                <td class="log-notice">
                                    <A href=format!("/notices/{}", e.notice_id)>{title}</A>
                                    {(e.sequence > 0).then(|| view! {
                                        " " <span class="badge status">{t(Msg::LogUpdate)} " #" {e.sequence}</span>
                                    })}
                                    {e.reminder.map(|lead| view! {
                                        " " <span class="badge status reminder">{t(Msg::LogReminder)} " " {lead.code()}</span>
                                    })}
                                </td>
                                <td class="log-destination">{e.destination.label.clone()}</td>
                                <td><span class=badge(state)>{move || i18n::delivery_state(state).text(lang.get())}</span></td>
                                <td class="log-when">{due.then(|| view! { {t(Msg::LogDueAt)} " " })}{when}</td>
                                <td class="log-reply">{e.reply_code.clone().map(|c| view! { <code title=e.reply.clone().unwrap_or_default()>{c}</code> })}</td>
                            </tr>
                        }
                    }
                })}
            </tbody>
        </table>
    }
}
