use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::domain::DeliveryWindow;
use shared::dto::{RecipientStatus, RecipientView, SuspensionReason};

use crate::api::{self, ApiError};
use crate::components::{Alert, ConfirmDialog, holiday_suffix, timing_summary};
use crate::erased::{keyed, loading, local_action, local_resource};
use crate::i18n::{Msg, t, use_lang, window_summary};
use crate::pages::redirect_for;

pub fn window_of(r: &RecipientView) -> DeliveryWindow {
    DeliveryWindow::new(&r.weekdays, &r.hours).unwrap_or(DeliveryWindow::NONE)
}

/// The rows of delivery addresses, shared by My Support and the tab page. With `manage`,
/// each row has 「変更」 and 「削除」.
#[component]
pub fn RecipientTable(list: RwSignal<Vec<RecipientView>>, manage: bool) -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    let notice = RwSignal::new(None::<(&'static str, Msg)>);
    let deleting = RwSignal::new(None::<RecipientView>);
    let dialog = RwSignal::new(false);
    let fail = move |e: api::ApiError| match redirect_for(&e, "/mysupport/recipients") {
        Ok(to) => navigate(&to, Default::default()),
        Err(m) => notice.set(Some(("error", m))),
    };
    let resend = {
        let fail = fail.clone();
        local_action(move |id: &String| {
            let (id, fail) = (id.clone(), fail.clone());
            async move {
                match api::resend_verification(&id).await {
                    Ok(()) => notice.set(Some(("success", Msg::Resent))),
                    Err(e) => fail(e),
                }
            }
        })
    };
    let resume = {
        let fail = fail.clone();
        local_action(move |id: &String| {
            let (id, fail) = (id.clone(), fail.clone());
            async move {
                match api::resume_recipient(&id).await {
                    Ok(view) => {
                        list.update(|l| {
                            if let Some(r) = l.iter_mut().find(|r| r.id == view.id) {
                                *r = view;
                            }
                        });
                        notice.set(Some(("success", Msg::ResumedRecipient)));
                    }
                    Err(e) => fail(e),
                }
            }
        })
    };
    let remove = local_action(move |id: &String| {
        let (id, fail) = (id.clone(), fail.clone());
        async move {
            match api::delete_recipient(&id).await {
                Ok(()) => list.update(|l| l.retain(|x| x.id != id)),
                Err(e) => fail(e),
            }
        }
    });
    let delete = Callback::new(move |()| {
        if let Some(r) = deleting.get_untracked() {
            remove.dispatch(r.id);
        }
    });
    let delete_message = Signal::derive(move || {
        deleting
            .get()
            .map(|r| format!("{}{}", r.email, Msg::DeleteRecipientSuffix.text(lang.get())))
            .unwrap_or_default()
    });
    view! {
        {move || notice.get().map(|(kind, m)| view! { <Alert kind=kind>{t(m)}</Alert> })}
        <table class="recipients">
            <thead><tr>
                <th scope="col">{t(Msg::Recipients)}</th>
                <th scope="col">{t(Msg::Weekdays)}" · "{t(Msg::Hours)}</th>
                // The buttons name themselves; an empty header cell would be a nameless column.
                <td></td>
            </tr></thead>
            <tbody>
                {keyed(move || list.get(), |r| (r.id.clone(), r.email.clone(), r.weekdays.clone(), r.hours.clone(), r.status), move |r| view! {
                    {
                        let pending = r.status == RecipientStatus::Pending;
                        let suspended = r.suspension.clone().filter(|_| r.status == RecipientStatus::Suspended);
                        let window = window_of(&r);
                        let id = r.id.clone();
                        let for_delete = r.clone();
                        view! {
                            <tr data-email=r.email.clone()>
                                <td>
                                    <span class="email">{breakable_email(&r.email)}</span>
                                    {pending.then(|| view! { <span class="badge pending">{t(Msg::Pending)}</span> })}
                                    {suspended.clone().map(|s| {
                                        let why = match s.reason {
                                            SuspensionReason::NoSuchUser => Msg::SuspendedNoSuchUser,
                                            SuspensionReason::RepeatedFailures => Msg::SuspendedRepeatedFailures,
                                        };
                                        let since = crate::pages::notices::site_time(s.since);
                                        view! {
                                            <span class="badge stopped">{t(Msg::RecipientSuspended)}</span>
                                            <div class="suspension">
                                                <p>{t(why)}</p>
                                                <p class="muted"><small>{t(Msg::SuspendedSince)}": " {since}</small></p>
                                                {s.reply.map(|reply| view! { <p class="muted"><small>{t(Msg::ServerReply)}": " <code>{reply}</code></small></p> })}
                                                <p class="hint">{t(Msg::SuspendedResumeHint)}</p>
                                            </div>
                                        }
                                    })}
                                </td>
                                <td class="window">
                                    {move || window_summary(window, lang.get())}
                                    {holiday_suffix(r.holidays).map(|m| view! { " · " {t(m)} })}
                                    <small class="muted">" (" {r.time_zone.clone()} ")"</small>
                                    {window.is_empty().then(|| view! { <span class="badge pending">"!"</span> })}
                                    {(!r.reminders.is_empty() || r.hold).then(|| {
                                        let parts = timing_summary(&r.reminders, r.hold);
                                        view! { <small class="timing">{move || parts.iter().map(|m| m.text(lang.get())).collect::<Vec<_>>().join(" · ")}</small> }
                                    })}
                                </td>
                                <td class="actions-cell"><div class="row-actions">
                                    {suspended.is_some().then(|| {
                                        let id = id.clone();
                                        view! { <button class="button primary small resume" on:click=move |_| { resume.dispatch(id.clone()); }>{t(Msg::Resume)}</button> }
                                    })}
                                    {pending.then(|| {
                                        let id = id.clone();
                                        view! { <button class="link-button resend" on:click=move |_| { resend.dispatch(id.clone()); }>{t(Msg::Resend)}</button> }
                                    })}
                                    {manage.then(|| view! {
                                        <A href=format!("/mysupport/recipients/{id}/edit") attr:class="button secondary small edit">{t(Msg::Edit)}</A>
                                        <button class="link-button remove" on:click=move |_| {
                                            deleting.set(Some(for_delete.clone()));
                                            dialog.set(true);
                                        }>{t(Msg::DoDelete)}</button>
                                    })}
                                </div></td>
                            </tr>
                        }
                    }
                })}
            </tbody>
        </table>
        <ConfirmDialog open=dialog message=delete_message confirm=Msg::DoDelete on_confirm=delete id="delete-recipient-dialog" />
    }
}

/// An address that a narrow column breaks after its `@` or a dot, never inside a word.
fn breakable_email(email: &str) -> impl IntoView + use<> {
    let mut parts = Vec::new();
    let mut rest = email;
    while let Some(i) = rest.find(['@', '.']) {
        parts.push(rest[..=i].to_owned());
        rest = &rest[i + 1..];
    }
    parts.push(rest.to_owned());
    parts
        .into_iter()
        .map(|p| view! { {p}<wbr /> })
        .collect_view()
}

/// My Support's tabs. The router marks the current one; `exact` keeps 「マイサポート」
/// from also claiming the pages below it.
#[component]
pub fn MySupportTabs() -> impl IntoView {
    let lang = use_lang();
    view! {
        <nav class="tabs" aria-label=move || Msg::MySupport.text(lang.get())>
            <A href="/mysupport" exact=true attr:id="tab-mysupport">{t(Msg::MySupport)}</A>
            <A href="/mysupport/recipients" exact=true attr:id="tab-recipients">{t(Msg::RecipientsTab)}</A>
            <A href="/mysupport/destinations" exact=true attr:id="tab-destinations">{t(Msg::DestinationsShort)}</A>
            <A href="/mysupport/deliveries" exact=true attr:id="tab-deliveries">{t(Msg::DeliveryLogTab)}</A>
        </nav>
    }
}

/// 「工事・故障情報メール配信先 登録・変更」.
#[component]
pub fn List() -> impl IntoView {
    crate::components::title(Msg::RecipientsTab);
    let recipients = local_resource(api::recipients);
    view! {
        <section class="mysupport">
            <MySupportTabs />
            <div class="card">
                <div class="card-head">
                    <h1>{t(Msg::RecipientsTab)}</h1>
                    <A href="/mysupport/recipients/new" attr:class="button primary small" attr:id="new-recipient">"+ " {t(Msg::NewRecipient)}</A>
                </div>
                <p class="hint">{t(Msg::RecipientsLead)}</p>
                {loading(move || async move {
                    let list = RwSignal::new(recipients.await?);
                    Ok::<_, ApiError>(view! { <RecipientTable list manage=true /> })
                })}
            </div>
        </section>
    }
}
