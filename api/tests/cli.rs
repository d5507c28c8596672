//! The `shirase` command line, run as a process with the server's settings.

use std::process::Command;

use api::models::account::{Account, NewAccount};
use diesel::RunQueryDsl;

fn shirase(db_url: &str, var_dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_shirase"))
        .args(args)
        .env("SHIRASE_DATABASE_URL", db_url)
        .env("SHIRASE_VAR_DIR", var_dir)
        .env_remove("SHIRASE_ENV")
        .output()
        .unwrap_or_else(|e| panic!("running shirase: {e}"))
}

/// A fresh SQLite database in a directory of its own: `(dir, url, pool)`.
fn database() -> anyhow::Result<(std::path::PathBuf, String, api::db::Pool)> {
    let dir = std::env::temp_dir().join(format!("shirase-cli-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir)?;
    let url = format!("sqlite://{}/cli.db", dir.display());
    let (pool, _) = api::db::connect(&url)?;
    Ok((dir, url, pool))
}

/// `ops@example.com` with the given id and role.
fn account(pool: &api::db::Pool, id: &str, role: &str) -> anyhow::Result<()> {
    let now = chrono::Utc::now().naive_utc();
    diesel::insert_into(api::schema::accounts::table)
        .values(NewAccount {
            id,
            email: "ops@example.com",
            password_hash: "x",
            family_name: "運用",
            given_name: "太郎",
            company: "Shirase",
            department: None,
            phone: None,
            language: "ja",
            role,
            created_at: now,
            updated_at: now,
        })
        .execute(&mut *pool.get()?)?;
    Ok(())
}

#[test]
fn operator_grant_and_revoke() -> anyhow::Result<()> {
    let (dir, url, pool) = database()?;
    account(&pool, "a1", "customer")?;
    let role = |pool: &api::db::Pool| -> anyhow::Result<String> {
        Ok(Account::find(&mut *pool.get()?, "a1")?
            .map(|a| a.role)
            .unwrap_or_default())
    };

    let out = shirase(&url, &dir, &["operator", "grant", "OPS@example.com"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(role(&pool)?, "operator");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("ops@example.com"),
        "addresses are masked: {stderr}"
    );

    let out = shirase(&url, &dir, &["operator", "revoke", "ops@example.com"]);
    assert!(out.status.success());
    assert_eq!(role(&pool)?, "customer");

    let out = shirase(&url, &dir, &["operator", "grant", "nobody@example.com"]);
    assert!(!out.status.success(), "an unknown address is an error");
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn openapi_command_prints_the_document() {
    let dir = std::env::temp_dir();
    let out = shirase("sqlite://unused.db", &dir, &["openapi"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("openapi: 3.1.0"));
}

#[test]
fn notices_from_the_command_line() -> anyhow::Result<()> {
    let (dir, url, pool) = database()?;
    api::models::catalog::seed(&mut *pool.get()?, chrono::Utc::now().naive_utc())?;
    account(&pool, "op1", "operator")?;
    let file = |name: &str, json: serde_json::Value| -> anyhow::Result<String> {
        let path = dir.join(name);
        std::fs::write(&path, json.to_string())?;
        Ok(path.display().to_string())
    };
    let draft = file(
        "draft.json",
        serde_json::json!({
            "kind": "maintenance", "products": ["id-federation"], "title_ja": "定期メンテナンス",
            "body_ja": "作業します。", "starts_at": "2026-12-10T16:00:00Z",
        }),
    )?;
    let out = shirase(
        &url,
        &dir,
        &["notice", "create", &draft, "--by", "ops@example.com"],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ends_at: required"), "{stderr}");

    let draft = file(
        "draft.json",
        serde_json::json!({
            "kind": "maintenance", "products": ["id-federation"], "title_ja": "定期メンテナンス",
            "body_ja": "作業します。", "starts_at": "2026-12-10T16:00:00Z",
            "ends_at": "2026-12-10T18:00:00Z",
        }),
    )?;
    let out = shirase(
        &url,
        &dir,
        &["notice", "create", &draft, "--by", "nobody@example.com"],
    );
    assert!(!out.status.success(), "only operators draft");
    let out = shirase(
        &url,
        &dir,
        &["notice", "create", &draft, "--by", "ops@example.com"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let view: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let id = view["id"].as_str().unwrap_or_default().to_owned();

    let out = shirase(&url, &dir, &["notice", "publish", &id]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let receipt: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(receipt["sequence"], 0);
    let out = shirase(&url, &dir, &["notice", "publish", &id]);
    assert!(!out.status.success(), "published once");

    let update = file(
        "update.json",
        serde_json::json!({"body_ja": "延長します。", "ends_at": "2026-12-10T19:00:00Z"}),
    )?;
    let out = shirase(&url, &dir, &["notice", "update", &id, &update]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let receipt: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(receipt["sequence"], 1);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
