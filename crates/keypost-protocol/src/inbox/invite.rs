//! Invitations: offer → answer → confirm (docs/spec/inbox.md, "Invite").
//!
//! The inviter makes an [`InviteSecret`] `s`, seals an [`Offer`] under a key derived from it and
//! hands `s` to the invitee through its own channel (an [`super::link::InviteLink`]). The relay
//! stores the sealed offer and `SHA-256(accept token)` and never sees `s`. The acceptor opens the
//! offer, seals an [`Answer`] that signs the [`Transcript`] (invite id, both fingerprints, the
//! sealed offer) and sends it with the accept token. The inviter opens the answer, checks the
//! transcript signature, shows the acceptor's words, and on confirm signs the transcript and
//! the answer ([`sign_connect`]) inside its first message (`connect`), which the acceptor checks
//! with [`verify_connect`].
//!
//! ```text
//! sealed = "KPI1" || direction (0x01 offer, 0x02 answer) || nonce (24)
//!          || XChaCha20-Poly1305(key of the direction, nonce, plaintext, aad = header || invite id)
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::identity::{FINGERPRINT_LEN, Fingerprint, Identity, KeyBundle};
use super::ids::{AccountId, InviteId};
use super::limits::{MAX_NAME_CHARS, MAX_NOTE_CHARS, MAX_SEALED_INVITE_LEN};
use super::link::check_relay_url;
use super::signing::{Signature, SignatureKind};
use super::tokens::{AcceptToken, DepositGrant};
use crate::b64;
use crate::canonical_json::{self, utc_seconds};
use crate::crypto::primitives::{hkdf_sha256, sha256};
use crate::crypto::{NONCE_LEN, Nonce, SecretKey, TAG_LEN};
use crate::public_id::ID_LEN;
use crate::secret_token::secret_token;

pub const ID_LABEL: &[u8] = b"keypost/inbox/v1/invite/id";
pub const ACCEPT_TOKEN_LABEL: &[u8] = b"keypost/inbox/v1/invite/accept-token";
pub const OFFER_KEY_LABEL: &[u8] = b"keypost/inbox/v1/invite/offer-key";
pub const ANSWER_KEY_LABEL: &[u8] = b"keypost/inbox/v1/invite/answer-key";
/// The first bytes of a sealed offer or answer.
pub const INVITE_MAGIC: &[u8; 4] = b"KPI1";
/// Magic, direction and nonce.
pub const INVITE_HEADER_LEN: usize = INVITE_MAGIC.len() + 1 + NONCE_LEN;
/// `invite id || inviter fingerprint || acceptor fingerprint || SHA-256(sealed offer)`.
pub const TRANSCRIPT_LEN: usize = ID_LEN + 2 * FINGERPRINT_LEN + 32;

secret_token!(
    /// The invite secret `s`: 32 random bytes that travel only in the invite link's fragment.
    /// Everything the relay must not know is derived from it.
    InviteSecret,
    "an invite secret"
);

impl InviteSecret {
    /// Every value HKDF derives from this secret.
    pub fn keys(&self) -> InviteKeys {
        InviteKeys::derive(self)
    }
}

/// Which way a sealed invite travels; part of its header and so of the associated data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Inviter → acceptor.
    Offer = 1,
    /// Acceptor → inviter.
    Answer = 2,
}

/// The values derived from `s` with HKDF-SHA256 (empty salt, one label each).
pub struct InviteKeys {
    id: InviteId,
    accept_token: AcceptToken,
    offer_key: SecretKey,
    answer_key: SecretKey,
}

impl InviteKeys {
    fn derive(secret: &InviteSecret) -> Self {
        let mut id = [0u8; ID_LEN];
        hkdf_sha256(None, secret.as_bytes(), &[ID_LABEL], &mut id);
        let mut token = Zeroizing::new([0u8; 32]);
        hkdf_sha256(
            None,
            secret.as_bytes(),
            &[ACCEPT_TOKEN_LABEL],
            token.as_mut(),
        );
        let as_key = SecretKey::from_bytes(*secret.as_bytes());
        Self {
            id: InviteId::from_bytes(id),
            accept_token: AcceptToken::from_bytes(*token),
            offer_key: SecretKey::derive_from_secret(&as_key, None, &[OFFER_KEY_LABEL]),
            answer_key: SecretKey::derive_from_secret(&as_key, None, &[ANSWER_KEY_LABEL]),
        }
    }

    /// Names the invite on the relay; public.
    pub fn id(&self) -> InviteId {
        self.id
    }

    /// Sent by the acceptor with its answer.
    pub fn accept_token(&self) -> &AcceptToken {
        &self.accept_token
    }

    pub(crate) fn key(&self, direction: Direction) -> &SecretKey {
        match direction {
            Direction::Offer => &self.offer_key,
            Direction::Answer => &self.answer_key,
        }
    }

    pub(crate) fn seal(&self, direction: Direction, nonce: &Nonce, plaintext: &[u8]) -> Vec<u8> {
        let mut sealed = Vec::with_capacity(INVITE_HEADER_LEN + plaintext.len() + TAG_LEN);
        sealed.extend_from_slice(INVITE_MAGIC);
        sealed.push(direction as u8);
        sealed.extend_from_slice(nonce);
        let body = self.key(direction).encrypt(
            nonce,
            plaintext,
            &[sealed.as_slice(), self.id.as_bytes()].concat(),
        );
        sealed.extend_from_slice(&body);
        sealed
    }

    /// Rules 1–3 of "Opening an offer" and "Opening an answer": size, header, AEAD.
    fn open(&self, direction: Direction, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, InviteError> {
        if sealed.len() > MAX_SEALED_INVITE_LEN {
            return Err(InviteError::TooLarge);
        }
        if sealed.len() < INVITE_HEADER_LEN + TAG_LEN
            || &sealed[..INVITE_MAGIC.len()] != INVITE_MAGIC
            || sealed[INVITE_MAGIC.len()] != direction as u8
        {
            return Err(InviteError::Malformed);
        }
        let (header, body) = sealed.split_at(INVITE_HEADER_LEN);
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&header[INVITE_MAGIC.len() + 1..]);
        self.key(direction)
            .decrypt(
                &nonce,
                body,
                &[header, self.id.as_bytes().as_slice()].concat(),
            )
            .map_err(|_| InviteError::Altered)
    }
}

impl fmt::Debug for InviteKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InviteKeys")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// Why a sealed offer or answer was refused, in the order the rules are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InviteError {
    #[error("the invite is larger than {MAX_SEALED_INVITE_LEN} bytes")]
    TooLarge,
    #[error("this is not a Keypost invite")]
    Malformed,
    #[error("This invite was changed on the way")]
    Altered,
    #[error("the invite's contents are invalid")]
    Invalid,
    #[error("the invite holds an invalid key bundle")]
    BadBundle,
    #[error("the invite was made at another relay than the link names")]
    RelayMismatch,
    #[error("the invite has expired")]
    Expired,
    #[error("the acceptor's or inviter's signature over the invite does not verify")]
    BadTranscript,
}

impl InviteError {
    /// The spec's name for this failure (the `expect` value in test vectors).
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooLarge => "too_large",
            Self::Malformed => "malformed_invite",
            Self::Altered => "invite_altered",
            Self::Invalid => "invalid_invite",
            Self::BadBundle => "bad_bundle",
            Self::RelayMismatch => "relay_mismatch",
            Self::Expired => "invite_expired",
            Self::BadTranscript => "bad_transcript",
        }
    }
}

/// Why an offer or answer cannot be sealed: a limit of "Offer" or "Answer".
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InviteSealError {
    #[error("a name is at most {MAX_NAME_CHARS} characters")]
    NameTooLong,
    #[error("the note is at most {MAX_NOTE_CHARS} characters")]
    NoteTooLong,
    #[error("the relay address is not valid for an invite")]
    BadRelayUrl,
    #[error("the sealed invite would be larger than {MAX_SEALED_INVITE_LEN} bytes")]
    TooLarge,
}

/// What the inviter tells the acceptor, authenticated by `s`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    pub inviter_account: AccountId,
    pub inviter_bundle: KeyBundle,
    /// At most 100 characters.
    pub inviter_name: String,
    /// At most 500 characters; may be empty.
    pub note: String,
    /// Whole seconds, UTC.
    pub expires_at: OffsetDateTime,
    /// The relay both must use, as [`check_relay_url`] accepts it.
    pub relay_url: String,
}

/// The canonical JSON of an offer; the bundle stays text until it is checked on its own.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OfferJson {
    inviter_account: AccountId,
    inviter_bundle: String,
    inviter_name: String,
    note: String,
    #[serde(with = "utc_seconds")]
    expires_at: OffsetDateTime,
    relay_url: String,
}

impl Offer {
    /// The canonical plaintext, after checking every limit.
    pub fn to_canonical_json(&self) -> Result<Zeroizing<Vec<u8>>, InviteSealError> {
        check_name(&self.inviter_name)?;
        if self.note.chars().count() > MAX_NOTE_CHARS {
            return Err(InviteSealError::NoteTooLong);
        }
        check_relay_url(&self.relay_url).map_err(|_| InviteSealError::BadRelayUrl)?;
        Ok(canonical_json::encode(&OfferJson {
            inviter_account: self.inviter_account,
            inviter_bundle: b64::encode(self.inviter_bundle.as_bytes()),
            inviter_name: self.inviter_name.clone(),
            note: self.note.clone(),
            expires_at: utc_seconds::truncate(self.expires_at),
            relay_url: self.relay_url.clone(),
        }))
    }

    /// Seals the offer for the relay under the offer key of `secret`.
    pub fn seal(&self, secret: &InviteSecret) -> Result<Vec<u8>, InviteSealError> {
        self.seal_with_nonce(secret, &SecretKey::make_random_nonce())
    }

    pub(crate) fn seal_with_nonce(
        &self,
        secret: &InviteSecret,
        nonce: &Nonce,
    ) -> Result<Vec<u8>, InviteSealError> {
        let plaintext = self.to_canonical_json()?;
        sized(secret.keys().seal(Direction::Offer, nonce, &plaintext))
    }

    /// The acceptor opens what the relay served for the link's invite. `link_relay` is the relay
    /// the link named; `now` decides expiry. Rules, in order: `too_large`, `malformed_invite`,
    /// `invite_altered`, `invalid_invite`, `bad_bundle`, `relay_mismatch`, `invite_expired`.
    pub fn open(
        secret: &InviteSecret,
        sealed: &[u8],
        link_relay: &str,
        now: OffsetDateTime,
    ) -> Result<Self, InviteError> {
        let plaintext = secret.keys().open(Direction::Offer, sealed)?;
        let json: OfferJson =
            canonical_json::decode(&plaintext).map_err(|_| InviteError::Invalid)?;
        if check_name(&json.inviter_name).is_err()
            || json.note.chars().count() > MAX_NOTE_CHARS
            || check_relay_url(&json.relay_url).is_err()
        {
            return Err(InviteError::Invalid);
        }
        let inviter_bundle = parse_bundle(&json.inviter_bundle)?;
        if json.relay_url != link_relay {
            return Err(InviteError::RelayMismatch);
        }
        if now >= json.expires_at {
            return Err(InviteError::Expired);
        }
        Ok(Self {
            inviter_account: json.inviter_account,
            inviter_bundle,
            inviter_name: json.inviter_name,
            note: json.note,
            expires_at: json.expires_at,
            relay_url: json.relay_url,
        })
    }
}

/// What the acceptor sends back, authenticated by `s` and signed over the [`Transcript`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub acceptor_account: AccountId,
    pub acceptor_bundle: KeyBundle,
    /// At most 100 characters.
    pub acceptor_name: String,
    /// Lets the inviter deposit into the acceptor's mailbox.
    pub grant: DepositGrant,
    /// The acceptor's [`SignatureKind::Transcript`] signature over the [`Transcript`].
    pub signature: Signature,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerJson {
    acceptor_account: AccountId,
    acceptor_bundle: String,
    acceptor_name: String,
    grant: DepositGrant,
    signature: Signature,
}

/// What an [`Answer`] is sealed from, besides the acceptor's identity: the invite it answers
/// and the acceptor's own values.
#[derive(Clone, Debug)]
pub struct AnswerParts<'a> {
    pub secret: &'a InviteSecret,
    /// The exact offer bytes that were opened.
    pub sealed_offer: &'a [u8],
    /// The offer opened from `sealed_offer`.
    pub offer: &'a Offer,
    pub acceptor_account: AccountId,
    /// At most 100 characters.
    pub acceptor_name: &'a str,
    pub grant: DepositGrant,
}

impl Answer {
    /// The acceptor's answer to the offer it opened: signs the transcript with `me` and seals
    /// under the answer key of the invite's secret.
    pub fn seal(me: &Identity, parts: AnswerParts<'_>) -> Result<Vec<u8>, InviteSealError> {
        Self::seal_with_nonce(me, parts, &SecretKey::make_random_nonce())
    }

    pub(crate) fn seal_with_nonce(
        me: &Identity,
        parts: AnswerParts<'_>,
        nonce: &Nonce,
    ) -> Result<Vec<u8>, InviteSealError> {
        let AnswerParts {
            secret,
            sealed_offer,
            offer,
            acceptor_account,
            acceptor_name,
            grant,
        } = parts;
        check_name(acceptor_name)?;
        let keys = secret.keys();
        let transcript = Transcript::new(
            keys.id(),
            &offer.inviter_bundle.fingerprint(),
            &me.fingerprint(),
            sealed_offer,
        );
        let plaintext = canonical_json::encode(&AnswerJson {
            acceptor_account,
            acceptor_bundle: b64::encode(me.bundle().as_bytes()),
            acceptor_name: acceptor_name.to_owned(),
            grant,
            signature: me.sign(SignatureKind::Transcript, transcript.as_bytes()),
        });
        sized(keys.seal(Direction::Answer, nonce, &plaintext))
    }

    /// The inviter opens an answer to its own offer (`sealed_offer`, the exact bytes it
    /// posted; `inviter` its own fingerprint). Rules, in order: `too_large`,
    /// `malformed_invite`, `invite_altered`, `invalid_invite`, `bad_bundle`, `bad_transcript`.
    pub fn open(
        secret: &InviteSecret,
        inviter: &Fingerprint,
        sealed_offer: &[u8],
        sealed_answer: &[u8],
    ) -> Result<Self, InviteError> {
        let keys = secret.keys();
        let plaintext = keys.open(Direction::Answer, sealed_answer)?;
        let json: AnswerJson =
            canonical_json::decode(&plaintext).map_err(|_| InviteError::Invalid)?;
        check_name(&json.acceptor_name).map_err(|_| InviteError::Invalid)?;
        let acceptor_bundle = parse_bundle(&json.acceptor_bundle)?;
        let transcript = Transcript::new(
            keys.id(),
            inviter,
            &acceptor_bundle.fingerprint(),
            sealed_offer,
        );
        acceptor_bundle
            .verify(
                SignatureKind::Transcript,
                transcript.as_bytes(),
                &json.signature,
            )
            .map_err(|_| InviteError::BadTranscript)?;
        Ok(Self {
            acceptor_account: json.acceptor_account,
            acceptor_bundle,
            acceptor_name: json.acceptor_name,
            grant: json.grant,
            signature: json.signature,
        })
    }
}

/// What both sides sign: `invite id (16) || inviter fingerprint (32) || acceptor fingerprint
/// (32) || SHA-256(sealed offer) (32)`, 112 bytes, no label (the signature kind is the label).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Transcript([u8; TRANSCRIPT_LEN]);

impl Transcript {
    pub fn new(
        invite_id: InviteId,
        inviter: &Fingerprint,
        acceptor: &Fingerprint,
        sealed_offer: &[u8],
    ) -> Self {
        let mut bytes = [0u8; TRANSCRIPT_LEN];
        bytes[..ID_LEN].copy_from_slice(invite_id.as_bytes());
        bytes[ID_LEN..ID_LEN + 32].copy_from_slice(inviter.as_bytes());
        bytes[ID_LEN + 32..ID_LEN + 64].copy_from_slice(acceptor.as_bytes());
        bytes[ID_LEN + 64..].copy_from_slice(&sha256(sealed_offer));
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; TRANSCRIPT_LEN] {
        &self.0
    }

    /// What the inviter signs to confirm: `transcript || SHA-256(sealed answer)`, 144 bytes,
    /// so the confirmation names the exact answer the inviter saw.
    pub fn connect_content(&self, sealed_answer: &[u8]) -> [u8; TRANSCRIPT_LEN + 32] {
        let mut bytes = [0u8; TRANSCRIPT_LEN + 32];
        bytes[..TRANSCRIPT_LEN].copy_from_slice(&self.0);
        bytes[TRANSCRIPT_LEN..].copy_from_slice(&sha256(sealed_answer));
        bytes
    }
}

impl fmt::Debug for Transcript {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Transcript({})", b64::encode(&self.0))
    }
}

/// The inviter's confirmation for the `connect` message, after the user confirmed the
/// acceptor's words: a [`SignatureKind::Transcript`] signature over
/// [`Transcript::connect_content`].
pub fn sign_connect(
    me: &Identity,
    invite_id: InviteId,
    acceptor: &Fingerprint,
    sealed_offer: &[u8],
    sealed_answer: &[u8],
) -> Signature {
    let transcript = Transcript::new(invite_id, &me.fingerprint(), acceptor, sealed_offer);
    me.sign(
        SignatureKind::Transcript,
        &transcript.connect_content(sealed_answer),
    )
}

/// The acceptor checks the inviter's confirmation against the offer and answer it kept and
/// the inviter's bundle from the offer: `bad_transcript` unless it verifies.
pub fn verify_connect(
    inviter: &KeyBundle,
    invite_id: InviteId,
    acceptor: &Fingerprint,
    sealed_offer: &[u8],
    sealed_answer: &[u8],
    signature: &Signature,
) -> Result<(), InviteError> {
    let transcript = Transcript::new(invite_id, &inviter.fingerprint(), acceptor, sealed_offer);
    inviter
        .verify(
            SignatureKind::Transcript,
            &transcript.connect_content(sealed_answer),
            signature,
        )
        .map_err(|_| InviteError::BadTranscript)
}

fn check_name(name: &str) -> Result<(), InviteSealError> {
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(InviteSealError::NameTooLong);
    }
    Ok(())
}

fn sized(sealed: Vec<u8>) -> Result<Vec<u8>, InviteSealError> {
    if sealed.len() > MAX_SEALED_INVITE_LEN {
        return Err(InviteSealError::TooLarge);
    }
    Ok(sealed)
}

/// A bundle field: canonical base64url of a bundle that verifies, else `bad_bundle`.
fn parse_bundle(text: &str) -> Result<KeyBundle, InviteError> {
    let bytes = b64::decode(text).map_err(|_| InviteError::BadBundle)?;
    KeyBundle::from_bytes(&bytes).map_err(|_| InviteError::BadBundle)
}
