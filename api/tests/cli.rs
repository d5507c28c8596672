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

#[test]
fn operator_grant_and_revoke() -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("shirase-cli-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir)?;
    let url = format!("sqlite://{}/cli.db", dir.display());
    let (pool, _) = api::db::connect(&url)?;
    let now = chrono::Utc::now().naive_utc();
    diesel::insert_into(api::schema::accounts::table)
        .values(NewAccount {
            id: "a1",
            email: "ops@example.com",
            password_hash: "x",
            family_name: "運用",
            given_name: "太郎",
            company: "Shirase",
            department: None,
            phone: None,
            language: "ja",
            role: "customer",
            created_at: now,
            updated_at: now,
        })
        .execute(&mut *pool.get()?)?;
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
