//! The HTTP handlers of `/api/v1` and the page route. Logs carry pickup ids only: never a
//! request body, link fragment, proof, verifier, ciphertext, email address or token.

use std::net::{IpAddr, SocketAddr};

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use keypost_protocol::api::pickups::{
    ChallengeResponse, CreatePickupRequest, CreatePickupResponse, DeleteRequest, OpenRequest,
    OpenResponse, OwnerStatus, PickupEvent, PickupStatus, RelayCapabilities,
};
use keypost_protocol::b64;
use keypost_protocol::pickup::PickupId;
use rand::RngCore;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use zeroize::Zeroizing;

use crate::error::ApiError;
use crate::mail::{Delivery, Notice};
use crate::pickups::{self, CHALLENGE_LIFETIME_SECONDS, PresentedAccess};
use crate::state::AppState;
use crate::validate;

/// The client's IP address when the server records it (not under `oneshot` tests).
pub struct PeerIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for PeerIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip()),
        ))
    }
}

/// The JSON body of every relay route: a JSON object with the fields of `T`, nothing else.
/// Rejections become [`ApiError`]s with clear messages (400, 413, 415).
///
/// serde also fills a struct from a JSON array of its fields in order (its sequence form);
/// the API is specified as objects only, so the body's top-level value must be an object.
/// Request structs hold only strings, numbers, booleans and lists of them, so the top level is
/// the one place a struct is read.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // Checks the content type, the body limit and the JSON syntax; leading whitespace
        // is not part of the raw value.
        let Json(raw) = Json::<Box<RawValue>>::from_request(req, state)
            .await
            .map_err(|rejection| json_rejection(&rejection))?;
        if !raw.get().starts_with('{') {
            return Err(ApiError::BadRequest(NOT_AN_OBJECT.to_owned()));
        }
        match Json::<T>::from_bytes(raw.get().as_bytes()) {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(json_rejection(&rejection)),
        }
    }
}

/// The answer to a body that is valid JSON but not an object (an array, a string, …).
pub const NOT_AN_OBJECT: &str =
    "The request body does not match the API: it must be a JSON object with named fields.";

fn json_rejection(rejection: &JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::JsonSyntaxError(_) => {
            ApiError::BadRequest("The request body is not valid JSON.".to_owned())
        }
        JsonRejection::JsonDataError(error) => ApiError::BadRequest(format!(
            "The request body does not match the API: {}",
            error.body_text()
        )),
        JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType(
            "Send the body with `Content-Type: application/json`.".to_owned(),
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        _ => ApiError::BadRequest("The request body could not be read.".to_owned()),
    }
}

pub(crate) fn rfc3339(unix_seconds: i64) -> Result<String, ApiError> {
    OffsetDateTime::from_unix_timestamp(unix_seconds)
        .ok()
        .and_then(|at| at.format(&Rfc3339).ok())
        .ok_or(ApiError::Internal)
}

fn pickup_id(text: &str) -> Result<[u8; 16], ApiError> {
    validate::binary::<16>("pickup id", text).map_err(ApiError::from)
}

/// `POST /api/v1/pickups`
pub async fn create_pickup(
    State(state): State<AppState>,
    PeerIp(peer_ip): PeerIp,
    ApiJson(request): ApiJson<CreatePickupRequest>,
) -> Result<Response, ApiError> {
    let now = state.now();
    let valid = validate::create_request(request, now.unix_timestamp())?;
    let mut pickup = valid.pickup;
    let id = PickupId::from_bytes(pickup.id);
    let id_text = id.to_string();
    if valid.email.is_some() && !state.mailer().can_send() {
        return Err(ApiError::EmailUnavailable);
    }
    if !state
        .create_limits()
        .allow(peer_ip, pickup.recipient_email.as_deref())
    {
        tracing::info!(pickup = %id_text, "create refused by rate limit");
        return Err(ApiError::RateLimited);
    }
    if pickups::id_taken(state.store(), &pickup.id).await? {
        return Err(ApiError::Conflict);
    }
    let page_url = format!("{}/p/{id_text}", state.public_url());
    if let Some(email) = valid.email {
        pickup.emailed = email_link(&state, &pickup, &page_url, email, &id_text).await?;
    }
    let emailed = pickup.emailed;
    let expires_at_unix = pickup.expires_at;
    pickups::create(state.store(), pickup).await?;
    tracing::info!(pickup = %id_text, "pickup created");
    let body = CreatePickupResponse {
        id,
        page_url,
        expires_at: rfc3339(expires_at_unix)?,
        emailed,
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Emails the link to the pickup's recipient; whether it went out. The link secret is wiped
/// when this returns.
async fn email_link(
    state: &AppState,
    pickup: &pickups::NewPickup,
    page_url: &str,
    email: validate::EmailRequest,
    id_text: &str,
) -> Result<bool, ApiError> {
    let expires_at =
        OffsetDateTime::from_unix_timestamp(pickup.expires_at).map_err(|_| ApiError::Internal)?;
    let mut link = Zeroizing::new(String::with_capacity(page_url.len() + 44));
    link.push_str(page_url);
    link.push('#');
    link.push_str(&email.link_fragment);
    drop(email.link_fragment);
    let notice = Notice {
        recipient: email.recipient.as_str(),
        sender_name: &pickup.sender_name,
        message: &pickup.message,
        link,
        expires_at,
        max_views: pickup.max_views,
    };
    Ok(match state.mailer().send(notice).await {
        Ok(Delivery::Smtp) => {
            tracing::info!(pickup = %id_text, "notification handed to SMTP");
            true
        }
        Ok(Delivery::Outbox(path)) => {
            tracing::info!(pickup = %id_text, path = %path.display(), "notification written to the outbox");
            true
        }
        Err(error) => {
            tracing::warn!(pickup = %id_text, kind = error.kind(), "notification email failed");
            false
        }
    })
}

/// `GET /api/v1/capabilities` — what this relay can do, so a sender picks how the link goes.
pub async fn capabilities(State(state): State<AppState>) -> Json<RelayCapabilities> {
    Json(RelayCapabilities {
        email: state.mailer().can_send(),
    })
}

/// The pickup a recipient route names, and the access key (`Authorization: Bearer …`, derived
/// from the link secret) that lets a request reach it. A missing or malformed key gets the
/// gone-pickup 404, like a wrong one: the id alone learns nothing.
pub struct RecipientAccess {
    id_text: String,
    id: [u8; 16],
    access: PresentedAccess,
}

impl<S: Send + Sync> FromRequestParts<S> for RecipientAccess {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let (id_text, id) = path_pickup_id(parts, state).await?;
        let key = bearer_token(&parts.headers).map_err(|_| ApiError::NotFound)?;
        Ok(Self {
            id_text,
            id,
            access: PresentedAccess::new(&key),
        })
    }
}

/// `GET /api/v1/pickups/{id}` — read-only.
pub async fn pickup_status(
    State(state): State<AppState>,
    recipient: RecipientAccess,
) -> Result<Json<PickupStatus>, ApiError> {
    let id = recipient.id;
    let now = state.now().unix_timestamp();
    let status = pickups::status(state.store(), &id, recipient.access, now).await?;
    Ok(Json(PickupStatus {
        id: PickupId::from_bytes(id),
        sender_name: status.sender_name,
        message: status.message,
        expires_at: rfc3339(status.expires_at)?,
        attempts_left: status.attempts_left,
        views_left: status.views_left,
        retrieval_step: status.retrieval_step,
        recipient_delete: status.recipient_delete,
        passphrase_required: status.passphrase_required,
    }))
}

/// `POST /api/v1/pickups/{id}/challenge`
pub async fn issue_challenge(
    State(state): State<AppState>,
    recipient: RecipientAccess,
) -> Result<Json<ChallengeResponse>, ApiError> {
    let mut challenge = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut challenge);
    let now = state.now().unix_timestamp();
    pickups::issue_challenge(
        state.store(),
        recipient.id,
        recipient.access,
        challenge,
        now,
    )
    .await?;
    Ok(Json(ChallengeResponse {
        challenge: b64::encode(&challenge),
        expires_in_seconds: CHALLENGE_LIFETIME_SECONDS.unsigned_abs(),
    }))
}

/// `POST /api/v1/pickups/{id}/open`
pub async fn open_pickup(
    State(state): State<AppState>,
    recipient: RecipientAccess,
    ApiJson(request): ApiJson<OpenRequest>,
) -> Result<Json<OpenResponse>, ApiError> {
    let id_text = recipient.id_text;
    let challenge = validate::binary::<32>("challenge", &request.challenge)?;
    let proof = validate::binary::<32>("proof", &request.proof)?;
    match pickups::open(
        state.store(),
        recipient.id,
        recipient.access,
        challenge,
        proof,
        state.now().unix_timestamp(),
    )
    .await
    {
        Ok(opened) => {
            tracing::info!(pickup = %id_text, views_left = ?opened.views_left, "pickup opened");
            Ok(Json(OpenResponse {
                ciphertext: b64::encode(&opened.ciphertext),
                views_left: opened.views_left,
            }))
        }
        Err(pickups::PickupError::WrongPin { attempts_left }) => {
            tracing::info!(pickup = %id_text, attempts_left, "wrong PIN");
            if attempts_left == 0 {
                tracing::info!(pickup = %id_text, "pickup destroyed after 3 wrong PINs");
            }
            Err(ApiError::WrongPin { attempts_left })
        }
        Err(error) => Err(error.into()),
    }
}

/// `POST /api/v1/pickups/{id}/delete` — the recipient's "Delete now".
pub async fn recipient_delete(
    State(state): State<AppState>,
    recipient: RecipientAccess,
    ApiJson(request): ApiJson<DeleteRequest>,
) -> Result<StatusCode, ApiError> {
    let key = Zeroizing::new(validate::binary::<32>("delete_key", &request.delete_key)?);
    let now = state.now().unix_timestamp();
    pickups::recipient_delete(state.store(), recipient.id, recipient.access, key, now).await?;
    tracing::info!(pickup = %recipient.id_text, "pickup deleted by the recipient");
    Ok(StatusCode::NO_CONTENT)
}

/// The pickup an owner route names, and the owner token (`Authorization: Bearer …`) that
/// proves the right to it.
pub struct OwnerAccess {
    id_text: String,
    id: [u8; 16],
    token: Zeroizing<[u8; 32]>,
}

impl<S: Send + Sync> FromRequestParts<S> for OwnerAccess {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let token = bearer_token(&parts.headers)?;
        let (id_text, id) = path_pickup_id(parts, state).await?;
        Ok(Self { id_text, id, token })
    }
}

/// The `{id}` of a pickup route, as written and decoded.
async fn path_pickup_id<S: Send + Sync>(
    parts: &mut Parts,
    state: &S,
) -> Result<(String, [u8; 16]), ApiError> {
    let Path(id_text) = Path::<String>::from_request_parts(parts, state)
        .await
        .map_err(|_| ApiError::NotFound)?;
    let id = pickup_id(&id_text)?;
    Ok((id_text, id))
}

/// The 32-byte token of `Authorization: Bearer <base64url>` (owner tokens, sessions).
pub(crate) fn bearer_token(headers: &HeaderMap) -> Result<Zeroizing<[u8; 32]>, ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .ok_or(ApiError::Unauthorized)?;
    b64::decode_array::<32>(value.trim())
        .map(Zeroizing::new)
        .map_err(|_| ApiError::Unauthorized)
}

async fn owner_view(
    state: &AppState,
    id: [u8; 16],
    token: &Zeroizing<[u8; 32]>,
) -> Result<Json<OwnerStatus>, ApiError> {
    let view =
        pickups::owner_status(state.store(), id, token, state.now().unix_timestamp()).await?;
    let mut events = Vec::with_capacity(view.events.len());
    for (kind, at) in view.events {
        events.push(PickupEvent {
            kind,
            at: rfc3339(at)?,
        });
    }
    Ok(Json(OwnerStatus {
        id: PickupId::from_bytes(id),
        recipient_email: view.recipient_email,
        state: view.state,
        created_at: rfc3339(view.created_at)?,
        expires_at: rfc3339(view.expires_at)?,
        attempts_left: view.attempts_left,
        views_left: view.views_left,
        events,
    }))
}

/// `GET /api/v1/owner/pickups/{id}` with `Authorization: Bearer <owner token>`.
pub async fn owner_status(
    State(state): State<AppState>,
    owner: OwnerAccess,
) -> Result<Json<OwnerStatus>, ApiError> {
    owner_view(&state, owner.id, &owner.token).await
}

/// `POST /api/v1/owner/pickups/{id}/revoke` — ends the pickup now; answers the new status.
pub async fn owner_revoke(
    State(state): State<AppState>,
    owner: OwnerAccess,
) -> Result<Json<OwnerStatus>, ApiError> {
    let now = state.now().unix_timestamp();
    pickups::revoke(state.store(), owner.id, &owner.token, now).await?;
    tracing::info!(pickup = %owner.id_text, "pickup revoked by the sender");
    owner_view(&state, owner.id, &owner.token).await
}

/// `GET /p/{id}` — the pickup page; touches no data.
pub async fn pickup_page(Path(_id): Path<String>) -> Response {
    crate::page::page_response()
}

/// `GET /api/v1/health` — for load balancers and tests.
pub async fn health() -> &'static str {
    "ok"
}

pub async fn not_found() -> ApiError {
    ApiError::NotFound
}
