//! The benchmarks' command-line options: `--name value` pairs and bare flags.

use std::str::FromStr;

use anyhow::{Context, bail};

use crate::Backend;

pub struct Options(Vec<String>);

impl Options {
    pub fn from_env() -> Self {
        Self(std::env::args().collect())
    }

    /// The value after `name`, if given.
    pub fn value(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .position(|a| a == name)
            .and_then(|i| self.0.get(i + 1).cloned())
    }

    /// The number after `name`, or `default`.
    pub fn number<T: FromStr>(&self, name: &str, default: T) -> anyhow::Result<T> {
        match self.value(name) {
            Some(v) => v
                .parse()
                .ok()
                .with_context(|| format!("{name} takes a number, not {v:?}")),
            None => Ok(default),
        }
    }

    pub fn flag(&self, name: &str) -> bool {
        self.0.iter().any(|a| a == name)
    }

    /// `--backend sqlite|postgres|both` (default both).
    pub fn backends(&self) -> anyhow::Result<Vec<Backend>> {
        Ok(match self.value("--backend").as_deref() {
            None | Some("both") => vec![Backend::Sqlite, Backend::Postgres],
            Some("sqlite") => vec![Backend::Sqlite],
            Some("postgres") => vec![Backend::Postgres],
            Some(other) => bail!("--backend sqlite|postgres|both, not {other}"),
        })
    }
}
