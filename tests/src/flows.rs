//! Steps that many tests share: signing up, activating, becoming a customer or an operator,
//! publishing a notice.

use anyhow::ensure;
use serde_json::{Value, json};
use shared::dto::{PublicationReceipt, SessionTokens};

use crate::TestApp;
use crate::app::Answer;

pub const PASSWORD: &str = "correct horse battery";

pub fn signup(email: &str) -> Value {
    json!({
        "email": email,
        "password": PASSWORD,
        "family_name": "山田",
        "given_name": "太郎",
        "company": "Example 株式会社",
        "department": "情報システム部",
        "phone": "03-1234-5678",
        "language": "ja",
    })
}

/// Signs up and returns the activation token read from the mail that arrived.
pub async fn register(app: &TestApp, email: &str) -> anyhow::Result<String> {
    let before = app.smtp.to(email).len();
    let res = app
        .post("/api/v1/registrations", None, signup(email))
        .await?;
    ensure!(res.status == 202, "{res:?}");
    let mail = app.smtp.wait_for_nth(email, before + 1).await?;
    mail.token_in("/register/activate?token=")
        .ok_or_else(|| anyhow::anyhow!("no activation link in: {}", mail.text))
}

pub async fn activate(app: &TestApp, token: &str) -> anyhow::Result<SessionTokens> {
    let res = app
        .post(
            &format!("/api/v1/registrations/{token}/activation"),
            None,
            json!({"password": PASSWORD}),
        )
        .await?;
    ensure!(res.status == 201, "{res:?}");
    res.json()
}

/// A customer who went through sign-up, activation and the terms: ready for My Support.
pub async fn customer(app: &TestApp, email: &str) -> anyhow::Result<SessionTokens> {
    let token = register(app, email).await?;
    let tokens = activate(app, &token).await?;
    let terms = app.get("/api/v1/terms", None).await?;
    let version = terms.body["version"].clone();
    let res = app
        .post(
            "/api/v1/me/terms-acceptance",
            Some(&tokens.access_token),
            json!({"version": version}),
        )
        .await?;
    ensure!(res.status == 204, "{res:?}");
    Ok(tokens)
}

/// A customer granted the operator role; returns the access token.
pub async fn operator(app: &TestApp, email: &str) -> anyhow::Result<String> {
    let tokens = customer(app, email).await?;
    let email = email.to_owned();
    app.db(move |conn| {
        Ok(api::models::account::Account::set_role(
            conn, &email, "operator",
        )?)
    })
    .await?;
    Ok(tokens.access_token)
}

/// Runs `f` while a dispatcher of the test's own works, in an application that runs none
/// (`Mode::no_dispatcher`): it sends nothing otherwise, not even the mails sign-up waits for.
pub async fn meanwhile<T>(
    app: &TestApp,
    f: impl Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let helper = tokio::spawn(app.dispatcher(&app.smtp)?.run(stopped));
    let result = f.await;
    let _ = stop.send(true);
    helper.await?;
    result
}

/// An operator in an application that runs no dispatcher of its own (`Mode::no_dispatcher`):
/// the sign-up's mails go through one the test runs while it lasts.
pub async fn operator_meanwhile(app: &TestApp, email: &str) -> anyhow::Result<String> {
    meanwhile(app, operator(app, email)).await
}

/// A fresh access token for an account signed up with [`PASSWORD`] (after the clock was
/// moved past the last one's life).
pub async fn token(app: &TestApp, email: &str) -> anyhow::Result<String> {
    let res = login(app, email, PASSWORD).await?;
    ensure!(res.status == 201 || res.status == 200, "{res:?}");
    Ok(res.body["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned())
}

pub async fn login(app: &TestApp, email: &str, password: &str) -> anyhow::Result<Answer> {
    app.post(
        "/api/v1/sessions",
        None,
        json!({"email": email, "password": password}),
    )
    .await
}

pub async fn count(app: &TestApp, table: &'static str) -> anyhow::Result<i64> {
    app.db(move |conn| {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        use diesel::RunQueryDsl;
        let c: Count =
            diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}")).get_result(conn)?;
        Ok(c.n)
    })
    .await
}

/// Creates and publishes a notice; returns its id and the receipt.
pub async fn publish(
    app: &TestApp,
    op: &str,
    draft: Value,
) -> anyhow::Result<(String, PublicationReceipt)> {
    let res = app.post("/api/v1/notices", Some(op), draft).await?;
    anyhow::ensure!(res.status == 201, "{res:?}");
    let id = res.body["id"].as_str().unwrap_or_default().to_owned();
    let res = app
        .post(
            &format!("/api/v1/notices/{id}/publication"),
            Some(op),
            json!({}),
        )
        .await?;
    anyhow::ensure!(res.status == 202, "{res:?}");
    Ok((id, res.json()?))
}

/// The code a problem response gives `field`, if any.
pub fn field_code(body: &serde_json::Value, field: &str) -> Option<String> {
    body["errors"]
        .as_array()?
        .iter()
        .find(|e| e["field"] == field)
        .and_then(|e| e["code"].as_str())
        .map(str::to_owned)
}
