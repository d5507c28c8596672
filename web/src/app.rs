use leptos::prelude::*;
use leptos_router::ChooseView;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::components::Layout;
use crate::components::layout::{SignedIn, has_session};
use crate::i18n::Lang;
use crate::lazy::{
    Account, Area, Catalog, Destinations, Integrations, MailLink, MySupport, NoticeEditor, Notices,
    Operator, OperatorAdmin, OperatorNotice, Recipients, Register,
};
use crate::pages::{self, destinations};

/// What a route shows: a page of the first screen, or a page of one of the areas loaded on
/// demand. One type for every route: the router compiles its code for choosing and
/// preloading a view once per type, and a closure per route would be a type per route.
#[derive(Clone, Copy)]
enum Page {
    Home,
    Login,
    Area(Area),
}

impl ChooseView for Page {
    async fn choose(self) -> AnyView {
        match self {
            Page::Home => pages::Home().into_any(),
            Page::Login => pages::Login().into_any(),
            Page::Area(area) => area.show(),
        }
    }

    async fn preload(&self) {}
}

/// A route's view in one of the areas loaded on demand.
fn area(page: impl Into<Area>) -> Page {
    Page::Area(page.into())
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
                    <ParentRoute path=path!("/register") view=area(Register::Wizard)>
                        <Route path=path!("") view=area(Register::Form) />
                        <Route path=path!("confirm") view=area(Register::Confirm) />
                        <Route path=path!("sent") view=area(Register::Sent) />
                        <Route path=path!("activate") view=area(Register::Activate) />
                        <Route path=path!("complete") view=area(Register::Complete) />
                        <Route path=path!("expired") view=area(Register::Expired) />
                    </ParentRoute>
                    <Route path=path!("/login") view=Page::Login />
                    <Route path=path!("/mysupport") view=area(MySupport::Home) />
                    <Route path=path!("/terms") view=area(Register::Terms) />
                    <Route path=path!("/support") view=area(Catalog::Categories) />
                    <Route path=path!("/support/:category") view=area(Catalog::Category) />
                    <Route path=path!("/support/products/:product") view=area(Catalog::Product) />
                    <Route path=path!("/mysupport/recipients") view=area(Recipients::List) />
                    <ParentRoute path=path!("/mysupport/recipients/new") view=area(Recipients::Wizard)>
                        <Route path=path!("") view=area(Recipients::Form) />
                        <Route path=path!("confirm") view=area(Recipients::Confirm) />
                        <Route path=path!("done") view=area(Recipients::Done) />
                    </ParentRoute>
                    <ParentRoute path=path!("/mysupport/recipients/:id/edit") view=area(Recipients::Wizard)>
                        <Route path=path!("") view=area(Recipients::Form) />
                        <Route path=path!("confirm") view=area(Recipients::Confirm) />
                        <Route path=path!("done") view=area(Recipients::Done) />
                    </ParentRoute>
                    <Route path=path!("/recipients/verify") view=area(Recipients::Verify) />
                    <Route path=path!("/mysupport/account") view=area(Account::Settings) />
                    <Route path=path!("/account/email/confirm") view=area(Account::EmailConfirm) />
                    <Route path=path!("/mysupport/destinations") view=area(Destinations::List) />
                    <Route path=path!("/mysupport/destinations/new") view=area(Destinations::Form) />
                    <Route path=path!("/mysupport/destinations/:id/verify") view=area(Destinations::Verify) />
                    <ParentRoute path=path!("/mysupport/subscriptions/:product/mail") view=area(MySupport::MailWizard)>
                        <Route path=path!("") view=area(MySupport::MailSettings) />
                        <Route path=path!("confirm") view=area(MySupport::MailConfirm) />
                        <Route path=path!("done") view=area(MySupport::MailDone) />
                    </ParentRoute>
                    <Route path=path!("/mysupport/integrations") view=area(Integrations::Home) />
                    <Route path=path!("/mysupport/deliveries") view=area(Account::Deliveries) />
                    <Route path=path!("/operator") view=area(Operator::Home) />
                    <Route path=path!("/operator/catalog") view=area(OperatorAdmin::Catalog) />
                    <Route path=path!("/operator/templates") view=area(OperatorAdmin::Templates) />
                    <Route path=path!("/operator/notices/new") view=area(NoticeEditor::New) />
                    <Route path=path!("/operator/notices/:id") view=area(OperatorNotice::Page) />
                    <Route path=path!("/operator/notices/:id/edit") view=area(NoticeEditor::Edit) />
                    <Route path=path!("/status") view=area(Catalog::Status) />
                    <Route path=path!("/notices") view=area(Notices::List) />
                    <Route path=path!("/notices/:id") view=area(Notices::Page) />
                    <Route path=path!("/unsubscribe/:token") view=area(MailLink::Unsubscribe) />
                    <Route path=path!("/password-reset") view=area(MailLink::PasswordReset) />
                    <Route path=path!("/password-reset/confirm") view=area(MailLink::PasswordResetConfirm) />
                </Routes>
            </Layout>
        </Router>
    }
}
