//! What the People tab sends and receives. Contacts, acceptances and previews travel as core's
//! own types (`ContactCard`, `PendingAcceptance`, `InvitePreview`: public values only); the
//! shell adds QR codes and the token that keeps an opened invite in Rust until it is accepted.

use keypost_core::contacts::{InviteCreated, InvitePreview, Me, RelayAccount};
use keypost_core::identity::IdCard;
use keypost_protocol::inbox::InviteId;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::commands::sharing::qr;
use crate::error::CommandResult;

/// The ID card: name, 7 words, fingerprint, the relay account (`null` until registered) and a
/// QR code of the fingerprint's text form.
#[derive(Debug, Clone, Serialize, TS)]
pub struct MyId {
    pub card: IdCard,
    pub account: Option<RelayAccount>,
    /// A complete SVG document.
    pub qr_svg: String,
}

impl MyId {
    pub fn new(me: Me) -> CommandResult<Self> {
        let qr_svg = qr(&me.card.fingerprint.to_string())?;
        Ok(Self {
            card: me.card,
            account: me.account,
            qr_svg,
        })
    }
}

/// The "Invite someone" form.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct InviteRequest {
    /// What this vault will call them.
    pub name: String,
    /// Only an account that verified this address may accept; `null` or empty: anyone with
    /// the link.
    pub email: Option<String>,
    pub note: String,
    /// 1 to 168 (`INBOX_LIMITS`, in seconds).
    pub expires_in_hours: u32,
}

/// An invite to hand over: link, code form, ready-to-paste text (install hint and expiry
/// included), and a QR code of the link. The link holds the invite's secret.
#[derive(Clone, Serialize, TS)]
pub struct InviteCard {
    pub invite_id: InviteId,
    pub name: String,
    pub link: String,
    pub code: String,
    pub message: String,
    /// RFC 3339.
    pub expires_at: String,
    /// A complete SVG document.
    pub qr_svg: String,
}

impl InviteCard {
    pub fn new(created: InviteCreated) -> CommandResult<Self> {
        let qr_svg = qr(&created.link)?;
        Ok(Self {
            invite_id: created.invite_id,
            name: created.name.clone(),
            link: created.link.as_str().to_owned(),
            code: created.code.as_str().to_owned(),
            message: created.message.as_str().to_owned(),
            expires_at: created
                .expires_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            qr_svg,
        })
    }
}

/// An opened invite: `token` accepts it with `accept_invite`.
#[derive(Clone, Serialize, TS)]
pub struct OpenedInvite {
    pub token: u32,
    pub invite: InvitePreview,
}
