//! The support-ID flow and account rules, over HTTP, on SQLite and PostgreSQL.

use serde_json::json;
use shared::dto::{AccountView, RegistrationStatus, SessionTokens};
use shirase_tests::backend_tests;
use shirase_tests::flows::{PASSWORD, activate, count, customer, login, register, signup};

backend_tests! {
    async fn login_address_change_is_confirmed_by_the_new_address(app: TestApp) -> anyhow::Result<()> {
        let old = "hanako@example.com";
        let session = customer(&app, old).await?;
        let t = session.access_token.clone();
        customer(&app, "taken@example.com").await?;
        let change = |body: serde_json::Value| {
            let (app, t) = (&app, t.clone());
            async move { app.post("/api/v1/me/email-change", Some(&t), body).await }
        };
        // Bad input: field codes, and nothing mailed.
        let res = change(json!({"new_email": "not an address", "password": ""})).await?;
        assert_eq!(res.field_errors()?, vec![("new_email".into(), "invalid_email".into()), ("password".into(), "required".into())]);
        let res = change(json!({"new_email": old, "password": PASSWORD})).await?;
        assert_eq!(res.field_errors()?, vec![("new_email".into(), "unchanged".into())]);
        let res = change(json!({"new_email": "new@example.com", "password": "not the password"})).await?;
        assert_eq!(res.field_errors()?, vec![("password".into(), "incorrect".into())]);
        assert_eq!(count(&app, "email_changes").await?, 0);

        // An address another support ID has: the same answer, and no link goes anywhere.
        let res = change(json!({"new_email": "taken@example.com", "password": PASSWORD})).await?;
        assert_eq!(res.status, 202);
        let notice = app.smtp.wait_for_nth(old, 2).await?;
        assert!(notice.text.contains("t***@example.com"), "{}", notice.text);
        assert_eq!(app.smtp.to("taken@example.com").len(), 1, "only its own activation mail");

        let res = change(json!({"new_email": "New@Example.com", "password": PASSWORD})).await?;
        assert_eq!(res.status, 202);
        // The old address is told, masked; the new one gets the link.
        let notice = app.smtp.wait_for_nth(old, 3).await?;
        assert!(notice.subject.contains("ログインIDの変更"), "{}", notice.subject);
        assert!(notice.text.contains("n***@example.com") && !notice.text.contains("new@example.com"), "{}", notice.text);
        let mail = app.smtp.wait_for("new@example.com").await?;
        let token = mail.token_in("/account/email/confirm?token=").ok_or_else(|| anyhow::anyhow!("no link in {}", mail.text))?;
        // Nothing changes until it is confirmed.
        let me: AccountView = app.get("/api/v1/me", Some(&t)).await?.json()?;
        assert_eq!(me.email, old);
        assert_eq!(login(&app, "new@example.com", PASSWORD).await?.status, 401);

        let link = format!("/api/v1/email-changes/{token}");
        let status: shared::dto::EmailChangeStatus = app.get(&link, None).await?.json()?;
        assert_eq!(status.email_masked, "n***@example.com");
        assert_eq!(app.post(&link, None, json!({})).await?.status, 204);
        let me: AccountView = app.get("/api/v1/me", Some(&t)).await?.json()?;
        assert_eq!(me.email, "new@example.com", "the session goes on, with the new login ID");
        assert_eq!(login(&app, old, PASSWORD).await?.status, 401);
        assert_eq!(login(&app, "new@example.com", PASSWORD).await?.status, 200);
        // The first delivery address followed, still verified.
        let list: Vec<shared::dto::RecipientView> = app.get("/api/v1/me/recipients", Some(&t)).await?.json()?;
        assert_eq!(list.iter().map(|r| (r.email.as_str(), r.status)).collect::<Vec<_>>(), [("new@example.com", shared::dto::RecipientStatus::Verified)]);
        // The link works once; an unknown one is not found; a link expires after 24 h.
        assert_eq!(app.post(&link, None, json!({})).await?.status, 410);
        assert_eq!(app.get(&link, None).await?.status, 410);
        assert_eq!(app.post("/api/v1/email-changes/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", None, json!({})).await?.status, 404);
        change_and_wait_out(&app, &t).await?;
        Ok(())
    }

    async fn happy_path_from_sign_up_to_my_support(app: TestApp) -> anyhow::Result<()> {
        let email = "taro@example.com";
        let res = app.post("/api/v1/registrations", None, signup(email)).await?;
        assert_eq!(res.status, 202);
        assert_eq!(res.body["email_masked"], "t***@example.com");

        let mail = app.smtp.wait_for(email).await?;
        assert!(mail.subject.contains("本登録"), "{}", mail.subject);
        assert!(mail.html.contains("本登録へ進む"));
        let token = mail.token_in("/register/activate?token=").ok_or_else(|| anyhow::anyhow!("no link"))?;
        assert!(token.len() >= 22, "at least 128 bits");

        let status: RegistrationStatus = app.get(&format!("/api/v1/registrations/{token}"), None).await?.json()?;
        assert_eq!(status.email_masked, "t***@example.com");
        // PostgreSQL keeps microseconds, so allow for the truncation.
        let seconds = (status.expires_at - api::clock::Clock::now(&app.clock)).num_seconds();
        assert!((24 * 3600 - 1..=24 * 3600).contains(&seconds), "{seconds}");

        let tokens = activate(&app, &token).await?;
        assert_eq!(tokens.account.email, email);
        assert!(!tokens.account.terms_accepted);

        // Before the terms: GET /me answers, My Support does not.
        let me = app.get("/api/v1/me", Some(&tokens.access_token)).await?;
        assert_eq!(me.status, 200);
        let me: AccountView = me.json()?;
        assert_eq!((me.family_name.as_str(), me.department.as_deref()), ("山田", Some("情報システム部")));
        let res = app.call(reqwest::Method::PATCH, "/api/v1/me", Some(&tokens.access_token), Some(json!({"company": "X"}))).await?;
        assert_eq!(res.status, 403);
        assert_eq!(res.problem()?.type_, "urn:shirase:problem:terms-not-accepted");

        let terms = app.get("/api/v1/terms", None).await?;
        let version = terms.body["version"].as_str().unwrap_or_default().to_owned();
        assert!(terms.body["body_ja"].as_str().unwrap_or_default().contains("第1条"));
        let res = app.post("/api/v1/me/terms-acceptance", Some(&tokens.access_token), json!({"version": "1999-01-01"})).await?;
        assert_eq!(res.field_errors()?, vec![("version".into(), "not_current".into())]);
        let res = app.post("/api/v1/me/terms-acceptance", Some(&tokens.access_token), json!({"version": version})).await?;
        assert_eq!(res.status, 204);

        let me: AccountView = app.get("/api/v1/me", Some(&tokens.access_token)).await?.json()?;
        assert!(me.terms_accepted);
        let res = app.call(reqwest::Method::PATCH, "/api/v1/me", Some(&tokens.access_token), Some(json!({"company": "New 株式会社", "phone": ""}))).await?;
        assert_eq!(res.status, 200, "{res:?}");
        let me: AccountView = res.json()?;
        assert_eq!((me.company.as_str(), me.phone), ("New 株式会社", None));
        Ok(())
    }

    async fn wrong_password_at_activation_is_refused_and_link_stays_usable(app: TestApp) -> anyhow::Result<()> {
        let token = register(&app, "hanako@example.com").await?;
        let res = app.post(&format!("/api/v1/registrations/{token}/activation"), None, json!({"password": "not the password"})).await?;
        assert_eq!(res.status, 400);
        assert_eq!(res.field_errors()?, vec![("password".into(), "incorrect".into())]);
        assert_eq!(count(&app, "accounts").await?, 0);
        activate(&app, &token).await?;
        Ok(())
    }

    async fn expired_link_answers_410(app: TestApp) -> anyhow::Result<()> {
        let token = register(&app, "late@example.com").await?;
        app.clock.advance(chrono::Duration::hours(24) - chrono::Duration::seconds(1));
        assert_eq!(app.get(&format!("/api/v1/registrations/{token}"), None).await?.status, 200);
        app.clock.advance(chrono::Duration::seconds(1));
        let res = app.get(&format!("/api/v1/registrations/{token}"), None).await?;
        assert_eq!(res.status, 410);
        assert_eq!(res.problem()?.type_, "urn:shirase:problem:link-expired");
        let res = app.post(&format!("/api/v1/registrations/{token}/activation"), None, json!({"password": PASSWORD})).await?;
        assert_eq!(res.status, 410);
        assert_eq!(count(&app, "accounts").await?, 0);
        Ok(())
    }

    async fn used_link_answers_410_and_unknown_404(app: TestApp) -> anyhow::Result<()> {
        let token = register(&app, "once@example.com").await?;
        activate(&app, &token).await?;
        assert_eq!(app.get(&format!("/api/v1/registrations/{token}"), None).await?.status, 410);
        let again = app.post(&format!("/api/v1/registrations/{token}/activation"), None, json!({"password": PASSWORD})).await?;
        assert_eq!(again.status, 410);
        let unknown = "A".repeat(43);
        assert_eq!(app.get(&format!("/api/v1/registrations/{unknown}"), None).await?.status, 404);
        assert_eq!(app.get("/api/v1/registrations/short", None).await?.status, 404);
        assert_eq!(count(&app, "accounts").await?, 1);
        Ok(())
    }

    async fn a_new_sign_up_replaces_the_pending_one(app: TestApp) -> anyhow::Result<()> {
        let first = register(&app, "twice@example.com").await?;
        let second = register(&app, "twice@example.com").await?;
        assert_ne!(first, second);
        assert_eq!(app.get(&format!("/api/v1/registrations/{first}"), None).await?.status, 410);
        activate(&app, &second).await?;
        Ok(())
    }

    async fn sign_up_for_an_existing_account_answers_the_same(app: TestApp) -> anyhow::Result<()> {
        let email = "known@example.com";
        let fresh = app.post("/api/v1/registrations", None, signup("new@example.com")).await?;
        customer(&app, email).await?;
        let existing = app.post("/api/v1/registrations", None, signup(email)).await?;
        assert_eq!(existing.status, fresh.status);
        assert_eq!(existing.body["expires_in"], fresh.body["expires_in"]);
        assert_eq!(
            existing.body.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()),
            fresh.body.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>())
        );
        let mail = app.smtp.wait_for_nth(email, 2).await?;
        assert!(mail.subject.contains("すでに登録"), "{}", mail.subject);
        assert!(mail.link_with("/register/activate").is_none());
        assert!(mail.link_with("/password-reset").is_some());
        assert_eq!(count(&app, "registrations").await?, 2, "no registration for the known address");
        Ok(())
    }

    async fn english_accounts_get_english_mail(app: TestApp) -> anyhow::Result<()> {
        let mut body = signup("en@example.com");
        body["language"] = json!("en");
        app.post("/api/v1/registrations", None, body).await?;
        let mail = app.smtp.wait_for("en@example.com").await?;
        assert!(mail.subject.contains("Complete your customer support ID"), "{}", mail.subject);
        assert!(mail.text.contains("Dear 太郎 山田"));
        Ok(())
    }

    async fn terms_gate_and_new_terms_versions(app: TestApp) -> anyhow::Result<()> {
        let customer_tokens = customer(&app, "c@example.com").await?;
        let operator_tokens = customer(&app, "op@example.com").await?;
        let draft = json!({
            "version": "2027-01-01", "title_ja": "規約 改定", "title_en": "Terms, revised",
            "body_ja": "第1条\n改定しました。", "body_en": "Article 1\nRevised.",
        });
        // Customers may not publish terms.
        let res = app.post("/api/v1/terms", Some(&customer_tokens.access_token), draft.clone()).await?;
        assert_eq!(res.status, 403);
        assert_eq!(res.problem()?.type_, "urn:shirase:problem:forbidden");
        // The command line's way of granting the role.
        app.db(|conn| Ok(api::models::account::Account::set_role(conn, "op@example.com", "operator")?)).await?;
        let res = app.post("/api/v1/terms", Some(&operator_tokens.access_token), draft.clone()).await?;
        assert_eq!(res.status, 201, "{res:?}");
        let res = app.post("/api/v1/terms", Some(&operator_tokens.access_token), draft).await?;
        assert_eq!(res.field_errors()?, vec![("version".into(), "taken".into())]);

        // The new version asks again.
        let res = app.call(reqwest::Method::PATCH, "/api/v1/me", Some(&customer_tokens.access_token), Some(json!({}))).await?;
        assert_eq!(res.status, 403);
        assert_eq!(res.problem()?.type_, "urn:shirase:problem:terms-not-accepted");
        let me: AccountView = app.get("/api/v1/me", Some(&customer_tokens.access_token)).await?.json()?;
        assert!(!me.terms_accepted);
        let res = app.post("/api/v1/me/terms-acceptance", Some(&customer_tokens.access_token), json!({"version": "2027-01-01"})).await?;
        assert_eq!(res.status, 204);
        let res = app.call(reqwest::Method::PATCH, "/api/v1/me", Some(&customer_tokens.access_token), Some(json!({}))).await?;
        assert_eq!(res.status, 200);
        Ok(())
    }

    async fn refresh_rotates_and_reuse_revokes_the_session(app: TestApp) -> anyhow::Result<()> {
        let first = customer(&app, "r@example.com").await?;
        let res = app.post("/api/v1/sessions/refresh", None, json!({"refresh_token": first.refresh_token})).await?;
        assert_eq!(res.status, 200);
        let second: SessionTokens = res.json()?;
        assert_ne!(second.refresh_token, first.refresh_token);
        assert_eq!(app.get("/api/v1/me", Some(&second.access_token)).await?.status, 200);

        // The old token again: theft assumed, the whole family ends.
        let reuse = app.post("/api/v1/sessions/refresh", None, json!({"refresh_token": first.refresh_token})).await?;
        assert_eq!(reuse.status, 401);
        let res = app.post("/api/v1/sessions/refresh", None, json!({"refresh_token": second.refresh_token})).await?;
        assert_eq!(res.status, 401);
        assert_eq!(app.get("/api/v1/me", Some(&second.access_token)).await?.status, 401);
        // Other sessions are untouched.
        let other: SessionTokens = login(&app, "r@example.com", PASSWORD).await?.json()?;
        assert_eq!(app.get("/api/v1/me", Some(&other.access_token)).await?.status, 200);
        Ok(())
    }

    async fn access_tokens_expire_and_refresh_renews(app: TestApp) -> anyhow::Result<()> {
        let tokens = customer(&app, "x@example.com").await?;
        app.clock.advance(chrono::Duration::minutes(15));
        let res = app.get("/api/v1/me", Some(&tokens.access_token)).await?;
        assert_eq!(res.status, 401);
        assert_eq!(res.problem()?.type_, "urn:shirase:problem:unauthorized");
        let renewed: SessionTokens = app.post("/api/v1/sessions/refresh", None, json!({"refresh_token": tokens.refresh_token})).await?.json()?;
        assert_eq!(app.get("/api/v1/me", Some(&renewed.access_token)).await?.status, 200);
        assert_eq!(app.get("/api/v1/me", Some("not-a-jwt")).await?.status, 401);
        assert_eq!(app.get("/api/v1/me", None).await?.status, 401);
        Ok(())
    }

    async fn logout_revokes_access_and_refresh(app: TestApp) -> anyhow::Result<()> {
        let tokens = customer(&app, "bye@example.com").await?;
        let res = app.call(reqwest::Method::DELETE, "/api/v1/sessions/current", Some(&tokens.access_token), None).await?;
        assert_eq!(res.status, 204);
        assert_eq!(app.get("/api/v1/me", Some(&tokens.access_token)).await?.status, 401);
        let res = app.post("/api/v1/sessions/refresh", None, json!({"refresh_token": tokens.refresh_token})).await?;
        assert_eq!(res.status, 401);
        Ok(())
    }

    // Sessions in use are answered from memory; revoking one, changing the password or
    // logging out still ends them with the very next request.
    async fn sessions_in_use_end_at_once(app: TestApp) -> anyhow::Result<()> {
        let a = customer(&app, "busy@example.com").await?;
        let b: SessionTokens = login(&app, "busy@example.com", PASSWORD).await?.json()?;
        for _ in 0..3 {
            assert_eq!(app.get("/api/v1/me", Some(&a.access_token)).await?.status, 200);
            assert_eq!(app.get("/api/v1/me", Some(&b.access_token)).await?.status, 200);
        }
        let res = app.call(reqwest::Method::PUT, "/api/v1/me/password", Some(&a.access_token),
            Some(json!({"current_password": PASSWORD, "new_password": "a brand new secret"}))).await?;
        assert_eq!(res.status, 204);
        assert_eq!(app.get("/api/v1/me", Some(&b.access_token)).await?.status, 401);
        assert_eq!(app.get("/api/v1/me", Some(&a.access_token)).await?.status, 200);
        let res = app.call(reqwest::Method::DELETE, "/api/v1/sessions/current", Some(&a.access_token), None).await?;
        assert_eq!(res.status, 204);
        assert_eq!(app.get("/api/v1/me", Some(&a.access_token)).await?.status, 401);
        // A session kept in memory still ends when its time is up.
        let c: SessionTokens = login(&app, "busy@example.com", "a brand new secret").await?.json()?;
        assert_eq!(app.get("/api/v1/me", Some(&c.access_token)).await?.status, 200);
        app.clock.advance(chrono::Duration::minutes(15));
        assert_eq!(app.get("/api/v1/me", Some(&c.access_token)).await?.status, 401);
        Ok(())
    }

    async fn login_failures_look_alike(app: TestApp) -> anyhow::Result<()> {
        customer(&app, "who@example.com").await?;
        let wrong = login(&app, "who@example.com", "wrong password!").await?;
        let unknown = login(&app, "nobody@example.com", "wrong password!").await?;
        assert_eq!((wrong.status.as_u16(), unknown.status.as_u16()), (401, 401));
        // Alike but for `instance`, which names each request (a fresh id every time).
        let (mut wrong_body, mut unknown_body) = (wrong.body.clone(), unknown.body.clone());
        for body in [&mut wrong_body, &mut unknown_body] {
            let instance = body.as_object_mut().and_then(|o| o.remove("instance"));
            assert!(instance.is_some_and(|i| i.as_str().is_some_and(|i| i.starts_with("urn:shirase:request:"))));
        }
        assert_eq!(wrong_body, unknown_body);
        let ok = login(&app, "WHO@example.com", PASSWORD).await?;
        assert_eq!(ok.status, 200, "addresses are case-insensitive");
        Ok(())
    }

    async fn password_change_revokes_other_sessions(app: TestApp) -> anyhow::Result<()> {
        let a = customer(&app, "pw@example.com").await?;
        let b: SessionTokens = login(&app, "pw@example.com", PASSWORD).await?.json()?;
        let wrong = app.call(reqwest::Method::PUT, "/api/v1/me/password", Some(&a.access_token),
            Some(json!({"current_password": "not it at all", "new_password": "a brand new secret"}))).await?;
        assert_eq!(wrong.field_errors()?, vec![("current_password".into(), "incorrect".into())]);
        let short = app.call(reqwest::Method::PUT, "/api/v1/me/password", Some(&a.access_token),
            Some(json!({"current_password": PASSWORD, "new_password": "short"}))).await?;
        assert_eq!(short.field_errors()?, vec![("new_password".into(), "too_short".into())]);
        let res = app.call(reqwest::Method::PUT, "/api/v1/me/password", Some(&a.access_token),
            Some(json!({"current_password": PASSWORD, "new_password": "a brand new secret"}))).await?;
        assert_eq!(res.status, 204);
        assert_eq!(app.get("/api/v1/me", Some(&a.access_token)).await?.status, 200);
        assert_eq!(app.get("/api/v1/me", Some(&b.access_token)).await?.status, 401);
        assert_eq!(login(&app, "pw@example.com", PASSWORD).await?.status, 401);
        assert_eq!(login(&app, "pw@example.com", "a brand new secret").await?.status, 200);
        Ok(())
    }

    async fn password_reset_by_mail(app: TestApp) -> anyhow::Result<()> {
        let email = "forgot@example.com";
        let session = customer(&app, email).await?;
        let res = app.post("/api/v1/password-resets", None, json!({"email": email})).await?;
        assert_eq!(res.status, 202);
        let unknown = app.post("/api/v1/password-resets", None, json!({"email": "ghost@example.com"})).await?;
        assert_eq!((unknown.status, unknown.body.clone()), (res.status, res.body.clone()));
        let mail = app.smtp.wait_for_nth(email, 2).await?;
        assert!(mail.subject.contains("パスワード再設定"));
        let token = mail.token_in("/password-reset/confirm?token=").ok_or_else(|| anyhow::anyhow!("no link"))?;

        let bad = app.post(&format!("/api/v1/password-resets/{token}"), None, json!({"new_password": "tiny"})).await?;
        assert_eq!(bad.field_errors()?, vec![("new_password".into(), "too_short".into())]);
        let res = app.post(&format!("/api/v1/password-resets/{token}"), None, json!({"new_password": "reset and remembered"})).await?;
        assert_eq!(res.status, 204);
        assert_eq!(app.get("/api/v1/me", Some(&session.access_token)).await?.status, 401, "sessions end");
        assert_eq!(login(&app, email, "reset and remembered").await?.status, 200);
        let reuse = app.post(&format!("/api/v1/password-resets/{token}"), None, json!({"new_password": "another new password"})).await?;
        assert_eq!(reuse.status, 410);
        assert!(app.smtp.to("ghost@example.com").is_empty());

        // A reset link lasts an hour.
        app.post("/api/v1/password-resets", None, json!({"email": email})).await?;
        let mail = app.smtp.wait_for_nth(email, 3).await?;
        let token = mail.token_in("/password-reset/confirm?token=").ok_or_else(|| anyhow::anyhow!("no link"))?;
        app.clock.advance(chrono::Duration::minutes(61));
        let late = app.post(&format!("/api/v1/password-resets/{token}"), None, json!({"new_password": "too late for this"})).await?;
        assert_eq!(late.status, 410);
        Ok(())
    }

    async fn account_deletion(app: TestApp) -> anyhow::Result<()> {
        let tokens = customer(&app, "leave@example.com").await?;
        let other = customer(&app, "stay@example.com").await?;
        let wrong = app.call(reqwest::Method::DELETE, "/api/v1/me", Some(&tokens.access_token), Some(json!({"password": "nope nope nope"}))).await?;
        assert_eq!(wrong.field_errors()?, vec![("password".into(), "incorrect".into())]);
        let res = app.call(reqwest::Method::DELETE, "/api/v1/me", Some(&tokens.access_token), Some(json!({"password": PASSWORD}))).await?;
        assert_eq!(res.status, 204);
        assert_eq!(app.get("/api/v1/me", Some(&tokens.access_token)).await?.status, 401);
        assert_eq!(login(&app, "leave@example.com", PASSWORD).await?.status, 401);
        assert_eq!(count(&app, "accounts").await?, 1);
        assert_eq!(count(&app, "sessions").await?, 1, "the deleted account's sessions are gone");
        assert_eq!(app.get("/api/v1/me", Some(&other.access_token)).await?.status, 200);
        // The address can sign up again.
        register(&app, "leave@example.com").await?;
        Ok(())
    }

    async fn throttling_answers_429_with_retry_after(app: TestApp) -> anyhow::Result<()> {
        customer(&app, "t@example.com").await?;
        for _ in 0..5 {
            assert_eq!(login(&app, "t@example.com", "wrong password!").await?.status, 401);
        }
        let res = login(&app, "t@example.com", PASSWORD).await?;
        assert_eq!(res.status, 429, "even the right password waits");
        let retry: i64 = res.headers.get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).unwrap_or(0);
        assert!((1..=900).contains(&retry), "{retry}");
        assert_eq!(res.problem()?.type_, "urn:shirase:problem:rate-limited");
        app.clock.advance(chrono::Duration::minutes(15));
        assert_eq!(login(&app, "t@example.com", PASSWORD).await?.status, 200);

        // Sign-ups for one address: 3 an hour.
        for i in 0..3 {
            let res = app.post("/api/v1/registrations", None, signup("s@example.com")).await?;
            assert_eq!(res.status, 202, "sign-up {i}");
        }
        let res = app.post("/api/v1/registrations", None, signup("s@example.com")).await?;
        assert_eq!(res.status, 429);
        assert!(res.headers.contains_key("retry-after"));

        // Reset requests: 3 an hour per address.
        for _ in 0..3 {
            assert_eq!(app.post("/api/v1/password-resets", None, json!({"email": "t@example.com"})).await?.status, 202);
        }
        assert_eq!(app.post("/api/v1/password-resets", None, json!({"email": "t@example.com"})).await?.status, 429);

        // Wrong passwords at activation: 5 per link.
        let token = register(&app, "act@example.com").await?;
        for _ in 0..5 {
            let res = app.post(&format!("/api/v1/registrations/{token}/activation"), None, json!({"password": "guess guess guess"})).await?;
            assert_eq!(res.status, 400);
        }
        let res = app.post(&format!("/api/v1/registrations/{token}/activation"), None, json!({"password": PASSWORD})).await?;
        assert_eq!(res.status, 429);
        Ok(())
    }

    async fn bad_input_gets_field_codes_and_writes_nothing(app: TestApp) -> anyhow::Result<()> {
        let res = app.post("/api/v1/registrations", None, json!({})).await?;
        assert_eq!(res.status, 400);
        let problem = res.problem()?;
        assert_eq!(problem.type_, "urn:shirase:problem:validation");
        let errors = res.field_errors()?;
        for field in ["email", "password", "family_name", "given_name", "company", "language"] {
            assert!(errors.contains(&(field.into(), "required".into())), "{field}: {errors:?}");
        }

        let mut body = signup("bad@example.com");
        body["email"] = json!("not-an-address");
        body["family_name"] = json!("x".repeat(51));
        body["given_name"] = json!("太\u{0}郎");
        body["company"] = json!("Evil\r\nBcc: victim@example.com");
        body["phone"] = json!("call me");
        body["language"] = json!("fr");
        body["password"] = json!("short");
        let errors = app.post("/api/v1/registrations", None, body).await?.field_errors()?;
        let expected: Vec<(String, String)> = [
            ("email", "invalid_email"),
            ("password", "too_short"),
            ("family_name", "too_long"),
            ("given_name", "control_characters"),
            ("company", "control_characters"),
            ("phone", "invalid_phone"),
            ("language", "invalid_language"),
        ]
        .into_iter()
        .map(|(f, c)| (f.to_owned(), c.to_owned()))
        .collect();
        assert_eq!(errors, expected);

        let mut body = signup("bad@example.com");
        body["email"] = json!(format!("{}@example.com", "a".repeat(250)));
        assert_eq!(app.post("/api/v1/registrations", None, body).await?.field_errors()?, vec![("email".into(), "too_long".into())]);

        // Not JSON, wrong types: a problem too.
        let res = app.http.post(app.url("/api/v1/registrations")).header("content-type", "application/json").body("{not json").send().await?;
        assert_eq!(res.status(), 400);
        assert_eq!(res.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("application/problem+json"));
        let res = app.post("/api/v1/registrations", None, json!({"email": 42})).await?;
        assert_eq!(res.problem()?.type_, "urn:shirase:problem:malformed-body");
        let res = app.post("/api/v1/sessions", None, json!({"email": ""})).await?;
        assert_eq!(res.field_errors()?, vec![("email".into(), "required".into()), ("password".into(), "required".into())]);
        let res = app.get("/api/v1/no-such-thing", None).await?;
        assert_eq!(res.problem()?.status, 404);

        for table in ["registrations", "accounts", "deliveries"] {
            assert_eq!(count(&app, table).await?, 0, "{table}");
        }
        Ok(())
    }
}

/// Twenty password-reset requests from `client` (through the test's loopback connection,
/// as a proxy would forward them), each for another address: what the per-client limit
/// admits in an hour. Returns the status of a twenty-first from `client` and of one from
/// `other`.
async fn resets_from(
    app: &shirase_tests::TestApp,
    client: &str,
    other: &str,
) -> anyhow::Result<(u16, u16)> {
    let reset = |from: &str, n: usize| {
        app.http
            .post(app.url("/api/v1/password-resets"))
            .header("x-forwarded-for", format!("198.51.100.99, {from}"))
            .json(&json!({"email": format!("someone-{n}@example.com")}))
            .send()
    };
    for n in 0..20 {
        let status = reset(client, n).await?.status();
        anyhow::ensure!(status == 202, "request {n}: {status}");
    }
    Ok((
        reset(client, 20).await?.status().as_u16(),
        reset(other, 21).await?.status().as_u16(),
    ))
}

/// Behind a trusted proxy the per-client limits count the address the proxy forwards (the
/// rightmost: a client may write anything to its left); from any other peer the header is
/// ignored, so a client cannot escape the limit by inventing addresses.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_client_limits_count_the_forwarded_client_only_behind_a_trusted_proxy()
-> anyhow::Result<()> {
    use shirase_tests::{Backend, Mode, TestApp};
    let mode = Mode {
        behind_proxy: true,
        ..Mode::default()
    };
    let Some(proxied) = TestApp::spawn_with(Backend::Sqlite, mode).await? else {
        anyhow::bail!("SQLite always starts");
    };
    assert_eq!(
        resets_from(&proxied, "203.0.113.7", "203.0.113.8").await?,
        (429, 202),
        "the forwarded client is limited, another client is not"
    );
    let direct = TestApp::spawn(Backend::Sqlite).await?;
    assert_eq!(
        resets_from(&direct, "203.0.113.7", "203.0.113.8").await?,
        (429, 429),
        "without a trusted proxy the header changes nothing"
    );
    Ok(())
}

/// A second change, whose link is opened a day late: refused, and nothing changes.
async fn change_and_wait_out(app: &shirase_tests::TestApp, token: &str) -> anyhow::Result<()> {
    let res = app
        .post(
            "/api/v1/me/email-change",
            Some(token),
            json!({"new_email": "later@example.com", "password": PASSWORD}),
        )
        .await?;
    anyhow::ensure!(res.status == 202, "{res:?}");
    let mail = app.smtp.wait_for("later@example.com").await?;
    let link = mail
        .token_in("/account/email/confirm?token=")
        .ok_or_else(|| anyhow::anyhow!("no link"))?;
    app.clock.advance(chrono::Duration::hours(24));
    let res = app
        .post(&format!("/api/v1/email-changes/{link}"), None, json!({}))
        .await?;
    anyhow::ensure!(res.status == 410, "{res:?}");
    anyhow::ensure!(login(app, "new@example.com", PASSWORD).await?.status == 200);
    Ok(())
}
