use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::components::Layout;
use crate::components::layout::{SignedIn, has_session};
use crate::i18n::Lang;
use crate::pages::{self, destinations, mail, notices, operator, recipients, register, support};

#[component]
pub fn App() -> impl IntoView {
    let lang = Lang::init();
    lang.set(lang.get());
    provide_context(lang);
    provide_context(SignedIn(RwSignal::new(has_session())));
    provide_context(destinations::Added(RwSignal::new(None)));
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
                    <Route path=path!("/support") view=support::Categories />
                    <Route path=path!("/support/:category") view=support::CategoryPage />
                    <Route path=path!("/support/products/:product") view=support::ProductPage />
                    <Route path=path!("/mysupport/recipients") view=recipients::List />
                    <ParentRoute path=path!("/mysupport/recipients/new") view=recipients::Wizard>
                        <Route path=path!("") view=recipients::Form />
                        <Route path=path!("confirm") view=recipients::Confirm />
                        <Route path=path!("done") view=recipients::Done />
                    </ParentRoute>
                    <ParentRoute path=path!("/mysupport/recipients/:id/edit") view=recipients::Wizard>
                        <Route path=path!("") view=recipients::Form />
                        <Route path=path!("confirm") view=recipients::Confirm />
                        <Route path=path!("done") view=recipients::Done />
                    </ParentRoute>
                    <Route path=path!("/recipients/verify") view=recipients::Verify />
                    <Route path=path!("/mysupport/account") view=pages::account::AccountSettings />
                    <Route path=path!("/account/email/confirm") view=pages::account::EmailConfirm />
                    <Route path=path!("/mysupport/destinations") view=destinations::List />
                    <Route path=path!("/mysupport/destinations/new") view=destinations::Form />
                    <Route path=path!("/mysupport/destinations/:id/verify") view=destinations::Verify />
                    <ParentRoute path=path!("/mysupport/subscriptions/:product/mail") view=mail::MailWizard>
                        <Route path=path!("") view=mail::Settings />
                        <Route path=path!("confirm") view=mail::Confirm />
                        <Route path=path!("done") view=mail::Done />
                    </ParentRoute>
                    <Route path=path!("/mysupport/integrations") view=pages::Integrations />
                    <Route path=path!("/mysupport/deliveries") view=pages::DeliveryLog />
                    <Route path=path!("/operator") view=operator::ConsoleHome />
                    <Route path=path!("/operator/catalog") view=operator::CatalogAdmin />
                    <Route path=path!("/operator/templates") view=operator::Templates />
                    <Route path=path!("/operator/notices/new") view=operator::NewNotice />
                    <Route path=path!("/operator/notices/:id") view=operator::ConsoleNotice />
                    <Route path=path!("/operator/notices/:id/edit") view=operator::EditNotice />
                    <Route path=path!("/status") view=pages::status::StatusPage />
                    <Route path=path!("/notices") view=notices::Notices />
                    <Route path=path!("/notices/:id") view=notices::NoticePage />
                    <Route path=path!("/unsubscribe/:token") view=pages::Unsubscribe />
                    <Route path=path!("/password-reset") view=pages::password_reset::Request />
                    <Route path=path!("/password-reset/confirm") view=pages::password_reset::Confirm />
                </Routes>
            </Layout>
        </Router>
    }
}
