//! After a failed submit: a summary of what to fix at the top of the form, each entry taking
//! the keyboard to its field, and the focus on the first field to fix.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::HtmlElement;
use shared::FieldErrors;

use crate::i18n::{Msg, field_message, use_lang};

/// Moves the focus to the element with id `id`, if it exists and can take it.
pub fn focus(id: &str) {
    if let Some(element) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// Focuses the first field of `fields` (in page order) that has an error.
pub fn focus_first_invalid(errors: &FieldErrors, fields: &[(&'static str, Msg)]) {
    if let Some((id, _)) = fields.iter().find(|(id, _)| errors.code_for(id).is_some()) {
        focus(id);
    }
}

/// The errors of `fields` as a list of links to them, shown while `shown` is set.
#[component]
pub fn ErrorSummary(
    errors: RwSignal<FieldErrors>,
    shown: RwSignal<bool>,
    fields: &'static [(&'static str, Msg)],
) -> impl IntoView {
    let lang = use_lang();
    let items = move || {
        let lang = lang.get();
        errors.with(|e| {
            fields
                .iter()
                .filter_map(|(id, label)| {
                    e.code_for(id).map(|code| {
                        let id = *id;
                        let text = format!("{}: {}", label.text(lang), field_message(code, lang));
                        view! {
                            <li>
                                <a href=format!("#{id}") on:click=move |ev| {
                                    ev.prevent_default();
                                    focus(id);
                                }>{text}</a>
                            </li>
                        }
                    })
                })
                .collect_view()
        })
    };
    view! {
        <Show when=move || shown.get() && errors.with(|e| fields.iter().any(|(id, _)| e.code_for(id).is_some()))>
            <div class="alert error error-summary" role="alert" id="error-summary">
                <p>{move || Msg::ErrorSummary.text(lang.get())}</p>
                <ul>{items}</ul>
            </div>
        </Show>
    }
}
