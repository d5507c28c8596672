use leptos::prelude::*;
use shared::FieldErrors;
use shared::dto::{NoticeView, PostmortemRequest};

use super::editor::TextArea;
use crate::api::{self, ApiError};
use crate::components::Alert;
use crate::erased::local_action;
use crate::i18n::{Msg, t};

/// 「事後報告を投稿」 for a resolved outage: posted on its page and in the feeds, mailed only
/// when ticked.
#[component]
pub fn PostmortemSection(
    notice: RwSignal<Option<NoticeView>>,
    /// Called with the notice's id once posted, to read it again.
    #[prop(into)]
    on_posted: Callback<String>,
) -> impl IntoView {
    let body_ja = RwSignal::new(String::new());
    let body_en = RwSignal::new(String::new());
    let notify = RwSignal::new(false);
    let errors = RwSignal::new(FieldErrors::default());
    let outcome = RwSignal::new(None::<Result<(), Msg>>);
    let post = local_action(move |_: &()| async move {
        let Some(id) = notice.get_untracked().map(|n| n.id) else {
            return;
        };
        let request = PostmortemRequest {
            body_ja: body_ja.get_untracked(),
            body_en: Some(body_en.get_untracked()).filter(|s| !s.trim().is_empty()),
            notify: Some(notify.get_untracked()),
        };
        if let Err(found) = request.parse() {
            errors.set(found);
            return;
        }
        match api::post_postmortem(&id, &request).await {
            Ok(_) => {
                errors.set(FieldErrors::default());
                body_ja.set(String::new());
                body_en.set(String::new());
                outcome.set(Some(Ok(())));
                on_posted.run(id);
            }
            Err(ApiError::Problem(p)) if !p.errors.is_empty() => errors.set(FieldErrors(p.errors)),
            Err(e) => outcome.set(Some(Err(crate::pages::general_message(&e)))),
        }
    });
    view! {
        <details class="postmortem-form" id="postmortem-section">
            <summary>{t(Msg::PostPostmortem)}</summary>
            <p class="muted">{t(Msg::PostmortemLead)}</p>
            {move || outcome.get().map(|r| match r {
                Ok(()) => view! { <Alert kind="success">{t(Msg::PostmortemPosted)}</Alert> }.into_any(),
                Err(m) => view! { <Alert kind="error">{t(m)}</Alert> }.into_any(),
            })}
            <form class="form" on:submit=move |ev| { ev.prevent_default(); post.dispatch(()); }>
                <TextArea name="body_ja" id="postmortem-body_ja" label=Msg::BodyJa value=body_ja errors required=true />
                <TextArea name="body_en" id="postmortem-body_en" label=Msg::BodyEn value=body_en errors required=false />
                <div class="field">
                    <label class="check">
                        <input type="checkbox" id="postmortem-notify" prop:checked=move || notify.get()
                            on:change=move |ev| notify.set(event_target_checked(&ev)) />
                        {t(Msg::PostmortemNotify)}
                    </label>
                </div>
                <div class="actions">
                    <button class="button primary" id="post-postmortem" type="submit" disabled=move || post.pending().get()>{t(Msg::PostPostmortem)}</button>
                </div>
            </form>
        </details>
    }
}
