//! A hostile relay for tests: an HTTP proxy on 127.0.0.1 in front of a real relay. It forwards
//! every request as the client sent it and every answer as the relay gave it, except the
//! bodies a test tells it to rewrite (by method and path). The shipped relay has no such mode.
//!
//! Start the relay with its public URL set to [`RewritingProxy::url`] (signatures and links
//! name the URL clients use), then [`RewritingProxy::forward_to`] the relay's address. Used by
//! the CLI's malicious-relay suite and, with `#[path]`, by the app's WebDriver test
//! (tests/e2e_inbox.rs). Needs tokio, axum, reqwest and serde_json.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::response::Response;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;

type Rewrite = Arc<dyn Fn(Vec<u8>) -> Vec<u8> + Send + Sync>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Request,
    Answer,
}

#[derive(Clone)]
struct Rule {
    direction: Direction,
    method: Method,
    path: String,
    rewrite: Rewrite,
}

#[derive(Clone)]
struct Shared {
    upstream: String,
    client: reqwest::Client,
    rules: Arc<Mutex<Vec<Rule>>>,
    rewritten: Arc<Mutex<usize>>,
}

impl Shared {
    /// The body after every matching rule, in the order they were added; counted as a rewrite
    /// only when the rules changed it (a rule that found nothing to swap yet is not counted).
    fn apply(&self, direction: Direction, method: &Method, path: &str, body: Vec<u8>) -> Vec<u8> {
        let rules: Vec<Rule> = self
            .rules
            .lock()
            .unwrap()
            .iter()
            .filter(|rule| {
                rule.direction == direction && rule.method == method && rule.path == path
            })
            .cloned()
            .collect();
        let rewritten = rules
            .iter()
            .fold(body.clone(), |body, rule| (rule.rewrite)(body));
        if rewritten != body {
            *self.rewritten.lock().unwrap() += 1;
        }
        rewritten
    }
}

/// The proxy; rules stay until [`RewritingProxy::clear`].
pub struct RewritingProxy {
    pub url: String,
    rules: Arc<Mutex<Vec<Rule>>>,
    rewritten: Arc<Mutex<usize>>,
    listener: Mutex<Option<TcpListener>>,
}

impl RewritingProxy {
    /// Listens on 127.0.0.1 at a free port; forwards nothing until [`Self::forward_to`].
    pub async fn bind() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self {
            url: format!("http://{}", listener.local_addr().unwrap()),
            rules: Arc::default(),
            rewritten: Arc::default(),
            listener: Mutex::new(Some(listener)),
        }
    }

    /// Serves, on the current tokio runtime, every request by forwarding it to `upstream`.
    pub fn forward_to(&self, upstream: std::net::SocketAddr) {
        let listener = self
            .listener
            .lock()
            .unwrap()
            .take()
            .expect("forwarding once");
        let shared = Shared {
            upstream: format!("http://{upstream}"),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            rules: Arc::clone(&self.rules),
            rewritten: Arc::clone(&self.rewritten),
        };
        let app = axum::Router::new().fallback(forward).with_state(shared);
        tokio::spawn(async move { axum::serve(listener, app).await });
    }

    /// From now on, the relay's answer body to `method path` (no query) is `rewrite(body)`.
    pub fn rewrite_answer(
        &self,
        method: Method,
        path: &str,
        rewrite: impl Fn(Vec<u8>) -> Vec<u8> + Send + Sync + 'static,
    ) {
        self.add(Direction::Answer, method, path, Arc::new(rewrite));
    }

    /// From now on, the body the relay receives for `method path` is `rewrite(body)`.
    pub fn rewrite_request(
        &self,
        method: Method,
        path: &str,
        rewrite: impl Fn(Vec<u8>) -> Vec<u8> + Send + Sync + 'static,
    ) {
        self.add(Direction::Request, method, path, Arc::new(rewrite));
    }

    /// [`Self::rewrite_answer`] of a JSON answer, edited in place (an edit may change nothing).
    pub fn rewrite_answer_json(
        &self,
        method: Method,
        path: &str,
        edit: impl Fn(&mut serde_json::Value) + Send + Sync + 'static,
    ) {
        self.rewrite_answer(method, path, move |body| {
            let original: serde_json::Value = serde_json::from_slice(&body).unwrap();
            let mut json = original.clone();
            edit(&mut json);
            // Unedited answers keep their bytes, so they are not counted as rewritten.
            if json == original {
                body
            } else {
                serde_json::to_vec(&json).unwrap()
            }
        });
    }

    /// How many bodies rules changed so far (a test checks its rule was exercised).
    pub fn rewritten(&self) -> usize {
        *self.rewritten.lock().unwrap()
    }

    /// Forwards everything unchanged again.
    pub fn clear(&self) {
        self.rules.lock().unwrap().clear();
    }

    fn add(&self, direction: Direction, method: Method, path: &str, rewrite: Rewrite) {
        self.rules.lock().unwrap().push(Rule {
            direction,
            method,
            path: path.to_owned(),
            rewrite,
        });
    }
}

/// One request: read it whole, rewrite, send it on, read the answer whole, rewrite, answer.
async fn forward(State(shared): State<Shared>, request: Request) -> Result<Response, StatusCode> {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(|_| StatusCode::BAD_REQUEST)?;
    let path = parts.uri.path().to_owned();
    let body = shared.apply(Direction::Request, &parts.method, &path, body.to_vec());
    let target = parts
        .uri
        .path_and_query()
        .map_or(path.as_str(), |whole| whole.as_str());
    let mut outgoing = shared
        .client
        .request(parts.method.clone(), format!("{}{target}", shared.upstream))
        .body(body);
    for (name, value) in &parts.headers {
        if name != header::HOST && name != header::CONTENT_LENGTH {
            outgoing = outgoing.header(name, value);
        }
    }
    let answer = outgoing.send().await.map_err(|_| StatusCode::BAD_GATEWAY)?;
    let status = answer.status();
    let headers = answer.headers().clone();
    let bytes = answer.bytes().await.map_err(|_| StatusCode::BAD_GATEWAY)?;
    let bytes = shared.apply(Direction::Answer, &parts.method, &path, bytes.to_vec());
    let mut response = Response::builder().status(status);
    for (name, value) in &headers {
        if name != header::CONTENT_LENGTH && name != header::TRANSFER_ENCODING {
            response = response.header(name, value);
        }
    }
    response
        .body(Body::from(bytes))
        .map_err(|_| StatusCode::BAD_GATEWAY)
}
