use leptos::html;
use leptos::prelude::*;

use crate::i18n::{Msg, t};

/// A modal confirmation: focus moves to the confirm button, Escape or 「キャンセル」 closes it.
#[component]
pub fn ConfirmDialog(
    open: RwSignal<bool>,
    #[prop(into)] message: Signal<String>,
    confirm: Msg,
    on_confirm: Callback<()>,
    #[prop(default = "confirm-dialog")] id: &'static str,
) -> impl IntoView {
    let button = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if open.get()
            && let Some(b) = button.get()
        {
            let _ = b.focus();
        }
    });
    let title_id = format!("{id}-title");
    view! {
        <Show when=move || open.get()>
            <div
                class="dialog-backdrop"
                on:keydown=move |ev| if ev.key() == "Escape" { open.set(false) }
            >
                <div class="dialog" role="dialog" aria-modal="true" aria-labelledby=title_id.clone() id=id>
                    <p id=title_id.clone() class="dialog-message">{move || message.get()}</p>
                    <div class="actions">
                        <button class="button secondary" on:click=move |_| open.set(false)>{t(Msg::Cancel)}</button>
                        <button
                            class="button primary"
                            node_ref=button
                            id=format!("{id}-confirm")
                            on:click=move |_| {
                                open.set(false);
                                on_confirm.run(());
                            }
                        >
                            {t(confirm)}
                        </button>
                    </div>
                </div>
            </div>
        </Show>
    }
}
