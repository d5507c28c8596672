use leptos::prelude::*;
use shared::FieldErrors;
use shared::dto::{NoticePatch, NoticeView};

use super::editor::TextArea;
use crate::api::{self, ApiError};
use crate::components::{Alert, Field};
use crate::erased::local_action;
use crate::i18n::{Msg, t};

/// 「件名・本文の修正（通知しない）」: a published notice's titles and text corrected in place,
/// mailing no one; the page and the feeds mark it as edited.
#[component]
pub fn CorrectSection(notice: RwSignal<Option<NoticeView>>) -> impl IntoView {
    let current = notice.get_untracked();
    let field =
        |f: fn(&NoticeView) -> String| RwSignal::new(current.as_ref().map(f).unwrap_or_default());
    let title_ja = field(|n| n.title_ja.clone());
    let title_en = field(|n| n.title_en.clone().unwrap_or_default());
    let body_ja = field(|n| n.body_ja.clone());
    let body_en = field(|n| n.body_en.clone().unwrap_or_default());
    let errors = RwSignal::new(FieldErrors::default());
    let saved = RwSignal::new(None::<Result<(), Msg>>);
    let save = local_action(move |_: &()| async move {
        let Some(id) = notice.get_untracked().map(|n| n.id) else {
            return;
        };
        let optional = |s: String| Some(s.trim().to_owned());
        let patch = NoticePatch {
            title_ja: Some(title_ja.get_untracked()),
            title_en: optional(title_en.get_untracked()),
            body_ja: Some(body_ja.get_untracked()),
            body_en: optional(body_en.get_untracked()),
            ..Default::default()
        };
        match api::correct_notice(&id, &patch).await {
            Ok(view) => {
                errors.set(FieldErrors::default());
                notice.set(Some(view));
                saved.set(Some(Ok(())));
            }
            Err(ApiError::Problem(p)) if !p.errors.is_empty() => {
                errors.set(FieldErrors(p.errors));
                saved.set(None);
            }
            Err(e) => match crate::pages::redirect_for(&e, &format!("/operator/notices/{id}")) {
                Ok(to) => leptos_router::hooks::use_navigate()(&to, Default::default()),
                Err(m) => saved.set(Some(Err(m))),
            },
        }
    });
    view! {
        <details class="correct-form" id="correct-section">
            <summary>{t(Msg::CorrectTitle)}</summary>
            <p class="muted">{t(Msg::CorrectLead)}</p>
            {move || saved.get().map(|r| match r {
                Ok(()) => view! { <Alert kind="success">{t(Msg::CorrectionSaved)}</Alert> }.into_any(),
                Err(m) => view! { <Alert kind="error">{t(m)}</Alert> }.into_any(),
            })}
            <form class="form" on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); }>
                <Field name="title_ja" id="correct-title_ja" label=Msg::TitleJa value=title_ja errors />
                <Field name="title_en" id="correct-title_en" label=Msg::TitleEn value=title_en errors required=false />
                <TextArea name="body_ja" id="correct-body_ja" label=Msg::BodyJa value=body_ja errors required=true />
                <TextArea name="body_en" id="correct-body_en" label=Msg::BodyEn value=body_en errors required=false />
                <div class="actions">
                    <button class="button secondary" id="save-correction" type="submit" disabled=move || save.pending().get()>{t(Msg::SaveCorrection)}</button>
                </div>
            </form>
        </details>
    }
}
