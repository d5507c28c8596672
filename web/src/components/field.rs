use leptos::prelude::*;
use shared::FieldErrors;

use super::value_sync::show_signal_in;
use crate::i18n::{Msg, field_message, t, use_lang};

/// A labelled text input whose error (a field code) shows under it in the current language.
#[component]
pub fn Field(
    name: &'static str,
    label: Msg,
    value: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = true)] required: bool,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<Msg>,
    /// The element id where one page repeats a field name; `name` otherwise.
    #[prop(optional, into)]
    id: Option<String>,
) -> impl IntoView {
    let lang = use_lang();
    let error = move || errors.with(|e| e.code_for(name).map(|c| field_message(c, lang.get())));
    let id = id.unwrap_or_else(|| name.to_owned());
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = format!("{hint_id} {error_id}");
    let input = NodeRef::<leptos::html::Input>::new();
    show_signal_in(input, value);
    view! {
        <div class="field" class:has-error=move || error().is_some()>
            <label for=id.clone()>
                {t(label)}
                <span class=if required { "badge required" } else { "badge optional" }>
                    {t(if required { Msg::Required } else { Msg::Optional })}
                </span>
            </label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                aria-invalid=move || if error().is_some() { "true" } else { "false" }
                aria-describedby=described
                node_ref=input
                prop:value=value.get_untracked()
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    errors.update(|e| e.0.retain(|x| x.field != name));
                }
            />
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{t(h)}</p> })}
            <p class="error" id=error_id role="alert">{error}</p>
        </div>
    }
}

/// A password field.
#[component]
pub fn PasswordField(
    name: &'static str,
    label: Msg,
    value: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
    #[prop(default = "new-password")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<Msg>,
) -> impl IntoView {
    match hint {
        Some(hint) => view! {
            <Field name label value errors kind="password" autocomplete hint />
        }
        .into_any(),
        None => view! { <Field name label value errors kind="password" autocomplete /> }.into_any(),
    }
}
