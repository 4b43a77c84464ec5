//! Checks of every field of a create request before anything is stored or emailed.
//! Error messages name the field and the rule, never the value.

use keypost_protocol::api::pickups::CreatePickupRequest;
use keypost_protocol::b64;
use keypost_protocol::email::EmailAddress;
use keypost_protocol::pickup::limits::{
    MAX_EXPIRY_SECONDS, MAX_MESSAGE_CHARS, MAX_SEALED_BASE64_LEN, MAX_SEALED_LEN,
    MAX_SENDER_NAME_CHARS, MAX_VIEWS, MIN_EXPIRY_SECONDS, PickupLimits, message_chars_allowed,
    sender_name_chars_allowed,
};
use zeroize::Zeroizing;

use crate::pickups::NewPickup;

/// Body limit of `POST /pickups`: the base64url ciphertext plus room for the other fields.
pub const CREATE_BODY_LIMIT: usize = MAX_SEALED_BASE64_LEN + 64 * 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ValidationError {
    #[error("{field} must be canonical unpadded base64url of {bytes} bytes")]
    Binary { field: &'static str, bytes: usize },
    #[error("ciphertext must be canonical unpadded base64url, 1 byte to 5 MiB")]
    Ciphertext,
    #[error("recipient_email is not a valid email address")]
    Email,
    #[error(
        "recipient_email and link_fragment go together: both set (the relay emails the link) or both null (the sender delivers it)"
    )]
    Delivery,
    #[error(
        "sender_name must be 1 to {max} characters without control or format characters",
        max = MAX_SENDER_NAME_CHARS
    )]
    SenderName,
    #[error(
        "message must be at most {max} characters without format characters or control characters other than line breaks",
        max = MAX_MESSAGE_CHARS
    )]
    Message,
    #[error(
        "expires_in_seconds must be between {min} and {max}",
        min = MIN_EXPIRY_SECONDS,
        max = MAX_EXPIRY_SECONDS
    )]
    Lifetime,
    #[error("max_views must be between 1 and {max}", max = MAX_VIEWS)]
    Views,
}

/// Decodes a fixed-size binary field, naming the field in the error.
pub fn binary<const N: usize>(field: &'static str, text: &str) -> Result<[u8; N], ValidationError> {
    b64::decode_array::<N>(text).map_err(|_| ValidationError::Binary { field, bytes: N })
}

/// The pieces of a valid create request: what is stored, and the email to send if any.
pub struct ValidCreate {
    pub pickup: NewPickup,
    /// `None` when the sender delivers the link.
    pub email: Option<EmailRequest>,
}

/// The relay is asked to email the link.
pub struct EmailRequest {
    pub recipient: EmailAddress,
    /// Goes into the email link only; never stored or logged (see [`crate::mail`]).
    pub link_fragment: Zeroizing<String>,
}

/// Validates and decodes a create request. `now` is Unix seconds.
pub fn create_request(
    mut request: CreatePickupRequest,
    now: i64,
) -> Result<ValidCreate, ValidationError> {
    let email = match (request.recipient_email.take(), request.link_fragment.take()) {
        (Some(recipient), Some(link_fragment)) => {
            let link_fragment = Zeroizing::new(link_fragment);
            // Only the shape is checked; the decoded bytes are wiped at once.
            Zeroizing::new(binary::<32>("link_fragment", &link_fragment)?);
            let recipient = EmailAddress::parse(&recipient).map_err(|_| ValidationError::Email)?;
            Some(EmailRequest {
                recipient,
                link_fragment,
            })
        }
        (None, None) => None,
        (Some(_), None) | (None, Some(_)) => return Err(ValidationError::Delivery),
    };
    let id = *request.id.as_bytes();
    let pin_verifier = Zeroizing::new(binary::<32>("pin_verifier", &request.pin_verifier)?);
    let delete_verifier = request
        .delete_verifier
        .as_deref()
        .map(|text| binary::<32>("delete_verifier", text))
        .transpose()?;
    let owner_token_hash = binary::<32>("owner_token_hash", &request.owner_token_hash)?;
    let access_key_hash = binary::<32>("access_key_hash", &request.access_key_hash)?;
    if request.ciphertext.len() > CREATE_BODY_LIMIT {
        return Err(ValidationError::Ciphertext);
    }
    let ciphertext = b64::decode(&request.ciphertext).map_err(|_| ValidationError::Ciphertext)?;
    if ciphertext.is_empty() || ciphertext.len() > MAX_SEALED_LEN {
        return Err(ValidationError::Ciphertext);
    }
    let name_chars = request.sender_name.chars().count();
    if name_chars == 0
        || name_chars > MAX_SENDER_NAME_CHARS
        || request.sender_name.trim().is_empty()
        || !sender_name_chars_allowed(&request.sender_name)
    {
        return Err(ValidationError::SenderName);
    }
    if request.message.chars().count() > MAX_MESSAGE_CHARS
        || !message_chars_allowed(&request.message)
    {
        return Err(ValidationError::Message);
    }
    if !PickupLimits::expiry_allowed(request.expires_in_seconds) {
        return Err(ValidationError::Lifetime);
    }
    if !PickupLimits::views_allowed(request.max_views) {
        return Err(ValidationError::Views);
    }
    let lifetime =
        i64::try_from(request.expires_in_seconds).map_err(|_| ValidationError::Lifetime)?;
    Ok(ValidCreate {
        pickup: NewPickup {
            id,
            ciphertext,
            pin_verifier,
            delete_verifier,
            owner_token_hash,
            access_key_hash,
            recipient_email: email
                .as_ref()
                .map(|email| email.recipient.as_str().to_owned()),
            sender_name: request.sender_name,
            message: request.message,
            created_at: now,
            expires_at: now.saturating_add(lifetime),
            max_views: request.max_views,
            retrieval_step: request.retrieval_step,
            passphrase_required: request.passphrase_required,
            emailed: false,
        },
        email,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_body_limit_fits_the_largest_ciphertext() {
        let encoded = b64::encode(&vec![0u8; MAX_SEALED_LEN]);
        assert!(encoded.len() + 2048 < CREATE_BODY_LIMIT);
    }
}
