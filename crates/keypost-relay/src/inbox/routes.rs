//! The HTTP handlers of the inbox routes (docs/spec/inbox.md, "Relay API") and the
//! [`Session`] extractor. Logs carry account, invite, grant and message ids only: never a
//! token, code, email address, challenge, signature or sealed bytes.

use std::time::Duration;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use keypost_protocol::api::accounts::{
    BundleResponse, LoginChallenge, RegisterRequest, RegisterResponse, SessionRequest,
    SessionResponse, SetEmailRequest, VerifyEmailRequest, VerifyEmailResponse,
};
use keypost_protocol::api::invites::{
    AcceptInviteRequest, CreateInviteRequest, InviteList, InviteOffer, InviteSummary,
};
use keypost_protocol::api::mailbox::{
    AckRequest, AckResponse, CreateGrantRequest, DeliveryResponse, DeliveryStatus, DepositRequest,
    DepositResponse, MailboxFetch, MailboxMessage,
};
use keypost_protocol::b64::{self, B64Error};
use keypost_protocol::email::EmailAddress;
use keypost_protocol::inbox::limits::{
    EMAIL_CODE_DIGITS, EMAIL_CODE_SECONDS, FETCH_BATCH, InboxLimits, MAX_FETCH_WAIT_SECONDS,
    MAX_SEALED_INVITE_LEN, MAX_SEALED_MESSAGE_LEN,
};
use keypost_protocol::inbox::signing::registration_content;
use keypost_protocol::inbox::{AccountId, GrantId, InviteId, MessageId, SignatureKind};
use rand::{Rng, RngCore};
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use zeroize::Zeroizing;

use super::mailbox::{Deposit, Quota};
use super::sessions::Login;
use super::{InboxError, accounts, email, grants, invites, mailbox, sessions, sha256};
use crate::error::ApiError;
use crate::mail::Delivery;
use crate::routes::{ApiJson, bearer_token, rfc3339};
use crate::state::AppState;
use crate::store::Backend;
use crate::validate;

/// Length of `n` bytes in unpadded base64.
const fn base64_len(n: usize) -> usize {
    (4 * n).div_ceil(3)
}

/// Room for the JSON around a sealed value.
const ENVELOPE: usize = 4 * 1024;
/// Body limit of creating and accepting invites (a sealed offer or answer).
pub const INVITE_BODY_LIMIT: usize = base64_len(MAX_SEALED_INVITE_LEN) + ENVELOPE;
/// Body limit of a deposit (a sealed message).
pub const DEPOSIT_BODY_LIMIT: usize = base64_len(MAX_SEALED_MESSAGE_LEN) + ENVELOPE;
/// How often a long-poll on PostgreSQL looks again without a notification.
const RECHECK: Duration = Duration::from_secs(1);

/// The account of a live session (`Authorization: Bearer <session>`); 401 otherwise.
pub struct Session(pub AccountId);

impl FromRequestParts<AppState> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer_token(&parts.headers).map_err(|_| ApiError::SessionRequired)?;
        sessions::authenticate(state.store(), &token, state.now().unix_timestamp())
            .await?
            .map(Self)
            .ok_or(ApiError::SessionRequired)
    }
}

fn path_id<T>(
    field: &'static str,
    text: &str,
    parse: fn(&str) -> Result<T, B64Error>,
) -> Result<T, ApiError> {
    parse(text).map_err(|_| {
        ApiError::BadRequest(format!("{field} must be 16 bytes of canonical base64url"))
    })
}

/// Decodes an opaque sealed value of 1 to `max` bytes; larger is 413.
fn sealed(field: &'static str, text: &str, max: usize) -> Result<Vec<u8>, ApiError> {
    if text.len() > base64_len(max) {
        return Err(ApiError::PayloadTooLarge);
    }
    let bytes = b64::decode(text).map_err(|_| {
        ApiError::BadRequest(format!("{field} must be canonical unpadded base64url"))
    })?;
    if bytes.is_empty() {
        return Err(ApiError::BadRequest(format!("{field} must not be empty")));
    }
    Ok(bytes)
}

fn random32() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
}

/// A checked address in the one form the relay stores and compares: lower case.
fn normalized_email(field: &'static str, text: &str) -> Result<EmailAddress, ApiError> {
    EmailAddress::parse(&text.to_ascii_lowercase())
        .map_err(|_| ApiError::BadRequest(format!("{field} is not a valid email address")))
}

/// `POST /api/v1/accounts`
pub async fn register(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<RegisterRequest>,
) -> Result<Response, ApiError> {
    let content = registration_content(state.public_url(), &request.account_id);
    request
        .bundle
        .verify(SignatureKind::Register, &content, &request.signature)
        .map_err(|_| ApiError::BadSignature)?;
    let outcome = accounts::register(
        state.store(),
        request.account_id,
        &request.bundle,
        state.now().unix_timestamp(),
    )
    .await?;
    let status = match outcome {
        accounts::Registered::Created => {
            tracing::info!(account = %request.account_id, "account registered");
            StatusCode::CREATED
        }
        accounts::Registered::AlreadyThere => StatusCode::OK,
    };
    let body = RegisterResponse {
        account_id: request.account_id,
    };
    Ok((status, Json(body)).into_response())
}

/// `POST /api/v1/accounts/{account_id}/challenge`
pub async fn login_challenge(
    State(state): State<AppState>,
    Path(account_text): Path<String>,
) -> Result<Json<LoginChallenge>, ApiError> {
    let account = path_id("account id", &account_text, AccountId::parse)?;
    let challenge = Zeroizing::new(random32());
    let expires_at = accounts::issue_challenge(
        state.store(),
        account,
        sha256(challenge.as_ref()),
        state.now().unix_timestamp(),
    )
    .await?;
    Ok(Json(LoginChallenge {
        challenge: b64::encode(challenge.as_ref()),
        expires_at: rfc3339(expires_at)?,
    }))
}

/// `POST /api/v1/sessions`
pub async fn start_session(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<SessionRequest>,
) -> Result<Json<SessionResponse>, ApiError> {
    let challenge = validate::binary::<32>("challenge", &request.challenge)?;
    let session = Zeroizing::new(random32());
    let attempt = Login {
        account: request.account_id,
        challenge,
        signature: request.signature,
        session_hash: sha256(session.as_ref()),
    };
    let outcome = sessions::login(
        state.store(),
        state.public_url(),
        attempt,
        state.now().unix_timestamp(),
    )
    .await;
    match outcome {
        Ok(expires_at) => {
            tracing::info!(account = %request.account_id, "session started");
            Ok(Json(SessionResponse {
                session: b64::encode(session.as_ref()),
                expires_at: rfc3339(expires_at)?,
            }))
        }
        Err(error) => {
            tracing::info!(account = %request.account_id, %error, "login refused");
            Err(error.into())
        }
    }
}

/// `GET /api/v1/accounts/{account_id}/bundle`
pub async fn account_bundle(
    State(state): State<AppState>,
    Session(_): Session,
    Path(account_text): Path<String>,
) -> Result<Json<BundleResponse>, ApiError> {
    let account = path_id("account id", &account_text, AccountId::parse)?;
    let bundle = accounts::bundle(state.store(), &account).await?;
    Ok(Json(BundleResponse {
        account_id: account,
        bundle,
    }))
}

/// `POST /api/v1/account/email` — stores a fresh code, then emails it. 202.
pub async fn set_email(
    State(state): State<AppState>,
    Session(account): Session,
    ApiJson(request): ApiJson<SetEmailRequest>,
) -> Result<StatusCode, ApiError> {
    let address = normalized_email("email", &request.email)?;
    let code = Zeroizing::new(format!(
        "{:0width$}",
        rand::rngs::OsRng.gen_range(0..10u32.pow(EMAIL_CODE_DIGITS as u32)),
        width = EMAIL_CODE_DIGITS
    ));
    let stored = email::store_code(
        state.store(),
        account,
        address.as_str().to_owned(),
        email::code_hash(&account, &code),
        state.now().unix_timestamp(),
    )
    .await;
    if let Err(InboxError::RateLimited) = stored {
        tracing::info!(%account, "email code refused: daily limit");
    }
    stored?;
    let delivery = state
        .mailer()
        .send_code(&address, &code, EMAIL_CODE_SECONDS / 60)
        .await
        .map_err(InboxError::Mail)?;
    match delivery {
        Delivery::Smtp => tracing::info!(%account, "email code handed to SMTP"),
        Delivery::Outbox(path) => {
            tracing::info!(%account, path = %path.display(), "email code written to the outbox");
        }
    }
    Ok(StatusCode::ACCEPTED)
}

/// `POST /api/v1/account/email/verify`
pub async fn verify_email(
    State(state): State<AppState>,
    Session(account): Session,
    ApiJson(request): ApiJson<VerifyEmailRequest>,
) -> Result<Json<VerifyEmailResponse>, ApiError> {
    let code = Zeroizing::new(request.code);
    if code.len() != EMAIL_CODE_DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::BadRequest(format!(
            "code must be {EMAIL_CODE_DIGITS} digits"
        )));
    }
    let outcome = email::verify_code(
        state.store(),
        account,
        email::code_hash(&account, &code),
        state.now().unix_timestamp(),
    )
    .await;
    match outcome {
        Ok(address) => {
            tracing::info!(%account, "email verified");
            Ok(Json(VerifyEmailResponse {
                email: address,
                verified: true,
            }))
        }
        Err(InboxError::WrongCode { attempts_left }) => {
            tracing::info!(%account, attempts_left, "wrong email code");
            Err(ApiError::WrongCode { attempts_left })
        }
        Err(error) => Err(error.into()),
    }
}

/// `POST /api/v1/invites` — 201.
pub async fn create_invite(
    State(state): State<AppState>,
    Session(inviter): Session,
    ApiJson(request): ApiJson<CreateInviteRequest>,
) -> Result<StatusCode, ApiError> {
    let now = state.now().unix_timestamp();
    let accept_token_hash =
        validate::binary::<32>("accept_token_hash", &request.accept_token_hash)?;
    let sealed_offer = sealed("sealed_offer", &request.sealed_offer, MAX_SEALED_INVITE_LEN)?;
    let target_email = request
        .target_email
        .as_deref()
        .map(|text| normalized_email("target_email", text).map(EmailAddress::into_string))
        .transpose()?;
    let expires_at = OffsetDateTime::parse(&request.expires_at, &Rfc3339)
        .map_err(|_| ApiError::BadRequest("expires_at must be an RFC 3339 time".to_owned()))?
        .unix_timestamp();
    let lifetime = u64::try_from(expires_at - now).unwrap_or(0);
    if !InboxLimits::invite_expiry_accepted_by_relay(lifetime) {
        return Err(ApiError::BadRequest(
            "expires_at must be 1 hour to 7 days from now (give or take 5 minutes)".to_owned(),
        ));
    }
    if state.limits().require_verified_email_to_invite
        && !email::has_verified_email(state.store(), &inviter).await?
    {
        return Err(ApiError::EmailNotVerified);
    }
    let invite = invites::NewInvite {
        id: request.invite_id,
        inviter,
        accept_token_hash,
        sealed_offer,
        target_email,
        expires_at,
    };
    invites::create(state.store(), invite, now).await?;
    tracing::info!(invite = %request.invite_id, %inviter, "invite created");
    Ok(StatusCode::CREATED)
}

/// `GET /api/v1/invites/{invite_id}`
pub async fn invite_offer(
    State(state): State<AppState>,
    Session(_): Session,
    Path(invite_text): Path<String>,
) -> Result<Json<InviteOffer>, ApiError> {
    let id = path_id("invite id", &invite_text, InviteId::parse)?;
    let offer = invites::offer(state.store(), &id, state.now().unix_timestamp()).await?;
    Ok(Json(InviteOffer {
        invite_id: id,
        sealed_offer: b64::encode(&offer.sealed_offer),
        expires_at: rfc3339(offer.expires_at)?,
        target_email_required: offer.target_email_required,
    }))
}

/// `POST /api/v1/invites/{invite_id}/accept`
pub async fn accept_invite(
    State(state): State<AppState>,
    Session(acceptor): Session,
    Path(invite_text): Path<String>,
    ApiJson(request): ApiJson<AcceptInviteRequest>,
) -> Result<StatusCode, ApiError> {
    let id = path_id("invite id", &invite_text, InviteId::parse)?;
    let token = Zeroizing::new(validate::binary::<32>(
        "accept_token",
        &request.accept_token,
    )?);
    let sealed_answer = sealed(
        "sealed_answer",
        &request.sealed_answer,
        MAX_SEALED_INVITE_LEN,
    )?;
    let outcome = invites::accept(
        state.store(),
        id,
        acceptor,
        sha256(token.as_ref()),
        sealed_answer,
        state.now().unix_timestamp(),
    )
    .await;
    match outcome {
        Ok(()) => {
            tracing::info!(invite = %id, %acceptor, "invite accepted");
            Ok(StatusCode::OK)
        }
        Err(error) => {
            tracing::info!(invite = %id, %acceptor, %error, "invite acceptance refused");
            Err(error.into())
        }
    }
}

/// `GET /api/v1/invites` — the inviter's invites with their answers.
pub async fn list_invites(
    State(state): State<AppState>,
    Session(inviter): Session,
) -> Result<Json<InviteList>, ApiError> {
    let rows = invites::list(state.store(), &inviter, state.now().unix_timestamp()).await?;
    let mut list = Vec::with_capacity(rows.len());
    for row in rows {
        list.push(InviteSummary {
            invite_id: row.id,
            state: row.state,
            expires_at: rfc3339(row.expires_at)?,
            sealed_answer: row.sealed_answer.map(|bytes| b64::encode(&bytes)),
            acceptor_account_id: row.acceptor,
        });
    }
    Ok(Json(InviteList { invites: list }))
}

/// `POST /api/v1/invites/{invite_id}/revoke`
pub async fn revoke_invite(
    State(state): State<AppState>,
    Session(inviter): Session,
    Path(invite_text): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = path_id("invite id", &invite_text, InviteId::parse)?;
    invites::revoke(state.store(), id, inviter).await?;
    tracing::info!(invite = %id, "invite revoked");
    Ok(StatusCode::OK)
}

/// `POST /api/v1/grants` — 201.
pub async fn create_grant(
    State(state): State<AppState>,
    Session(owner): Session,
    ApiJson(request): ApiJson<CreateGrantRequest>,
) -> Result<StatusCode, ApiError> {
    let token_hash = validate::binary::<32>("token_hash", &request.token_hash)?;
    grants::create(
        state.store(),
        request.grant_id,
        owner,
        token_hash,
        state.now().unix_timestamp(),
    )
    .await?;
    tracing::info!(grant = %request.grant_id, mailbox = %owner, "grant created");
    Ok(StatusCode::CREATED)
}

/// `POST /api/v1/grants/{grant_id}/revoke`
pub async fn revoke_grant(
    State(state): State<AppState>,
    Session(owner): Session,
    Path(grant_text): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = path_id("grant id", &grant_text, GrantId::parse)?;
    grants::revoke(state.store(), id, owner).await?;
    tracing::info!(grant = %id, mailbox = %owner, "grant revoked");
    Ok(StatusCode::OK)
}

/// `POST /api/v1/mailboxes/{account_id}/messages` — 201.
pub async fn deposit(
    State(state): State<AppState>,
    Session(sender): Session,
    Path(mailbox_text): Path<String>,
    ApiJson(request): ApiJson<DepositRequest>,
) -> Result<Response, ApiError> {
    let mailbox = path_id("account id", &mailbox_text, AccountId::parse)?;
    let limits = state.limits();
    if limits.deposits_per_minute_per_sender > 0 {
        let counted = mailbox::count_deposit(
            state.store(),
            sender,
            limits.deposits_per_minute_per_sender,
            state.now().unix_timestamp(),
        )
        .await;
        if let Err(error) = counted {
            tracing::info!(%sender, %error, "deposit refused");
            return Err(error.into());
        }
    }
    let token = Zeroizing::new(validate::binary::<32>("grant_token", &request.grant_token)?);
    let sealed = sealed("sealed", &request.sealed, MAX_SEALED_MESSAGE_LEN)?;
    let quota = Quota {
        max_messages: limits.mailbox_max_messages,
        max_bytes: limits.mailbox_max_bytes,
    };
    let message_id = request.message_id;
    let outcome = mailbox::deposit(
        state.store(),
        Deposit {
            mailbox,
            sender,
            grant_token_hash: sha256(token.as_ref()),
            message_id,
            sealed,
        },
        quota,
        state.now().unix_timestamp(),
    )
    .await;
    if let Err(error) = outcome {
        tracing::info!(message = %message_id, %mailbox, %error, "deposit refused");
        return Err(error.into());
    }
    state.inbox().notifier().wake(&mailbox);
    tracing::info!(message = %message_id, %mailbox, %sender, "message deposited");
    let body = DepositResponse {
        message_id,
        status: DeliveryStatus::Queued,
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FetchQuery {
    /// Seconds to wait for a message when the mailbox is empty; 0 to 10.
    #[serde(default)]
    wait: u64,
}

/// `GET /api/v1/mailbox?wait=N` — long-polls until a message is there or N seconds passed.
pub async fn fetch(
    State(state): State<AppState>,
    Session(owner): Session,
    query: Result<Query<FetchQuery>, QueryRejection>,
) -> Result<Json<MailboxFetch>, ApiError> {
    let Ok(Query(query)) = query else {
        return Err(ApiError::BadRequest(
            "the only parameter is wait, a number of seconds".to_owned(),
        ));
    };
    if query.wait > MAX_FETCH_WAIT_SECONDS {
        return Err(ApiError::BadRequest(format!(
            "wait must be 0 to {MAX_FETCH_WAIT_SECONDS} seconds"
        )));
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(query.wait);
    let wake = state.inbox().notifier().subscribe(owner);
    let messages = loop {
        // Registered before looking, so a deposit between the look and the wait still wakes.
        let woken = wake.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        let messages = mailbox::fetch(state.store(), &owner).await?;
        let now = tokio::time::Instant::now();
        if !messages.is_empty() || now >= deadline {
            break messages;
        }
        let mut pause = deadline - now;
        if state.store().backend() == Backend::Postgres {
            pause = pause.min(RECHECK);
        }
        let _ = tokio::time::timeout(pause, woken).await;
    };
    let mut out = Vec::with_capacity(messages.len());
    for message in messages {
        out.push(MailboxMessage {
            message_id: message.message_id,
            depositor: message.depositor,
            sealed: b64::encode(&message.sealed),
            deposited_at: rfc3339(message.deposited_at)?,
        });
    }
    Ok(Json(MailboxFetch { messages: out }))
}

/// `POST /api/v1/mailbox/ack`
pub async fn acknowledge(
    State(state): State<AppState>,
    Session(owner): Session,
    ApiJson(request): ApiJson<AckRequest>,
) -> Result<Json<AckResponse>, ApiError> {
    if request.message_ids.len() > FETCH_BATCH {
        return Err(ApiError::BadRequest(format!(
            "message_ids may name at most {FETCH_BATCH} messages"
        )));
    }
    let acknowledged = mailbox::acknowledge(
        state.store(),
        owner,
        request.message_ids,
        state.now().unix_timestamp(),
    )
    .await?;
    tracing::info!(mailbox = %owner, acknowledged, "messages acknowledged");
    Ok(Json(AckResponse { acknowledged }))
}

/// `GET /api/v1/deliveries/{message_id}` — for the message's sender.
pub async fn delivery(
    State(state): State<AppState>,
    Session(sender): Session,
    Path(message_text): Path<String>,
) -> Result<Json<DeliveryResponse>, ApiError> {
    let message_id = path_id("message id", &message_text, MessageId::parse)?;
    let status = mailbox::delivery(state.store(), &message_id, &sender).await?;
    Ok(Json(DeliveryResponse { message_id, status }))
}
