//! One River job per delivery, measured against a plain lettre sender in the same run:
//! `cargo run --release` here (PostgreSQL on 127.0.0.1:5432, trust auth).
//!
//! (1) inserting 100,000 jobs with `insert_many` in one transaction; (2) River working them,
//! each job sending one mail over a pool of lettre connections with `TCP_NODELAY` into a
//! counting SMTP sink; (3) the same connections without River, same concurrency, into
//! another sink. The mail is the same pre-rendered message on both sides.
//!
//! PostgreSQL only: River's SQLite driver (SQLx) links `libsqlite3-sys` < 0.38, the
//! product's diesel links 0.38, and Cargo resolves only one (see docs/benchmarks.md).

#![allow(clippy::print_stdout)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use lettre::Message;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::extension::ClientId;
use riverqueue::sqlx::postgres::PgPoolOptions;
use riverqueue::sqlx::{self, Executor};
use riverqueue::{Client, Job, JobArgs, QueueConfig, WorkContext, WorkOutcome, Workers};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;

const CONCURRENCY: usize = 8;

/// A counting SMTP server: answers every command, counts the messages, keeps nothing.
struct SmtpSink {
    port: u16,
    accepted: Arc<AtomicUsize>,
}

impl SmtpSink {
    async fn start_counting() -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = accepted.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let count = count.clone();
                tokio::spawn(async move {
                    let _ = session(stream, count).await;
                });
            }
        });
        Ok(Self { port, accepted })
    }

    fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

async fn session(stream: TcpStream, count: Arc<AtomicUsize>) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink\r\n").await?;
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => write.write_all(b"250-sink\r\n250 8BITMIME\r\n").await?,
            "DATA" => {
                write.write_all(b"354 go on\r\n").await?;
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" {
                        break;
                    }
                }
                count.fetch_add(1, Ordering::Relaxed);
                write.write_all(b"250 queued\r\n").await?;
            }
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => write.write_all(b"250 ok\r\n").await?,
        }
    }
}

/// `CONCURRENCY` open lettre connections with `TCP_NODELAY`, each carrying one message at
/// a time: what the product's SMTP channel does.
struct SmtpPool {
    idle: Mutex<Vec<AsyncSmtpConnection>>,
}

impl SmtpPool {
    async fn connect(addr: &str) -> anyhow::Result<Self> {
        let mut idle = Vec::new();
        for _ in 0..CONCURRENCY {
            idle.push(connection(addr).await?);
        }
        Ok(Self {
            idle: Mutex::new(idle),
        })
    }

    async fn send(&self, message: &Message) -> anyhow::Result<()> {
        let mut conn = loop {
            if let Some(c) = self.idle.lock().await.pop() {
                break c;
            }
            tokio::task::yield_now().await;
        };
        let sent = conn.send(message.envelope(), &message.formatted()).await;
        self.idle.lock().await.push(conn);
        sent?;
        Ok(())
    }
}

async fn connection(addr: &str) -> anyhow::Result<AsyncSmtpConnection> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    Ok(AsyncSmtpConnection::connect_with_transport(Box::new(stream), &ClientId::default()).await?)
}

#[derive(Clone, Debug, Deserialize, JobArgs, Serialize)]
#[river(kind = "deliver_notice")]
struct DeliverNotice {
    publication: String,
    recipient: String,
    n: u32,
}

fn message(i: usize) -> anyhow::Result<Message> {
    let from: Mailbox = "Shirase <no-reply@shirase.test>".parse()?;
    let text = "【故障情報】ID Federation の一部機能が利用できない事象が発生しています。\n".repeat(20);
    Ok(Message::builder()
        .from(from)
        .to(format!("user{i}@bulk.test").parse()?)
        .subject("【故障】ID Federation")
        .message_id(Some(format!("<spike.{i}@shirase.test>")))
        .multipart(MultiPart::alternative_plain_html(
            text.clone(),
            format!("<p>{text}</p>"),
        ))?)
}

fn jobs(count: u32) -> Vec<DeliverNotice> {
    (0..count)
        .map(|n| DeliverNotice {
            publication: "pub-1".into(),
            recipient: format!("r-{n}"),
            n,
        })
        .collect()
}

fn workers(pool: Arc<SmtpPool>, done: Arc<AtomicUsize>) -> anyhow::Result<Workers> {
    let mut workers = Workers::new();
    workers.add_fn(move |_ctx: WorkContext, job: Job<DeliverNotice>| {
        let (pool, done) = (pool.clone(), done.clone());
        async move {
            let message = message(job.args.n as usize).map_err(|e| e.to_string())?;
            pool.send(&message).await.map_err(|e| e.to_string())?;
            done.fetch_add(1, Ordering::Relaxed);
            Ok::<_, String>(WorkOutcome::Complete)
        }
    })?;
    Ok(workers)
}

async fn wait_for(done: &AtomicUsize, count: usize) {
    while done.load(Ordering::Relaxed) < count {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

async fn raw_rate(sink: &SmtpSink, count: usize) -> anyhow::Result<f64> {
    let addr = sink.addr();
    let started = Instant::now();
    let senders = (0..CONCURRENCY).map(|worker| {
        let addr = addr.clone();
        tokio::spawn(async move {
            let mut conn = connection(&addr).await?;
            for i in (worker..count).step_by(CONCURRENCY) {
                let m = message(i)?;
                conn.send(m.envelope(), &m.formatted()).await?;
            }
            anyhow::Ok(())
        })
    });
    for r in futures_join(senders).await {
        r??;
    }
    anyhow::ensure!(sink.accepted.load(Ordering::Relaxed) == count);
    Ok(count as f64 / started.elapsed().as_secs_f64())
}

async fn futures_join<T>(
    handles: impl Iterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<Result<T, tokio::task::JoinError>> {
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await);
    }
    out
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // `river-spike [JOBS] [RIVER_WORKERS] [FETCH_COOLDOWN_MS]`: River's defaults are 100 ms
    // between fetches, and a queue fetches at most as many jobs as it has free workers.
    let arg = |i: usize| std::env::args().nth(i).map(|n| n.parse::<u64>()).transpose();
    let count = u32::try_from(arg(1)?.unwrap_or(100_000))?;
    let river_workers = usize::try_from(arg(2)?.unwrap_or(CONCURRENCY as u64))?;
    let cooldown = Duration::from_millis(arg(3)?.unwrap_or(100));
    println!(
        "River spike: {count} jobs, {CONCURRENCY} SMTP connections, {river_workers} River \
         workers, fetch cooldown {cooldown:?}"
    );

    // PostgreSQL.
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect("postgres://postgres@127.0.0.1:5432/postgres")
        .await?;
    let name = format!("river_spike_{}", std::process::id());
    admin
        .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await?;
    let pg = PgPoolOptions::new()
        .max_connections(16)
        .connect(&format!("postgres://postgres@127.0.0.1:5432/{name}"))
        .await?;
    riverqueue::migrate::PostgresMigrator::new(pg.clone())
        .migrate_up()
        .await?;
    let sink = SmtpSink::start_counting().await?;
    let smtp = Arc::new(SmtpPool::connect(&sink.addr()).await?);
    let done = Arc::new(AtomicUsize::new(0));
    let client = Client::builder(pg.clone())
        .workers(workers(smtp, done.clone())?)
        .queue("default", QueueConfig::new(river_workers))
        .fetch_cooldown(cooldown)
        .build()?;
    let started = Instant::now();
    let mut tx = riverqueue::database::begin_postgres(&pg).await?;
    client.insert_many(jobs(count)).tx(&mut tx).await?;
    tx.commit().await?;
    let insert = started.elapsed().as_secs_f64();
    let raw_sink = SmtpSink::start_counting().await?;
    let raw = raw_rate(&raw_sink, count as usize).await?;
    let mut run = client.start()?;
    let started = Instant::now();
    wait_for(&done, count as usize).await;
    let rate = f64::from(count) / started.elapsed().as_secs_f64();
    run.stop().await?;
    anyhow::ensure!(sink.accepted.load(Ordering::Relaxed) == count as usize);
    println!("PostgreSQL");
    println!("  (1) insert_many of {count} jobs, one transaction: {insert:.3} s");
    println!("  (2) River working them, mails/s:        {rate:.0}");
    println!("  (3) plain lettre, mails/s:              {raw:.0}");
    println!("  ratio (2)/(3):                          {:.2}", rate / raw);
    pg.close().await;
    admin
        .execute(sqlx::AssertSqlSafe(format!("DROP DATABASE {name} WITH (FORCE)")))
        .await?;

    Ok(())
}
