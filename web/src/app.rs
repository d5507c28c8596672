use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::components::Layout;
use crate::components::layout::{SignedIn, has_session};
use crate::i18n::Lang;
use crate::pages::{self, register};

#[component]
pub fn App() -> impl IntoView {
    let lang = Lang::init();
    lang.set(lang.get());
    provide_context(lang);
    provide_context(SignedIn(RwSignal::new(has_session())));
    view! {
        <Router>
            <Layout>
                <Routes fallback=pages::NotFound>
                    <Route path=path!("/") view=pages::Home />
                    <ParentRoute path=path!("/register") view=register::Wizard>
                        <Route path=path!("") view=register::Form />
                        <Route path=path!("confirm") view=register::Confirm />
                        <Route path=path!("sent") view=register::Sent />
                        <Route path=path!("activate") view=register::Activate />
                        <Route path=path!("complete") view=register::Complete />
                        <Route path=path!("expired") view=register::Expired />
                    </ParentRoute>
                    <Route path=path!("/login") view=pages::Login />
                    <Route path=path!("/mysupport") view=pages::MySupport />
                    <Route path=path!("/terms") view=register::Terms />
                    <Route path=path!("/password-reset") view=pages::password_reset::Request />
                    <Route path=path!("/password-reset/confirm") view=pages::password_reset::Confirm />
                </Routes>
            </Layout>
        </Router>
    }
}
