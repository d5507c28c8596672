//! A real HTTP server in the test process that receives webhook deliveries: it keeps every
//! request (headers and body) and answers as its script says.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use tokio::sync::Notify;

/// One request the sink received.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: HeaderMap,
    pub body: String,
}

impl Received {
    pub fn json(&self) -> anyhow::Result<Value> {
        Ok(serde_json::from_str(&self.body)?)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// How the sink answers a request.
#[derive(Debug, Clone, Copy)]
pub enum Answer {
    Status(u16),
    /// 429 with `Retry-After` in seconds.
    TooMany(u64),
    /// 204, after this long: an endpoint that takes its time.
    Slow(Duration),
}

#[derive(Default)]
struct Inbox {
    /// Counting only: nothing is kept (the benchmark's sink).
    counting: bool,
    count: std::sync::atomic::AtomicUsize,
    received: Mutex<Vec<Received>>,
    /// Answers for the next requests, in order; 204 once it is empty.
    script: Mutex<VecDeque<Answer>>,
    /// What to answer when the script is empty.
    otherwise: Mutex<Option<Answer>>,
    arrived: Notify,
}

pub struct HookSink {
    port: u16,
    inbox: Arc<Inbox>,
}

async fn receive(req: HttpRequest, body: web::Bytes, inbox: web::Data<Arc<Inbox>>) -> HttpResponse {
    if inbox.counting {
        inbox
            .count
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        return HttpResponse::NoContent().finish();
    }
    let mut headers = HeaderMap::new();
    for (name, value) in req.headers() {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_str().as_bytes()),
            HeaderValue::from_bytes(value.as_bytes()),
        ) {
            headers.append(n, v);
        }
    }
    inbox
        .received
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(Received {
            path: req.path().to_owned(),
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        });
    inbox.arrived.notify_waiters();
    let next = inbox
        .script
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .pop_front()
        .or(*inbox.otherwise.lock().unwrap_or_else(|e| e.into_inner()));
    match next {
        None => HttpResponse::NoContent().finish(),
        Some(Answer::Status(code)) => HttpResponse::build(
            actix_web::http::StatusCode::from_u16(code)
                .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR),
        )
        .body(format!("answer {code}")),
        Some(Answer::TooMany(seconds)) => HttpResponse::TooManyRequests()
            .insert_header(("Retry-After", seconds.to_string()))
            .body("slow down"),
        Some(Answer::Slow(wait)) => {
            tokio::time::sleep(wait).await;
            HttpResponse::NoContent().finish()
        }
    }
}

impl HookSink {
    pub async fn start() -> anyhow::Result<Self> {
        Self::listen(Inbox::default(), 1).await
    }

    /// A sink that answers 204 to everything and only counts, on two workers: as fast as
    /// a sink gets here.
    pub async fn start_counting() -> anyhow::Result<Self> {
        let inbox = Inbox {
            counting: true,
            ..Inbox::default()
        };
        Self::listen(inbox, 2).await
    }

    /// How many requests a counting sink answered.
    pub fn count(&self) -> usize {
        self.inbox.count.load(std::sync::atomic::Ordering::Relaxed)
    }

    async fn listen(inbox: Inbox, workers: usize) -> anyhow::Result<Self> {
        let inbox = Arc::new(inbox);
        let data = web::Data::new(inbox.clone());
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(receive))
        })
        .workers(workers)
        .disable_signals()
        .listen(listener)?
        .run();
        tokio::spawn(server);
        Ok(Self { port, inbox })
    }

    /// The URL of `path` on this sink.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Answers the next requests with `answers`, in order.
    pub fn script(&self, answers: impl IntoIterator<Item = Answer>) {
        self.inbox
            .script
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(answers);
    }

    /// Answers every request with `answer` once the script is used up (`None`: 204).
    pub fn otherwise(&self, answer: Option<Answer>) {
        *self
            .inbox
            .otherwise
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = answer;
    }

    /// Every request so far to `path`.
    pub fn at(&self, path: &str) -> Vec<Received> {
        self.inbox
            .received
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }

    /// Waits until `path` has received `n` requests (at most 10 s).
    pub async fn wait_for(&self, path: &str, n: usize) -> anyhow::Result<Vec<Received>> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let arrived = self.inbox.arrived.notified();
            let got = self.at(path);
            if got.len() >= n {
                return Ok(got);
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                anyhow::bail!("{path} received {} requests, not {n}", got.len());
            }
        }
    }
}
