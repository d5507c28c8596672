//! Personal API tokens over HTTP, on SQLite and PostgreSQL: their life cycle, and their
//! scopes checked against every operation of the OpenAPI document.

use api::clock::Clock;
use reqwest::Method;
use serde_json::{Value, json};
use shared::dto::{CreatedToken, RecipientView, SubscriptionView, TokenScope, TokenView};
use shirase_tests::backend_tests;
use shirase_tests::flows::{PASSWORD, customer, operator};

async fn create(
    app: &shirase_tests::TestApp,
    session: &str,
    scopes: &[&str],
) -> anyhow::Result<CreatedToken> {
    let res = app
        .post(
            "/api/v1/me/tokens",
            Some(session),
            json!({"name": "sync", "scopes": scopes}),
        )
        .await?;
    anyhow::ensure!(res.status == 201, "{res:?}");
    res.json()
}

/// Who may call an operation, as the document declares it.
enum Access {
    Public,
    /// Signed-in sessions only: tokens are refused.
    SessionOnly,
    /// Sessions, and tokens with this scope.
    Token(String),
}

struct Operation {
    method: Method,
    /// With its parameters filled in.
    path: String,
    access: Access,
    has_body: bool,
}

/// Every operation of the OpenAPI document.
fn operations() -> anyhow::Result<Vec<Operation>> {
    let doc = serde_json::to_value(api::openapi::document())?;
    let mut out = Vec::new();
    let paths = doc["paths"]
        .as_object()
        .ok_or_else(|| anyhow::anyhow!("no paths"))?;
    for (path, item) in paths {
        for (method, op) in item.as_object().into_iter().flatten() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            let security = op["security"].as_array().cloned().unwrap_or_default();
            let access = if security.is_empty() {
                Access::Public
            } else {
                security
                    .iter()
                    .find_map(|req| req.get("token"))
                    .map_or(Access::SessionOnly, |scopes| {
                        Access::Token(scopes[0].as_str().unwrap_or("(none)").to_owned())
                    })
            };
            let filled = path
                .replace("{product}", "id-federation")
                .replace("{token}", &"A".repeat(43))
                .replace("{kind}", "outage")
                .replace("{id}", "0190f7e4-0000-7000-8000-000000000000");
            // Required query parameters get a value of the right shape: a missing one would be
            // refused before the credentials are looked at.
            let query: Vec<String> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query" && p["required"] == true)
                .map(|p| {
                    format!(
                        "{}=2026-12-01T00:00:00Z",
                        p["name"].as_str().unwrap_or_default()
                    )
                })
                .collect();
            let filled = match query.is_empty() {
                true => filled,
                false => format!("{filled}?{}", query.join("&")),
            };
            out.push(Operation {
                method,
                path: filled,
                access,
                has_body: op.get("requestBody").is_some(),
            });
        }
    }
    Ok(out)
}

backend_tests! {
    async fn tokens_are_shown_once_used_expired_and_revoked(app: TestApp) -> anyhow::Result<()> {
        let session = customer(&app, "owner@example.com").await?.access_token;
        let expires = (app.clock.now() + chrono::Duration::days(30)).to_rfc3339();
        let res = app
            .post(
                "/api/v1/me/tokens",
                Some(&session),
                json!({"name": " monitoring ", "scopes": ["read"], "expires_at": expires}),
            )
            .await?;
        assert_eq!(res.status, 201, "{res:?}");
        let created: CreatedToken = res.json()?;
        assert!(created.secret.starts_with("shirase_"), "{}", created.secret);
        assert_eq!(created.token.name, "monitoring");
        assert_eq!(created.token.scopes, vec![TokenScope::Read]);
        assert_eq!(created.token.last_used_at, None);

        // The secret is stored hashed: no column holds it.
        let secret = created.secret.clone();
        let stored = app
            .db(move |conn| {
                use diesel::prelude::*;
                use api::schema::api_tokens::dsl::*;
                Ok(api_tokens.select((token_hash, name)).load::<(String, String)>(conn)?)
            })
            .await?;
        assert_eq!(stored.len(), 1);
        assert!(!stored[0].0.contains(&secret[8..]) && stored[0].0.len() == 64);

        let subs = app.get("/api/v1/me/subscriptions", Some(&created.secret)).await?;
        assert_eq!(subs.status, 200, "{subs:?}");
        let list: Vec<TokenView> = app.get("/api/v1/me/tokens", Some(&session)).await?.json()?;
        assert_eq!(list.len(), 1);
        assert!(list[0].last_used_at.is_some(), "use is recorded");
        assert!(!app.get("/api/v1/me/tokens", Some(&session)).await?.body.to_string().contains(&created.secret));

        // Expiry, on the application's own clock.
        app.clock.advance(chrono::Duration::days(31));
        let expired = app.get("/api/v1/me/subscriptions", Some(&created.secret)).await?;
        assert_eq!(expired.status, 401);

        let session = shirase_tests::flows::login(&app, "owner@example.com", PASSWORD).await?.body["access_token"]
            .as_str().unwrap_or_default().to_owned();
        let other = create(&app, &session, &["read"]).await?;
        assert_eq!(app.get("/api/v1/me/subscriptions", Some(&other.secret)).await?.status, 200);
        let res = app.call(Method::DELETE, &format!("/api/v1/me/tokens/{}", other.token.id), Some(&session), None).await?;
        assert_eq!(res.status, 204);
        assert_eq!(app.get("/api/v1/me/subscriptions", Some(&other.secret)).await?.status, 401);
        let again = app.call(Method::DELETE, &format!("/api/v1/me/tokens/{}", other.token.id), Some(&session), None).await?;
        assert_eq!(again.status, 404);

        // A forged secret of the right shape, and one of the wrong shape.
        let forged = format!("shirase_{}", "A".repeat(43));
        assert_eq!(app.get("/api/v1/me/subscriptions", Some(&forged)).await?.status, 401);
        assert_eq!(app.get("/api/v1/me/subscriptions", Some("shirase_x")).await?.status, 401);
        Ok(())
    }

    async fn bad_token_requests_get_field_codes_and_a_limit(app: TestApp) -> anyhow::Result<()> {
        let session = customer(&app, "owner@example.com").await?.access_token;
        let res = app
            .post(
                "/api/v1/me/tokens",
                Some(&session),
                json!({"name": "", "scopes": ["read", "admin"], "expires_at": "2000-01-01T00:00:00Z"}),
            )
            .await?;
        assert_eq!(res.status, 400);
        let mut errors = res.field_errors()?;
        errors.sort();
        assert_eq!(
            errors,
            vec![
                ("expires_at".into(), "in_past".into()),
                ("name".into(), "required".into()),
                ("scopes".into(), "invalid_value".into()),
            ]
        );
        let res = app.post("/api/v1/me/tokens", Some(&session), json!({"name": "x", "scopes": []})).await?;
        assert_eq!(res.field_errors()?, vec![("scopes".into(), "required".into())]);
        assert_eq!(shirase_tests::flows::count(&app, "api_tokens").await?, 0, "nothing half-written");

        for _ in 0..20 {
            create(&app, &session, &["read"]).await?;
        }
        let res = app.post("/api/v1/me/tokens", Some(&session), json!({"name": "x", "scopes": ["read"]})).await?;
        assert_eq!(res.status, 409);
        assert_eq!(shirase_tests::flows::count(&app, "api_tokens").await?, 20);
        Ok(())
    }

    async fn a_token_acts_for_its_own_account_only(app: TestApp) -> anyhow::Result<()> {
        let alice = customer(&app, "alice@example.com").await?.access_token;
        let bob = customer(&app, "bob@example.com").await?.access_token;
        let alice_token = create(&app, &alice, &["read", "manage"]).await?;
        let bobs: Vec<RecipientView> = app.get("/api/v1/me/recipients", Some(&bob)).await?.json()?;
        let bob_token = create(&app, &bob, &["read"]).await?;

        let put = app.call(Method::PUT, "/api/v1/me/subscriptions/id-federation", Some(&alice_token.secret), None).await?;
        assert_eq!(put.status, 201, "{put:?}");
        let mine: Vec<SubscriptionView> = app.get("/api/v1/me/subscriptions", Some(&alice)).await?.json()?;
        assert_eq!(mine.len(), 1);
        let theirs: Vec<SubscriptionView> = app.get("/api/v1/me/subscriptions", Some(&bob_token.secret)).await?.json()?;
        assert!(theirs.is_empty());
        let peek = app.get(&format!("/api/v1/me/recipients/{}", bobs[0].id), Some(&alice_token.secret)).await?;
        assert_eq!(peek.status, 404);
        let revoke = app.call(Method::DELETE, &format!("/api/v1/me/tokens/{}", bob_token.token.id), Some(&alice), None).await?;
        assert_eq!(revoke.status, 404, "one account cannot revoke another's token");
        assert_eq!(app.get("/api/v1/me/subscriptions", Some(&bob_token.secret)).await?.status, 200);

        // Deleting the account takes a token through none of it, and ends its tokens.
        let res = app.call(Method::DELETE, "/api/v1/me", Some(&alice_token.secret), Some(json!({"password": PASSWORD}))).await?;
        assert_eq!(res.status, 403);
        let res = app.call(Method::DELETE, "/api/v1/me", Some(&alice), Some(json!({"password": PASSWORD}))).await?;
        assert_eq!(res.status, 204, "{res:?}");
        assert_eq!(app.get("/api/v1/me/subscriptions", Some(&alice_token.secret)).await?.status, 401);
        Ok(())
    }

    async fn scopes_are_enforced_on_every_operation(app: TestApp) -> anyhow::Result<()> {
        // An operator's tokens: operator endpoints must refuse them because they are tokens,
        // not because of the role.
        let session = operator(&app, "ops@example.com").await?;
        let read = create(&app, &session, &["read"]).await?.secret;
        let manage = create(&app, &session, &["manage"]).await?.secret;
        let both = create(&app, &session, &["read", "manage"]).await?.secret;
        let bounces = create(&app, &session, &["bounces"]).await?.secret;

        let mut scoped = Vec::new();
        for Operation { method, path, access, has_body } in operations()? {
            let body = has_body.then(|| json!({}));
            match access {
                // A token changes nothing there.
                Access::Public => {}
                Access::SessionOnly => {
                    let res = app.call(method.clone(), &path, Some(&both), body).await?;
                    assert_eq!(res.status, 403, "{method} {path} must refuse tokens: {res:?}");
                    assert!(res.body["detail"].as_str().unwrap_or_default().contains("API tokens cannot be used here"), "{method} {path}: {res:?}");
                }
                Access::Token(scope) => {
                    let (right, wrong) = match scope.as_str() {
                        "read" => (&read, &manage),
                        "manage" => (&manage, &read),
                        "bounces" => (&bounces, &both),
                        other => anyhow::bail!("unknown scope {other}"),
                    };
                    let res = app.call(method.clone(), &path, Some(wrong), body.clone()).await?;
                    assert_eq!(res.status, 403, "{method} {path} without `{scope}`: {res:?}");
                    let res = app.call(method.clone(), &path, Some(right), body).await?;
                    assert!(![401, 403].contains(&res.status.as_u16()), "{method} {path} with `{scope}`: {res:?}");
                    let path = path.split('?').next().unwrap_or_default();
                    scoped.push(format!("{scope} {method} {}", path.replace("0190f7e4-0000-7000-8000-000000000000", "{id}")));
                }
            }
        }
        scoped.sort();
        let expected: Vec<Value> = serde_json::from_value(json!([
            "bounces POST /api/v1/bounces",
            "manage DELETE /api/v1/me/destinations/{id}",
            "manage DELETE /api/v1/me/recipients/{id}",
            "manage DELETE /api/v1/me/recipients/{id}/opt-outs/id-federation/outage",
            "manage DELETE /api/v1/me/subscriptions/id-federation",
            "manage PATCH /api/v1/me/destinations/{id}",
            "manage PATCH /api/v1/me/recipients/{id}",
            "manage PATCH /api/v1/me/subscriptions/id-federation",
            "manage POST /api/v1/me/destinations",
            "manage POST /api/v1/me/destinations/{id}/resumption",
            "manage POST /api/v1/me/destinations/{id}/secret",
            "manage POST /api/v1/me/destinations/{id}/tests",
            "manage POST /api/v1/me/destinations/{id}/verification",
            "manage POST /api/v1/me/recipients",
            "manage POST /api/v1/me/recipients/{id}/resumption",
            "manage POST /api/v1/me/recipients/{id}/verification",
            "manage PUT /api/v1/me/subscriptions/id-federation",
            "read GET /api/v1/me/coverage",
            "read GET /api/v1/me/deliveries",
            "read GET /api/v1/me/destinations",
            "read GET /api/v1/me/recipients",
            "read GET /api/v1/me/recipients-preview",
                        "read GET /api/v1/me/recipients/{id}",
            "read GET /api/v1/me/recipients/{id}/preview",
            "read GET /api/v1/me/subscriptions",
        ]))?;
        let expected: Vec<String> = expected.into_iter().map(|v| v.as_str().unwrap_or_default().to_owned()).collect();
        assert_eq!(scoped, expected, "the operations a token may reach");
        Ok(())
    }
}
