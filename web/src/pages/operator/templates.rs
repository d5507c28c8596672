use leptos::prelude::*;
use leptos_router::components::A;
use shared::FieldErrors;
use shared::dto::{NoticeKind, NoticeTemplateRequest, NoticeTemplateView};

use super::OperatorOnly;
use super::editor::TextArea;
use crate::api::{self, ApiError};
use crate::components::{Alert, ConfirmDialog, Field};
use crate::erased::{local_action, local_resource};
use crate::i18n::{Msg, t, use_lang};
use crate::pages::general_message;

/// `/operator/templates`: the notice templates (雛形), each ready to start a draft from, and
/// the form that adds or edits one.
#[component]
pub fn Templates() -> impl IntoView {
    crate::components::title(Msg::TemplatesTitle);
    view! {
        <OperatorOnly>
            <TemplatesPage />
        </OperatorOnly>
    }
}

/// The form's fields.
#[derive(Clone, Copy)]
struct Form {
    /// The template being edited; `None` while adding.
    id: RwSignal<Option<String>>,
    name: RwSignal<String>,
    kind: RwSignal<String>,
    title_ja: RwSignal<String>,
    title_en: RwSignal<String>,
    body_ja: RwSignal<String>,
    body_en: RwSignal<String>,
}

impl Form {
    fn new() -> Self {
        Self {
            id: RwSignal::new(None),
            name: RwSignal::new(String::new()),
            kind: RwSignal::new(NoticeKind::Maintenance.code().to_owned()),
            title_ja: RwSignal::new(String::new()),
            title_en: RwSignal::new(String::new()),
            body_ja: RwSignal::new(String::new()),
            body_en: RwSignal::new(String::new()),
        }
    }

    fn fill(self, t: Option<&NoticeTemplateView>) {
        self.id.set(t.map(|t| t.id.clone()));
        self.name.set(t.map(|t| t.name.clone()).unwrap_or_default());
        self.kind.set(
            t.map_or(NoticeKind::Maintenance, |t| t.kind)
                .code()
                .to_owned(),
        );
        self.title_ja
            .set(t.map(|t| t.title_ja.clone()).unwrap_or_default());
        self.title_en
            .set(t.and_then(|t| t.title_en.clone()).unwrap_or_default());
        self.body_ja
            .set(t.map(|t| t.body_ja.clone()).unwrap_or_default());
        self.body_en
            .set(t.and_then(|t| t.body_en.clone()).unwrap_or_default());
    }

    fn request(self) -> NoticeTemplateRequest {
        let optional = |s: String| (!s.trim().is_empty()).then_some(s);
        NoticeTemplateRequest {
            name: self.name.get_untracked(),
            kind: self.kind.get_untracked(),
            title_ja: self.title_ja.get_untracked(),
            title_en: optional(self.title_en.get_untracked()),
            body_ja: self.body_ja.get_untracked(),
            body_en: optional(self.body_en.get_untracked()),
        }
    }
}

#[component]
fn TemplatesPage() -> impl IntoView {
    let lang = use_lang();
    let list = RwSignal::new(Vec::<NoticeTemplateView>::new());
    let failure = RwSignal::new(None::<Msg>);
    let errors = RwSignal::new(FieldErrors::default());
    let form = Form::new();
    let loaded = local_resource(api::notice_templates);
    Effect::new(move |_| match loaded.get() {
        Some(Ok(l)) => list.set(l),
        Some(Err(e)) => failure.set(Some(general_message(&e))),
        None => {}
    });
    let save = local_action(move |(): &()| async move {
        let body = form.request();
        let result = match form.id.get_untracked() {
            Some(id) => api::update_notice_template(&id, &body).await,
            None => api::create_notice_template(&body).await,
        };
        match result {
            Ok(saved) => {
                errors.set(FieldErrors::default());
                failure.set(None);
                list.update(|l| match l.iter_mut().find(|t| t.id == saved.id) {
                    Some(t) => *t = saved,
                    None => l.push(saved),
                });
                form.fill(None);
            }
            Err(ApiError::Problem(p)) if !p.errors.is_empty() => errors.set(FieldErrors(p.errors)),
            Err(e) => failure.set(Some(general_message(&e))),
        }
    });
    let doomed = RwSignal::new(None::<NoticeTemplateView>);
    let dialog = RwSignal::new(false);
    let remove = local_action(move |(): &()| async move {
        let Some(t) = doomed.get_untracked() else {
            return;
        };
        match api::delete_notice_template(&t.id).await {
            Ok(()) => list.update(|l| l.retain(|x| x.id != t.id)),
            Err(e) => failure.set(Some(general_message(&e))),
        }
    });
    let delete_message = Signal::derive(move || {
        let name = doomed.with(|d| d.as_ref().map(|d| d.name.clone()).unwrap_or_default());
        format!("{name} — {}", Msg::DeleteTemplateConfirm.text(lang.get()))
    });
    view! {
        <section class="card console">
            <p><A href="/operator">{t(Msg::ConsoleNotices)}</A></p>
            <h1>{t(Msg::TemplatesTitle)}</h1>
            <p class="hint">{t(Msg::TemplatesLead)}</p>
            {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
            <ul class="console-list" id="template-list">
                {move || list.get().into_iter().map(|tpl| {
                    let (edit, del) = (tpl.clone(), tpl.clone());
                    view! {
                        <li data-id=tpl.id.clone()>
                            <span class=format!("badge kind {}", tpl.kind.code())>{t(shared::i18n::kind(tpl.kind))}</span>
                            " " <strong>{tpl.name.clone()}</strong>
                            <span class="muted">" · " {tpl.title_ja.clone()}</span>
                            <div class="row-actions">
                                <A href=format!("/operator/notices/new?template={}", tpl.id) attr:class="button primary small use-template">{t(Msg::UseTemplate)}</A>
                                <button type="button" class="button secondary small edit-template"
                                    on:click=move |_| { errors.set(FieldErrors::default()); form.fill(Some(&edit)); }>{t(Msg::Edit)}</button>
                                <button type="button" class="link-button remove delete-template"
                                    on:click=move |_| { doomed.set(Some(del.clone())); dialog.set(true); }>{t(Msg::DoDelete)}</button>
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || list.with(Vec::is_empty).then(|| view! { <p class="muted">{t(Msg::NoTemplates)}</p> })}
            <h2 class="section-title" id="template-form-title">
                {move || t(if form.id.get().is_some() { Msg::EditTemplate } else { Msg::NewTemplate })()}
            </h2>
            <form class="form" on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); } novalidate>
                <Field name="name" label=Msg::TemplateName value=form.name errors />
                <div class="field">
                    <label for="kind">{t(Msg::Kind)}</label>
                    <select id="kind" prop:value=move || form.kind.get()
                        on:change=move |ev| form.kind.set(event_target_value(&ev))>
                        <option value="maintenance">{t(Msg::KindMaintenance)}</option>
                        <option value="outage">{t(Msg::KindOutage)}</option>
                    </select>
                </div>
                <Field name="title_ja" label=Msg::TitleJa value=form.title_ja errors />
                <Field name="title_en" label=Msg::TitleEn value=form.title_en errors required=false />
                <TextArea name="body_ja" label=Msg::BodyJa value=form.body_ja errors required=true />
                <TextArea name="body_en" label=Msg::BodyEn value=form.body_en errors required=false />
                <p class="hint" id="placeholders-hint">{t(Msg::PlaceholdersHint)}</p>
                <div class="actions">
                    <button type="button" class="button secondary" on:click=move |_| { errors.set(FieldErrors::default()); form.fill(None); }>{t(Msg::Clear)}</button>
                    <button type="submit" class="button primary" id="save-template" disabled=move || save.pending().get()>{t(Msg::SaveTemplate)}</button>
                </div>
            </form>
            <ConfirmDialog open=dialog message=delete_message confirm=Msg::DoDelete
                on_confirm=Callback::new(move |()| { remove.dispatch(()); }) id="delete-template-dialog" />
        </section>
    }
}
