//! The pickup page (crates/keypost-relay/page, docs/spec/pickup.md "Links"), embedded in the
//! binary at build time by build.rs from `page/dist`.
//!
//! `GET /p/{id}` answers the same HTML for every id without touching the database, so email
//! link scanners and previewers cannot burn a view; the page itself reads the secret from the
//! URL fragment, which browsers never send. The HTML is `no-store`; the hashed script, style
//! and image files under `/p/assets/` never change, so they are cached for a year.

use axum::Router;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::error::ApiError;

include!(concat!(env!("OUT_DIR"), "/page_assets.rs"));

/// `http` has no constant for this header.
const CROSS_ORIGIN_RESOURCE_POLICY: header::HeaderName =
    header::HeaderName::from_static("cross-origin-resource-policy");

/// Hashed file names change with their content, so a year of caching is safe.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The HTML answer of `GET /p/{id}`.
pub fn page_response() -> Response {
    with_headers(
        "text/html; charset=utf-8",
        "no-store",
        INDEX_HTML.as_bytes(),
    )
}

/// `GET /p/{file}` under `/p/assets/`. Registered after the router's `no-store` header layer
/// (see [`asset_routes`]), so the long cache lifetime holds.
pub async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, _)| *name == file) {
        Some((_, body)) => with_headers(content_type(&file), IMMUTABLE, body),
        None => ApiError::NotFound.into_response(),
    }
}

/// The page's security headers on every file of it (the router sets them too, except on the
/// asset route, which it does not wrap).
fn with_headers(
    content_type: &'static str,
    cache_control: &'static str,
    body: &'static [u8],
) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, cache_control),
            (
                header::CONTENT_SECURITY_POLICY,
                crate::headers::CONTENT_SECURITY_POLICY,
            ),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (CROSS_ORIGIN_RESOURCE_POLICY, "same-origin"),
        ],
        body,
    )
        .into_response()
}

/// The asset route, to merge into the router after its header layers.
pub fn asset_routes() -> Router {
    Router::new().route("/p/assets/{file}", get(asset))
}

/// Names of embedded assets (for tests and diagnostics).
pub fn asset_names() -> impl Iterator<Item = &'static str> {
    ASSETS.iter().map(|(name, _)| *name)
}

fn content_type(file: &str) -> &'static str {
    match file.rsplit_once('.').map(|(_, extension)| extension) {
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("woff2") => "font/woff2",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_page_loads_only_embedded_files_and_nothing_inline() {
        assert!(INDEX_HTML.contains("<noscript>"));
        assert!(
            !INDEX_HTML.contains("<style"),
            "inline style is blocked by the CSP"
        );
        assert!(
            !INDEX_HTML.contains(" style="),
            "inline style is blocked by the CSP"
        );
        for (position, _) in INDEX_HTML.match_indices("<script") {
            let tag = &INDEX_HTML[position..];
            let tag = &tag[..tag.find('>').unwrap()];
            assert!(
                tag.contains("src=\"/p/assets/"),
                "every script is an embedded file: {tag}"
            );
        }
        for (position, _) in INDEX_HTML.match_indices("/p/assets/") {
            let rest = &INDEX_HTML[position + "/p/assets/".len()..];
            let name = &rest[..rest.find('"').unwrap()];
            assert!(
                asset_names().any(|asset| asset == name),
                "{name} is embedded"
            );
        }
        assert!(
            !INDEX_HTML.contains("http://") && !INDEX_HTML.contains("https://"),
            "no third-party resource"
        );
    }

    #[test]
    fn content_types() {
        assert_eq!(
            content_type("index-abc.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("style-abc.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("keypost-abc.svg"), "image/svg+xml");
        assert_eq!(content_type("unknown"), "application/octet-stream");
    }
}
