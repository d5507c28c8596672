//! One notice in the console: publish a draft after confirming its reach, follow the
//! delivery live, read the failures, and post follow-up updates.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::FieldErrors;
use shared::dto::{NoticeDeliveries, NoticeStatus, NoticeUpdateRequest, NoticeView};

use super::correct::CorrectSection;
use super::editor::{StatusSelect, TextArea};
use super::postmortem::PostmortemSection;
use super::schedule::ScheduleSection;
use super::{OperatorOnly, from_site_input, to_site_input};
use crate::api::{self, ApiError};
use crate::components::{Alert, ConfirmDialog, Field};
use crate::erased::{local_action, local_resource};
use crate::i18n::{Msg, pick, t, use_lang};
use crate::pages::general_message;
use crate::pages::notices::site_time;

/// `/operator/notices/:id`.
#[component]
pub fn ConsoleNotice() -> impl IntoView {
    // What those who are not operators see; `Page` names the notice.
    crate::components::title(Msg::ConsoleNotices);
    let params = use_params_map();
    let id = params.with_untracked(|p| p.get("id").unwrap_or_default());
    view! {
        <OperatorOnly>
            <Page id=id.clone() />
        </OperatorOnly>
    }
}

/// What the confirmation dialog is about to do.
#[derive(Clone)]
enum Pending {
    Publish,
    Update(NoticeUpdateRequest),
}

#[component]
fn Page(id: String) -> impl IntoView {
    let lang = use_lang();
    let notice = RwSignal::new(None::<NoticeView>);
    let deliveries = RwSignal::new(None::<NoticeDeliveries>);
    let failure = RwSignal::new(None::<Msg>);
    let dialog = RwSignal::new(false);
    let update_dialog = RwSignal::new(false);
    let quiet_dialog = RwSignal::new(false);
    let message = RwSignal::new(String::new());
    let pending = StoredValue::new(None::<Pending>);
    let id = StoredValue::new(id);
    // Each notice's page its own title: 「<title> – お知らせの管理」.
    crate::components::page_title(move |lang| {
        let console = Msg::ConsoleNotices.text(lang);
        Some(notice.with(|n| match n {
            Some(n) => {
                let en = n.title_en.as_deref().unwrap_or(&n.title_ja);
                format!("{} – {console}", pick(lang, &n.title_ja, en))
            }
            None => console.to_owned(),
        }))
    });

    let loaded =
        local_resource(move || async move { api::notice_as_operator(&id.get_value()).await });
    Effect::new(move |_| match loaded.get() {
        Some(Ok(n)) => notice.set(Some(n)),
        Some(Err(e)) => failure.set(Some(general_message(&e))),
        None => {}
    });

    // Live progress: polled while the page is open and the notice is published.
    let fetch_deliveries = local_action(move |_: &()| async move {
        if let Ok(d) = api::deliveries(&id.get_value()).await {
            deliveries.set(Some(d));
        }
    });
    let poll = move || {
        if notice.with_untracked(|n| n.as_ref().is_some_and(|n| n.published_at.is_some())) {
            fetch_deliveries.dispatch(());
        }
    };
    Effect::new(move |_| {
        if notice.with(|n| n.as_ref().is_some_and(|n| n.published_at.is_some())) {
            poll();
        }
    });
    if let Ok(handle) = set_interval_with_handle(poll, std::time::Duration::from_millis(1000)) {
        on_cleanup(move || handle.clear());
    }

    // Before anything is sent: how many addresses it would reach now, and how many their
    // hours would skip.
    let estimate = local_action(move |what: &Pending| {
        let what = what.clone();
        async move {
            let l = lang.0.get_untracked();
            let (reach, skip, open) = match &what {
                Pending::Update(body) if body.notify == Some(false) => {
                    message.set(Msg::QuietUpdateConfirm.text(l).to_owned());
                    pending.set_value(Some(what));
                    quiet_dialog.set(true);
                    return;
                }
                Pending::Update(_) => (
                    Msg::UpdateConfirmReach,
                    Msg::UpdateConfirmSkip,
                    update_dialog,
                ),
                Pending::Publish => (Msg::PublishConfirmReach, Msg::PublishConfirmSkip, dialog),
            };
            // English readers get the Japanese text where the English is missing: said
            // before anything is sent, with how many they are.
            let english_missing = match &what {
                Pending::Publish => notice.with_untracked(|n| {
                    n.as_ref()
                        .is_some_and(|n| n.title_en.is_none() || n.body_en.is_none())
                }),
                Pending::Update(body) => body.body_en.is_none(),
            };
            match api::audience(&id.get_value()).await {
                Ok(est) => {
                    let mut text = format!(
                        "{}{} {}{}",
                        est.audience,
                        reach.text(l),
                        est.skipped,
                        skip.text(l)
                    );
                    if english_missing && est.english > 0 {
                        text.push_str(&format!(
                            " {}{}{}",
                            Msg::EnglishMissing.text(l),
                            est.english,
                            Msg::EnglishMissingEnd.text(l)
                        ));
                    }
                    message.set(text);
                    pending.set_value(Some(what));
                    open.set(true);
                }
                Err(e) => failure.set(Some(general_message(&e))),
            }
        }
    });
    let confirm = move |what: Pending| {
        estimate.dispatch(what);
    };
    let update_errors = RwSignal::new(FieldErrors::default());
    let update_form = UpdateForm::new();
    let send = local_action(move |what: &Pending| {
        let what = what.clone();
        async move {
            let result = match &what {
                Pending::Publish => api::publish_notice(&id.get_value()).await,
                Pending::Update(body) => api::post_update(&id.get_value(), body).await,
            };
            match result {
                Ok(_) => {
                    if matches!(what, Pending::Update(_)) {
                        update_form.clear();
                    }
                    loaded.refetch();
                    poll();
                }
                Err(ApiError::Problem(p)) if !p.errors.is_empty() => {
                    update_errors.set(FieldErrors(p.errors));
                }
                Err(e) => failure.set(Some(general_message(&e))),
            }
        }
    });
    let go = Callback::new(move |()| {
        if let Some(what) = pending.get_value() {
            send.dispatch(what);
        }
    });
    let navigate = leptos_router::hooks::use_navigate();
    let delete_dialog = RwSignal::new(false);
    let remove = local_action(move |(): &()| {
        let navigate = navigate.clone();
        async move {
            match api::delete_notice(&id.get_value()).await {
                Ok(()) => navigate("/operator", Default::default()),
                Err(e) => failure.set(Some(general_message(&e))),
            }
        }
    });
    let delete_message =
        Signal::derive(move || Msg::DeleteDraftConfirm.text(lang.get()).to_owned());

    view! {
        <section class="card console">
            <p><A href="/operator">{t(Msg::ConsoleNotices)}</A></p>
            {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
            {move || notice.get().map(|n| view! {
                <Summary n on_publish=Callback::new(move |()| confirm(Pending::Publish))
                    on_delete=Callback::new(move |()| delete_dialog.set(true)) />
            })}
            <Show when=move || notice.with(|n| n.as_ref().is_some_and(|n| n.published_at.is_none()))>
                <ScheduleSection notice id />
            </Show>
            <Show when=move || deliveries.with(Option::is_some)>
                <Progress deliveries id=id.get_value() />
            </Show>
            <Show when=move || notice.with(|n| n.as_ref().is_some_and(|n| n.published_at.is_some()))>
                <UpdateSection notice form=update_form errors=update_errors on_submit=Callback::new(move |body| confirm(Pending::Update(body))) />
                <CorrectSection notice />
            </Show>
            <Show when=move || notice.with(|n| n.as_ref().is_some_and(|n| n.status == NoticeStatus::Resolved))>
                <PostmortemSection notice on_posted=Callback::new(move |_: String| loaded.refetch()) />
            </Show>
            <ConfirmDialog open=dialog message=message confirm=Msg::Publish on_confirm=go id="publish-dialog" />
            <ConfirmDialog open=update_dialog message=message confirm=Msg::PostUpdate on_confirm=go id="update-dialog" />
            <ConfirmDialog open=quiet_dialog message=message confirm=Msg::PostQuietly on_confirm=go id="quiet-update-dialog" />
            <ConfirmDialog open=delete_dialog message=delete_message confirm=Msg::DoDelete
                on_confirm=Callback::new(move |()| { remove.dispatch(()); }) id="delete-draft-dialog" />
        </section>
    }
}

/// The notice as it stands: title, status, products, times, the follow-ups newest first,
/// and for a draft the way to edit or publish it.
#[component]
fn Summary(n: NoticeView, on_publish: Callback<()>, on_delete: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let draft = n.published_at.is_none();
    let (title_ja, title_en) = (n.title_ja.clone(), n.title_en.clone());
    let title = move || {
        pick(
            lang.get(),
            &title_ja,
            title_en.as_deref().unwrap_or(&title_ja),
        )
    };
    let products = n.products.clone();
    let products = move || {
        products
            .iter()
            .map(|p| pick(lang.get(), &p.name_ja, &p.name_en))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let body = n.body_html_ja.clone();
    let updates = n
        .updates
        .iter()
        .rev()
        .map(|u| {
            let text = u.body_html_ja.clone();
            view! {
                <li class="console-update" data-sequence=u.sequence>
                    <span class="badge status">{t(if u.postmortem { Msg::Postmortem } else { shared::i18n::status(u.status) })}</span>
                    " " <span class="muted">{site_time(u.issued_at)}</span>
                    <div class="notice-body" inner_html=text></div>
                </li>
            }
        })
        .collect_view();
    view! {
        <h1 id="console-title">{title}</h1>
        <p class="muted">
            <span class="badge status" id="console-status">{t(shared::i18n::status(n.status))}</span>
            " " {products} " · " {site_time(n.starts_at)}
            {n.ends_at.map(|e| format!(" – {}", site_time(e)))}
        </p>
        <ol class="console-updates" reversed>{updates}</ol>
        <div class="notice-body" inner_html=body></div>
        {if draft {
            view! {
                <div class="actions">
                    <A href=format!("/operator/notices/{}/edit", n.id) attr:class="button secondary">{t(Msg::Edit)}</A>
                    <button class="button primary" id="publish" on:click=move |_| on_publish.run(())>{t(Msg::Publish)}</button>
                    <button class="link-button remove" id="delete-draft" on:click=move |_| on_delete.run(())>{t(Msg::DeleteDraft)}</button>
                </div>
            }.into_any()
        } else {
            view! {
                <p><A href=format!("/notices/{}", n.id)>{t(Msg::PublicPage)}</A></p>
            }.into_any()
        }}
    }
}

/// Counts and a bar that fill as the dispatcher works.
#[component]
fn Progress(deliveries: RwSignal<Option<NoticeDeliveries>>, id: String) -> impl IntoView {
    let get =
        move |f: fn(&NoticeDeliveries) -> i64| move || deliveries.with(|d| d.as_ref().map_or(0, f));
    let total = move || get(|d| d.pending + d.sent + d.failed + d.bounced)();
    let done = move || get(|d| d.sent + d.failed + d.bounced)();
    let finished = move || total() > 0 && get(|d| d.pending)() == 0;
    let started = move || total() > 0;
    view! {
        <section class="delivery" aria-live="polite">
            <h2>{t(Msg::Delivery)}</h2>
            <progress id="delivery-progress" max=move || total().max(1) value=done></progress>
            <dl class="counts">
                <dt>{t(Msg::DeliveryPending)}</dt><dd id="count-pending">{get(|d| d.pending)}</dd>
                <dt>{t(Msg::DeliverySent)}</dt><dd id="count-sent">{get(|d| d.sent)}</dd>
                <dt>{t(Msg::DeliveryFailed)}</dt><dd id="count-failed">{get(|d| d.failed)}</dd>
                <dt>{t(Msg::DeliveryBounced)}</dt><dd id="count-bounced">{get(|d| d.bounced)}</dd>
                <dt>{t(Msg::DeliverySkipped)}</dt><dd id="count-skipped">{get(|d| d.skipped)}</dd>
            </dl>
            <Show when=finished>
                <Alert kind="success">{t(Msg::DeliveryDone)}</Alert>
            </Show>
            <Show when=move || deliveries.with(|d| d.as_ref().is_some_and(|d| d.publications.len() > 1))>
                <table class="failures publications" id="publications">
                    <thead><tr>
                        <th>"#"</th><th>{t(Msg::NoticePublished)}</th><th>{t(Msg::DeliveryPending)}</th>
                        <th>{t(Msg::DeliverySent)}</th><th>{t(Msg::DeliveryFailed)}</th><th>{t(Msg::DeliveryBounced)}</th>
                        <th>{t(Msg::DeliverySkipped)}</th>
                    </tr></thead>
                    <tbody>
                        {move || deliveries.get().map(|d| d.publications.into_iter().map(|p| view! {
                            <tr>
                                <td>{p.sequence}</td><td>{site_time(p.issued_at)}</td><td>{p.pending}</td>
                                <td>{p.sent}</td><td>{p.failed}</td><td>{p.bounced}</td><td>{p.skipped}</td>
                            </tr>
                        }).collect_view())}
                    </tbody>
                </table>
            </Show>
            <Show when=move || deliveries.with(|d| d.as_ref().is_some_and(|d| !d.failures.is_empty()))>
                <h3>{t(Msg::FailedDestinations)}</h3>
                <table class="failures" id="failures">
                    <thead><tr>
                        <th>"#"</th><th>{t(Msg::LogDestination)}</th><th>{t(Msg::LogState)}</th><th>{t(Msg::LogReply)}</th>
                    </tr></thead>
                    <tbody>
                        {move || deliveries.get().map(|d| d.failures.into_iter().map(|f| view! {
                            <tr>
                                <td>{f.sequence}</td><td>{f.destination}</td>
                                <td>{t(shared::i18n::delivery_state(f.state))}</td>
                                <td><code>{f.error}</code></td>
                            </tr>
                        }).collect_view())}
                    </tbody>
                </table>
            </Show>
            <Show when=started>
                <ExportCsv id=id.clone() />
            </Show>
        </section>
    }
}

/// Downloads every delivery of the notice as CSV: fetched with the operator's session,
/// then handed to the browser as a file.
#[component]
fn ExportCsv(id: String) -> impl IntoView {
    let failure = RwSignal::new(None::<Msg>);
    let download = local_action(move |(): &()| {
        let id = id.clone();
        async move {
            match api::deliveries_csv(&id).await {
                Ok(csv) => {
                    failure.set(None);
                    save(&format!("notice-{id}-deliveries.csv"), &csv);
                }
                Err(e) => failure.set(Some(general_message(&e))),
            }
        }
    });
    view! {
        <p class="actions">
            <button class="button secondary small" id="download-csv" disabled=move || download.pending().get()
                on:click=move |_| { download.dispatch(()); }>{t(Msg::DownloadCsv)}</button>
        </p>
        {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
    }
}

/// Offers `text` to the browser as a download named `name`.
fn save(name: &str, text: &str) {
    let href = format!(
        "data:text/csv;charset=utf-8,{}",
        js_sys::encode_uri_component(text)
    );
    let document = document();
    if let Ok(a) = document.create_element("a") {
        let _ = a.set_attribute("href", &href);
        let _ = a.set_attribute("download", name);
        if let Ok(a) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(a) {
            a.click();
        }
    }
}

#[derive(Clone, Copy)]
struct UpdateForm {
    body_ja: RwSignal<String>,
    body_en: RwSignal<String>,
    status: RwSignal<String>,
    starts: RwSignal<String>,
    ends: RwSignal<String>,
    /// Tell subscribers (mail, webhooks); off publishes on the site and feeds only.
    notify: RwSignal<bool>,
    /// Resolving an outage: when it was restored (site time), empty for now.
    recovered: RwSignal<String>,
    /// A closed notice (completed, cancelled, resolved) shows its form only once re-opened.
    reopened: RwSignal<bool>,
}

impl UpdateForm {
    fn new() -> Self {
        Self {
            body_ja: RwSignal::new(String::new()),
            body_en: RwSignal::new(String::new()),
            status: RwSignal::new(String::new()),
            starts: RwSignal::new(String::new()),
            ends: RwSignal::new(String::new()),
            notify: RwSignal::new(true),
            recovered: RwSignal::new(String::new()),
            reopened: RwSignal::new(false),
        }
    }

    fn clear(self) {
        self.body_ja.set(String::new());
        self.body_en.set(String::new());
        self.status.set(String::new());
        self.notify.set(true);
        self.recovered.set(String::new());
        self.reopened.set(false);
    }
}

/// A follow-up: new text, and optionally a new status or new times.
#[component]
fn UpdateSection(
    notice: RwSignal<Option<NoticeView>>,
    form: UpdateForm,
    errors: RwSignal<FieldErrors>,
    on_submit: Callback<NoticeUpdateRequest>,
) -> impl IntoView {
    // Times start as the notice's current ones; only a change is sent.
    let current = move || {
        notice.get_untracked().map(|n| {
            (
                to_site_input(n.starts_at),
                n.ends_at.map(to_site_input).unwrap_or_default(),
            )
        })
    };
    if let Some((s, e)) = current() {
        form.starts.set(s);
        form.ends.set(e);
    }
    let submit = move |_| {
        let optional = |s: String| (!s.trim().is_empty()).then_some(s);
        let (starts0, ends0) = current().unwrap_or_default();
        let changed = |now: String, before: String| {
            (now != before)
                .then(|| from_site_input(&now))
                .filter(|s| !s.is_empty())
        };
        let request = NoticeUpdateRequest {
            body_ja: form.body_ja.get_untracked(),
            body_en: optional(form.body_en.get_untracked()),
            status: optional(form.status.get_untracked()),
            starts_at: changed(form.starts.get_untracked(), starts0),
            ends_at: changed(form.ends.get_untracked(), ends0),
            notify: Some(form.notify.get_untracked()),
            recovered_at: (form.status.get_untracked() == NoticeStatus::Resolved.code())
                .then(|| from_site_input(&form.recovered.get_untracked()))
                .filter(|s| !s.is_empty()),
        };
        // Checked by the server's own parser before anything is confirmed: an empty body
        // or times out of order are said beside their fields, not after a dialog.
        let Some(n) = notice.get_untracked() else {
            return;
        };
        // The browser's clock (chrono's own has no source in the browser); the server
        // checks again with its own.
        let now =
            chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default();
        match request.parse(n.kind, n.starts_at, n.ends_at, now) {
            Ok(_) => {
                errors.set(FieldErrors::default());
                on_submit.run(request);
            }
            Err(found) => errors.set(found),
        }
    };
    let statuses = move || {
        notice.with(|n| {
            n.as_ref()
                .map(|n| NoticeStatus::for_kind(n.kind).to_vec())
                .unwrap_or_default()
        })
    };
    let maintenance = move || {
        notice.with(|n| {
            n.as_ref()
                .is_some_and(|n| n.kind == shared::dto::NoticeKind::Maintenance)
        })
    };
    let closed = move || {
        notice.with(|n| {
            n.as_ref().is_some_and(|n| {
                matches!(
                    n.status,
                    NoticeStatus::Completed | NoticeStatus::Cancelled | NoticeStatus::Resolved
                )
            })
        }) && !form.reopened.get()
    };
    let resolving = move || form.status.get() == NoticeStatus::Resolved.code();
    view! {
        <section class="update-form">
            <h2>{t(Msg::PostUpdate)}</h2>
            <Show when=move || !closed() fallback=move || view! {
                <p class="muted" id="updates-closed">{t(Msg::UpdatesClosed)}</p>
                <button class="button secondary" id="reopen-updates" type="button"
                    on:click=move |_| form.reopened.set(true)>{t(Msg::ReopenUpdates)}</button>
            }>
            <p class="muted">{t(Msg::UpdateLead)}</p>
            <form class="form" on:submit=|ev| ev.prevent_default()>
                <TextArea name="body_ja" label=Msg::BodyJa value=form.body_ja errors required=true />
                <TextArea name="body_en" label=Msg::BodyEn value=form.body_en errors required=false />
                <StatusSelect id="update-status" value=form.status statuses=Signal::derive(statuses) errors />
                <Field name="starts_at" label=Msg::StartsAt value=form.starts errors kind="datetime-local" required=false />
                <Show when=maintenance>
                    <Field name="ends_at" label=Msg::EndsAt value=form.ends errors kind="datetime-local" required=false />
                </Show>
                <Show when=resolving>
                    <Field name="recovered_at" label=Msg::RecoveredAt value=form.recovered errors kind="datetime-local" required=false hint=Msg::RecoveredAtHint />
                </Show>
                <div class="field">
                    <label class="check">
                        <input type="checkbox" id="update-notify" aria-describedby="update-notify-hint" prop:checked=move || form.notify.get()
                            on:change=move |ev| form.notify.set(event_target_checked(&ev)) />
                        {t(Msg::NotifyUpdate)}
                    </label>
                    <p class="hint" id="update-notify-hint">{t(Msg::NotifyUpdateHint)}</p>
                </div>
                <div class="actions">
                    <button class="button primary" id="post-update" type="button" on:click=submit>{t(Msg::PostUpdate)}</button>
                </div>
            </form>
            </Show>
        </section>
    }
}
