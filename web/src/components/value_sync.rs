//! Keeping a text control and its signal in step without fighting the person typing.
//!
//! A reactive `prop:value` writes the signal back into the element after every keystroke.
//! For `type="email"` the browser reports the value with surrounding spaces stripped, so the
//! write-back removed a space as it was typed and Chromium put the caret at the start:
//! "taro yamada@example.com" became "yamada@example.comtaro". Here the element owns what is
//! typed; the signal only reaches the element when it holds something the element does not
//! already show (a draft restored, data loaded, a form cleared).

use leptos::html::ElementType;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{HtmlInputElement, HtmlTextAreaElement};

/// An element with an editable `value`.
pub trait EditableValue {
    fn current(&self) -> String;
    fn replace(&self, value: &str);
}

impl EditableValue for HtmlInputElement {
    fn current(&self) -> String {
        self.value()
    }
    fn replace(&self, value: &str) {
        self.set_value(value);
    }
}

impl EditableValue for HtmlTextAreaElement {
    fn current(&self) -> String {
        self.value()
    }
    fn replace(&self, value: &str) {
        self.set_value(value);
    }
}

/// Shows `value` in the element behind `node` whenever the signal changes to something other
/// than what the element reports; the element's own input never comes back to it.
pub fn show_signal_in<E>(node: NodeRef<E>, value: RwSignal<String>)
where
    E: ElementType + 'static,
    E::Output: JsCast + Clone + EditableValue + 'static,
{
    Effect::new(move |_| {
        let wanted = value.get();
        if let Some(element) = node.get()
            && element.current() != wanted
        {
            element.replace(&wanted);
        }
    });
}
