//! The headers every answer carries, and the body limit of small requests: shared by the
//! router and the page's asset routes.

/// Body limit of every route except creating a pickup.
pub const SMALL_BODY_LIMIT: usize = 4 * 1024;

/// The pickup page's policy; API answers carry it too (harmless for JSON).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; connect-src 'self'; \
    img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; \
    base-uri 'none'; form-action 'none'";

/// Headers set on every response.
pub const SECURITY_HEADERS: [(&str, &str); 4] = [
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("referrer-policy", "no-referrer"),
    ("x-content-type-options", "nosniff"),
    ("cache-control", "no-store"),
];
