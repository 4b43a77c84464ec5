//! How many bytes a client reads of each relay answer, declared once and derived from the
//! protocol's limits. A relay that is hostile or broken may answer without end (1 GiB, or a
//! stream that never stops); a client reads at most [`Answer::MAX_LEN`] bytes of a body and
//! fails clearly beyond it, so such an answer costs it a bounded amount of memory.

use serde::de::DeserializeOwned;

use super::ErrorBody;
use super::accounts::{
    BundleResponse, LoginChallenge, RegisterResponse, SessionResponse, VerifyEmailResponse,
};
use super::invites::{InviteList, InviteOffer};
use super::mailbox::{AckResponse, DeliveryResponse, DepositResponse, MailboxFetch};
use super::pickups::{
    ChallengeResponse, CreatePickupResponse, OpenResponse, OwnerStatus, PickupStatus,
    RelayCapabilities,
};
use crate::inbox::limits::{FETCH_BATCH, MAX_SEALED_MESSAGE_LEN};
use crate::pickup::MAX_SEALED_BASE64_LEN;

/// Every answer that carries no sealed payload: error bodies, statuses, challenges, sessions,
/// receipts, bundles and invite offers are a few hundred bytes to a few KiB (an owner status
/// lists at most a few hundred events; a sealed invite is at most 16 KiB, 22 KiB as base64url).
pub const MAX_SMALL_ANSWER_LEN: usize = 64 * 1024;

/// `POST …/pickups/{id}/open`: the largest sealed pickup as base64url, and its JSON around it.
pub const MAX_OPEN_ANSWER_LEN: usize = MAX_SEALED_BASE64_LEN + MAX_SMALL_ANSWER_LEN;

/// `GET /api/v1/mailbox`: a full batch of the largest sealed messages as base64url, each with
/// room for its other fields.
pub const MAX_FETCH_ANSWER_LEN: usize =
    FETCH_BATCH * (MAX_SEALED_MESSAGE_LEN.div_ceil(3) * 4 + 1024);

/// A relay answer's JSON body and the most bytes a client reads of it.
pub trait Answer: DeserializeOwned {
    const MAX_LEN: usize;
}

/// Declares the read limit of answer types.
macro_rules! answers {
    ($limit:expr => $($answer:ty),+ $(,)?) => {
        $(impl Answer for $answer {
            const MAX_LEN: usize = $limit;
        })+
    };
}

answers!(MAX_SMALL_ANSWER_LEN =>
    ErrorBody,
    RelayCapabilities,
    CreatePickupResponse,
    PickupStatus,
    ChallengeResponse,
    OwnerStatus,
    RegisterResponse,
    LoginChallenge,
    SessionResponse,
    BundleResponse,
    VerifyEmailResponse,
    DepositResponse,
    AckResponse,
    DeliveryResponse,
    InviteOffer,
);
answers!(MAX_OPEN_ANSWER_LEN => OpenResponse);
// The invite list has no count limit in the protocol: it is held to the largest inbox answer.
answers!(MAX_FETCH_ANSWER_LEN => MailboxFetch, InviteList);

// A real open answer (the largest sealed copy) fits, and stays under 7 MiB; a full fetch fits.
const _: () = assert!(MAX_OPEN_ANSWER_LEN > MAX_SEALED_BASE64_LEN + 1024);
const _: () = assert!(MAX_OPEN_ANSWER_LEN < 7 * 1024 * 1024);
const _: () = assert!(MAX_FETCH_ANSWER_LEN > FETCH_BATCH * MAX_SEALED_MESSAGE_LEN / 3 * 4);
