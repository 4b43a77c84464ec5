//! Checks of every field of a create request before anything is stored or emailed.
//! Error messages name the field and the rule, never the value.

use keypost_protocol::api::CreatePickupRequest;
use keypost_protocol::b64;
use zeroize::Zeroizing;

use crate::pickups::NewPickup;

/// Largest sealed payload the relay keeps.
pub const MAX_CIPHERTEXT_BYTES: usize = 5 * 1024 * 1024;
/// Body limit of `POST /pickups`: the base64url ciphertext plus room for the other fields.
pub const CREATE_BODY_LIMIT: usize = MAX_CIPHERTEXT_BYTES.div_ceil(3) * 4 + 64 * 1024;
pub const MAX_SENDER_NAME_CHARS: usize = 100;
pub const MAX_MESSAGE_CHARS: usize = 500;
pub const MAX_EMAIL_CHARS: usize = 254;
pub const MIN_LIFETIME_SECONDS: u64 = 3_600;
pub const MAX_LIFETIME_SECONDS: u64 = 7_776_000;
pub const MAX_VIEWS: u32 = 100;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ValidationError {
    #[error("{field} must be canonical unpadded base64url of {bytes} bytes")]
    Binary { field: &'static str, bytes: usize },
    #[error("ciphertext must be canonical unpadded base64url, 1 byte to 5 MiB")]
    Ciphertext,
    #[error("recipient_email is not a valid email address")]
    Email,
    #[error("sender_name must be 1 to 100 characters without control characters")]
    SenderName,
    #[error(
        "message must be at most 500 characters without control characters other than line breaks"
    )]
    Message,
    #[error("expires_in_seconds must be between 3600 and 7776000")]
    Lifetime,
    #[error("max_views must be between 1 and 100")]
    Views,
}

/// Decodes a fixed-size binary field, naming the field in the error.
pub fn binary<const N: usize>(field: &'static str, text: &str) -> Result<[u8; N], ValidationError> {
    b64::decode_array::<N>(text).map_err(|_| ValidationError::Binary { field, bytes: N })
}

/// The pieces of a valid create request: what is stored, and the link secret for the email.
pub struct ValidCreate {
    pub pickup: NewPickup,
    /// Goes into the email link only; never stored or logged (see [`crate::mail`]).
    pub link_fragment: Zeroizing<String>,
}

/// Validates and decodes a create request. `now` is Unix seconds.
pub fn create_request(
    mut request: CreatePickupRequest,
    now: i64,
) -> Result<ValidCreate, ValidationError> {
    let link_fragment = Zeroizing::new(std::mem::take(&mut request.link_fragment));
    // Only the shape is checked; the decoded bytes are wiped at once.
    Zeroizing::new(binary::<32>("link_fragment", &link_fragment)?);
    let id = binary::<16>("id", &request.id)?;
    let pin_verifier = Zeroizing::new(binary::<32>("pin_verifier", &request.pin_verifier)?);
    let delete_verifier = request
        .delete_verifier
        .as_deref()
        .map(|text| binary::<32>("delete_verifier", text))
        .transpose()?;
    let owner_token_hash = binary::<32>("owner_token_hash", &request.owner_token_hash)?;
    if request.ciphertext.len() > CREATE_BODY_LIMIT {
        return Err(ValidationError::Ciphertext);
    }
    let ciphertext = b64::decode(&request.ciphertext).map_err(|_| ValidationError::Ciphertext)?;
    if ciphertext.is_empty() || ciphertext.len() > MAX_CIPHERTEXT_BYTES {
        return Err(ValidationError::Ciphertext);
    }
    if !is_valid_email(&request.recipient_email) {
        return Err(ValidationError::Email);
    }
    let name_chars = request.sender_name.chars().count();
    if name_chars == 0
        || name_chars > MAX_SENDER_NAME_CHARS
        || request.sender_name.trim().is_empty()
        || request.sender_name.chars().any(char::is_control)
    {
        return Err(ValidationError::SenderName);
    }
    if request.message.chars().count() > MAX_MESSAGE_CHARS
        || request
            .message
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(ValidationError::Message);
    }
    if !(MIN_LIFETIME_SECONDS..=MAX_LIFETIME_SECONDS).contains(&request.expires_in_seconds) {
        return Err(ValidationError::Lifetime);
    }
    if request
        .max_views
        .is_some_and(|views| !(1..=MAX_VIEWS).contains(&views))
    {
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
            recipient_email: request.recipient_email,
            sender_name: request.sender_name,
            message: request.message,
            created_at: now,
            expires_at: now.saturating_add(lifetime),
            max_views: request.max_views,
            retrieval_step: request.retrieval_step,
            passphrase_required: request.passphrase_required,
            emailed: false,
        },
        link_fragment,
    })
}

/// A plain `local@domain` address: printable ASCII, no spaces, quotes, brackets, CR or LF
/// (so it cannot inject headers), a dotted domain of letters, digits and hyphens. Stricter
/// than RFC 5321 on purpose; lettre parses it again before sending.
pub fn is_valid_email(address: &str) -> bool {
    if address.len() > MAX_EMAIL_CHARS {
        return false;
    }
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_rules_refuse_injection_and_odd_forms() {
        assert!(is_valid_email("ada@example.org"));
        assert!(is_valid_email("a.b+tag@mail.example.co.uk"));
        for bad in [
            "",
            "ada",
            "ada@localhost",
            "ada@example.org\r\nBcc: eve@example.org",
            "ada@exa mple.org",
            "\"ada\"@example.org",
            "ada@@example.org",
            ".ada@example.org",
            "ada..b@example.org",
            "ada@-example.org",
            "Ada <ada@example.org>",
        ] {
            assert!(!is_valid_email(bad), "{bad:?} accepted");
        }
    }

    #[test]
    fn create_body_limit_fits_the_largest_ciphertext() {
        let encoded = b64::encode(&vec![0u8; MAX_CIPHERTEXT_BYTES]);
        assert!(encoded.len() + 2048 < CREATE_BODY_LIMIT);
    }
}
