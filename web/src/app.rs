use leptos::prelude::*;
use leptos_router::ChooseView;
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

/// What a route shows: a page of the first screen, or a page of one of the areas loaded on
/// demand. One type for every route: the router compiles its code for choosing and
/// preloading a view once per type, and a closure per route would be a type per route.
#[derive(Clone, Copy)]
enum Page {
    Home,
    Login,
    Notices,
    Notice,
    Register(Register),
    MySupport(MySupport),
    Catalog(Catalog),
    MailLink(MailLink),
    Operator(Operator),
}

impl ChooseView for Page {
    async fn choose(self) -> AnyView {
        match self {
            Page::Home => pages::Home().into_any(),
            Page::Login => pages::Login().into_any(),
            Page::Notices => notices::Notices().into_any(),
            Page::Notice => notices::NoticePage().into_any(),
            Page::Register(page) => register(page).into_any(),
            Page::MySupport(page) => my_support(page).into_any(),
            Page::Catalog(page) => catalog(page).into_any(),
            Page::MailLink(page) => mail_links(page).into_any(),
            Page::Operator(page) => operator(page).into_any(),
        }
    }

    async fn preload(&self) {}
}

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
                    <Route path=path!("/") view=Page::Home />
                    <ParentRoute path=path!("/register") view=Page::Register(Register::Wizard)>
                        <Route path=path!("") view=Page::Register(Register::Form) />
                        <Route path=path!("confirm") view=Page::Register(Register::Confirm) />
                        <Route path=path!("sent") view=Page::Register(Register::Sent) />
                        <Route path=path!("activate") view=Page::Register(Register::Activate) />
                        <Route path=path!("complete") view=Page::Register(Register::Complete) />
                        <Route path=path!("expired") view=Page::Register(Register::Expired) />
                    </ParentRoute>
                    <Route path=path!("/login") view=Page::Login />
                    <Route path=path!("/mysupport") view=Page::MySupport(MySupport::Home) />
                    <Route path=path!("/terms") view=Page::Register(Register::Terms) />
                    <Route path=path!("/support") view=Page::Catalog(Catalog::Categories) />
                    <Route path=path!("/support/:category") view=Page::Catalog(Catalog::Category) />
                    <Route path=path!("/support/products/:product") view=Page::Catalog(Catalog::Product) />
                    <Route path=path!("/mysupport/recipients") view=Page::MySupport(MySupport::Recipients) />
                    <ParentRoute path=path!("/mysupport/recipients/new") view=Page::MySupport(MySupport::RecipientWizard)>
                        <Route path=path!("") view=Page::MySupport(MySupport::RecipientForm) />
                        <Route path=path!("confirm") view=Page::MySupport(MySupport::RecipientConfirm) />
                        <Route path=path!("done") view=Page::MySupport(MySupport::RecipientDone) />
                    </ParentRoute>
                    <ParentRoute path=path!("/mysupport/recipients/:id/edit") view=Page::MySupport(MySupport::RecipientWizard)>
                        <Route path=path!("") view=Page::MySupport(MySupport::RecipientForm) />
                        <Route path=path!("confirm") view=Page::MySupport(MySupport::RecipientConfirm) />
                        <Route path=path!("done") view=Page::MySupport(MySupport::RecipientDone) />
                    </ParentRoute>
                    <Route path=path!("/recipients/verify") view=Page::MySupport(MySupport::RecipientVerify) />
                    <Route path=path!("/mysupport/account") view=Page::MySupport(MySupport::Account) />
                    <Route path=path!("/account/email/confirm") view=Page::MySupport(MySupport::EmailConfirm) />
                    <Route path=path!("/mysupport/destinations") view=Page::MySupport(MySupport::Destinations) />
                    <Route path=path!("/mysupport/destinations/new") view=Page::MySupport(MySupport::DestinationForm) />
                    <Route path=path!("/mysupport/destinations/:id/verify") view=Page::MySupport(MySupport::DestinationVerify) />
                    <ParentRoute path=path!("/mysupport/subscriptions/:product/mail") view=Page::MySupport(MySupport::MailWizard)>
                        <Route path=path!("") view=Page::MySupport(MySupport::MailSettings) />
                        <Route path=path!("confirm") view=Page::MySupport(MySupport::MailConfirm) />
                        <Route path=path!("done") view=Page::MySupport(MySupport::MailDone) />
                    </ParentRoute>
                    <Route path=path!("/mysupport/integrations") view=Page::MySupport(MySupport::Integrations) />
                    <Route path=path!("/mysupport/deliveries") view=Page::MySupport(MySupport::Deliveries) />
                    <Route path=path!("/operator") view=Page::Operator(Operator::Home) />
                    <Route path=path!("/operator/catalog") view=Page::Operator(Operator::Catalog) />
                    <Route path=path!("/operator/templates") view=Page::Operator(Operator::Templates) />
                    <Route path=path!("/operator/notices/new") view=Page::Operator(Operator::NewNotice) />
                    <Route path=path!("/operator/notices/:id") view=Page::Operator(Operator::Notice) />
                    <Route path=path!("/operator/notices/:id/edit") view=Page::Operator(Operator::EditNotice) />
                    <Route path=path!("/status") view=Page::Catalog(Catalog::Status) />
                    <Route path=path!("/notices") view=Page::Notices />
                    <Route path=path!("/notices/:id") view=Page::Notice />
                    <Route path=path!("/unsubscribe/:token") view=Page::MailLink(MailLink::Unsubscribe) />
                    <Route path=path!("/password-reset") view=Page::MailLink(MailLink::PasswordReset) />
                    <Route path=path!("/password-reset/confirm") view=Page::MailLink(MailLink::PasswordResetConfirm) />
                </Routes>
            </Layout>
        </Router>
    }
}
