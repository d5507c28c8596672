use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::components::Layout;
use crate::components::layout::{SignedIn, has_session};
use crate::i18n::Lang;
use crate::lazy::{
    Catalog, MailLink, MySupport, Operator, Register, catalog, mail_links, my_support, operator,
    register,
};
use crate::pages::{self, destinations, notices};

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
                    <ParentRoute path=path!("/register") view=|| register(Register::Wizard)>
                        <Route path=path!("") view=|| register(Register::Form) />
                        <Route path=path!("confirm") view=|| register(Register::Confirm) />
                        <Route path=path!("sent") view=|| register(Register::Sent) />
                        <Route path=path!("activate") view=|| register(Register::Activate) />
                        <Route path=path!("complete") view=|| register(Register::Complete) />
                        <Route path=path!("expired") view=|| register(Register::Expired) />
                    </ParentRoute>
                    <Route path=path!("/login") view=pages::Login />
                    <Route path=path!("/mysupport") view=|| my_support(MySupport::Home) />
                    <Route path=path!("/terms") view=|| register(Register::Terms) />
                    <Route path=path!("/support") view=|| catalog(Catalog::Categories) />
                    <Route path=path!("/support/:category") view=|| catalog(Catalog::Category) />
                    <Route path=path!("/support/products/:product") view=|| catalog(Catalog::Product) />
                    <Route path=path!("/mysupport/recipients") view=|| my_support(MySupport::Recipients) />
                    <ParentRoute path=path!("/mysupport/recipients/new") view=|| my_support(MySupport::RecipientWizard)>
                        <Route path=path!("") view=|| my_support(MySupport::RecipientForm) />
                        <Route path=path!("confirm") view=|| my_support(MySupport::RecipientConfirm) />
                        <Route path=path!("done") view=|| my_support(MySupport::RecipientDone) />
                    </ParentRoute>
                    <ParentRoute path=path!("/mysupport/recipients/:id/edit") view=|| my_support(MySupport::RecipientWizard)>
                        <Route path=path!("") view=|| my_support(MySupport::RecipientForm) />
                        <Route path=path!("confirm") view=|| my_support(MySupport::RecipientConfirm) />
                        <Route path=path!("done") view=|| my_support(MySupport::RecipientDone) />
                    </ParentRoute>
                    <Route path=path!("/recipients/verify") view=|| my_support(MySupport::RecipientVerify) />
                    <Route path=path!("/mysupport/account") view=|| my_support(MySupport::Account) />
                    <Route path=path!("/account/email/confirm") view=|| my_support(MySupport::EmailConfirm) />
                    <Route path=path!("/mysupport/destinations") view=|| my_support(MySupport::Destinations) />
                    <Route path=path!("/mysupport/destinations/new") view=|| my_support(MySupport::DestinationForm) />
                    <Route path=path!("/mysupport/destinations/:id/verify") view=|| my_support(MySupport::DestinationVerify) />
                    <ParentRoute path=path!("/mysupport/subscriptions/:product/mail") view=|| my_support(MySupport::MailWizard)>
                        <Route path=path!("") view=|| my_support(MySupport::MailSettings) />
                        <Route path=path!("confirm") view=|| my_support(MySupport::MailConfirm) />
                        <Route path=path!("done") view=|| my_support(MySupport::MailDone) />
                    </ParentRoute>
                    <Route path=path!("/mysupport/integrations") view=|| my_support(MySupport::Integrations) />
                    <Route path=path!("/mysupport/deliveries") view=|| my_support(MySupport::Deliveries) />
                    <Route path=path!("/operator") view=|| operator(Operator::Home) />
                    <Route path=path!("/operator/catalog") view=|| operator(Operator::Catalog) />
                    <Route path=path!("/operator/templates") view=|| operator(Operator::Templates) />
                    <Route path=path!("/operator/notices/new") view=|| operator(Operator::NewNotice) />
                    <Route path=path!("/operator/notices/:id") view=|| operator(Operator::Notice) />
                    <Route path=path!("/operator/notices/:id/edit") view=|| operator(Operator::EditNotice) />
                    <Route path=path!("/status") view=|| catalog(Catalog::Status) />
                    <Route path=path!("/notices") view=notices::Notices />
                    <Route path=path!("/notices/:id") view=notices::NoticePage />
                    <Route path=path!("/unsubscribe/:token") view=|| mail_links(MailLink::Unsubscribe) />
                    <Route path=path!("/password-reset") view=|| mail_links(MailLink::PasswordReset) />
                    <Route path=path!("/password-reset/confirm") view=|| mail_links(MailLink::PasswordResetConfirm) />
                </Routes>
            </Layout>
        </Router>
    }
}
