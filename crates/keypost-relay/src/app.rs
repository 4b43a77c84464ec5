//! [`router`]: the relay's whole HTTP service, routes and layers, testable with
//! `tower::ServiceExt::oneshot` without a socket.

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower::ServiceBuilder;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_governor::GovernorLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::ApiError;
use crate::headers::{SECURITY_HEADERS, SMALL_BODY_LIMIT};
use crate::inbox::routes as inbox;
use crate::state::AppState;
use crate::{page, routes, validate};

async fn handle_middleware_error(error: tower::BoxError) -> Response {
    if error.is::<tower::timeout::error::Elapsed>() {
        ApiError::Timeout.into_response()
    } else if error.is::<tower::load_shed::error::Overloaded>() {
        ApiError::Overloaded.into_response()
    } else {
        tracing::error!(%error, "middleware error");
        ApiError::Internal.into_response()
    }
}

/// The relay's complete HTTP service. The per-IP limit needs the peer address, so serve it
/// with `into_make_service_with_connect_info::<SocketAddr>()` when that limit is on.
pub fn router(state: AppState) -> Router {
    let limits = state.limits().clone();
    let ip_governor = state.ip_governor();
    let mut router = Router::new()
        .route(
            "/api/v1/pickups",
            post(routes::create_pickup).layer(DefaultBodyLimit::max(validate::CREATE_BODY_LIMIT)),
        )
        .route("/api/v1/pickups/{id}", get(routes::pickup_status))
        .route(
            "/api/v1/pickups/{id}/challenge",
            post(routes::issue_challenge),
        )
        .route("/api/v1/pickups/{id}/open", post(routes::open_pickup))
        .route(
            "/api/v1/pickups/{id}/delete",
            post(routes::recipient_delete),
        )
        .route("/api/v1/owner/pickups/{id}", get(routes::owner_status))
        .route(
            "/api/v1/owner/pickups/{id}/revoke",
            post(routes::owner_revoke),
        )
        .route("/api/v1/accounts", post(inbox::register))
        .route(
            "/api/v1/accounts/{account_id}/challenge",
            post(inbox::login_challenge),
        )
        .route(
            "/api/v1/accounts/{account_id}/bundle",
            get(inbox::account_bundle),
        )
        .route("/api/v1/sessions", post(inbox::start_session))
        .route("/api/v1/account/email", post(inbox::set_email))
        .route("/api/v1/account/email/verify", post(inbox::verify_email))
        .route(
            "/api/v1/invites",
            get(inbox::list_invites)
                .post(inbox::create_invite)
                .layer(DefaultBodyLimit::max(inbox::INVITE_BODY_LIMIT)),
        )
        .route("/api/v1/invites/{invite_id}", get(inbox::invite_offer))
        .route(
            "/api/v1/invites/{invite_id}/accept",
            post(inbox::accept_invite).layer(DefaultBodyLimit::max(inbox::INVITE_BODY_LIMIT)),
        )
        .route(
            "/api/v1/invites/{invite_id}/revoke",
            post(inbox::revoke_invite),
        )
        .route("/api/v1/grants", post(inbox::create_grant))
        .route(
            "/api/v1/grants/{grant_id}/revoke",
            post(inbox::revoke_grant),
        )
        .route(
            "/api/v1/mailboxes/{account_id}/messages",
            post(inbox::deposit).layer(DefaultBodyLimit::max(inbox::DEPOSIT_BODY_LIMIT)),
        )
        .route("/api/v1/mailbox", get(inbox::fetch))
        .route("/api/v1/mailbox/ack", post(inbox::acknowledge))
        .route("/api/v1/deliveries/{message_id}", get(inbox::delivery))
        .route("/api/v1/health", get(routes::health))
        .route("/api/v1/capabilities", get(routes::capabilities))
        .route("/p/{id}", get(routes::pickup_page))
        .fallback(routes::not_found)
        .with_state(state)
        .layer(DefaultBodyLimit::max(SMALL_BODY_LIMIT));
    for (name, value) in SECURITY_HEADERS {
        router = router.layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ));
    }
    // Page assets are hashed and cacheable, so they sit outside the `no-store` header layers
    // (page::with_headers sets their security headers itself).
    router = router.merge(page::asset_routes());
    if let Some(config) = ip_governor {
        router = router.layer(GovernorLayer { config });
    }
    router.layer(
        ServiceBuilder::new()
            .layer(HandleErrorLayer::new(handle_middleware_error))
            .load_shed()
            .layer(GlobalConcurrencyLimitLayer::new(
                limits.max_concurrent_requests.max(1),
            ))
            .timeout(limits.request_timeout),
    )
}
