//! The pickup test vectors of docs/spec/pickup.md, "Test vectors", built deterministically.
//! Dev-only: the shipped library does not contain it.
//!
//! `cargo run -p keypost-protocol --example make_vectors` writes them to
//! `tests/vectors/pickup/`; the crate's `vectors` test checks the files equal this output and
//! that this implementation meets every `expect`, and the pickup page's vitest run checks the
//! same files with the JavaScript implementation.
//!
//! Every input comes from SHA-256 of a label, so the files never change unless the format does.

use keypost_protocol::b64;
use keypost_protocol::crypto::{KdfParams, KdfPolicy};
use keypost_protocol::pickup::{
    self, EntrySnapshot, HEADER_LEN, LinkError, LinkSecret, NONCE_LEN, Payload, PayloadError,
    PickupLink, Pin, PinError, SealError, SnapshotField,
};
use keypost_protocol::vectors::{pickup_trace, seal_plaintext};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use time::macros::datetime;

/// The cheapest passphrase cost, so generating and checking the vectors stays fast.
const FAST_KDF: KdfParams = KdfPolicy::PICKUP_PASSPHRASE.floor;

#[derive(Debug, thiserror::Error)]
pub enum TestkitError {
    #[error(transparent)]
    Pin(#[from] PinError),
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error(transparent)]
    Link(#[from] LinkError),
    #[error(transparent)]
    Payload(#[from] PayloadError),
    #[error(transparent)]
    Passphrase(#[from] pickup::PassphraseError),
    #[error("vector {0}: the chosen input does not have the property the vector needs")]
    Unsuitable(&'static str),
}

/// One vector: a file `<name>.json` in `tests/vectors/pickup/`.
#[derive(Clone, Debug, PartialEq)]
pub struct Vector {
    pub name: String,
    pub contents: Value,
}

impl Vector {
    pub fn file_name(&self) -> String {
        format!("{}.json", self.name)
    }

    /// The file's exact text: pretty JSON with sorted keys and a final newline.
    pub fn file_text(&self) -> String {
        format!("{:#}\n", self.contents)
    }
}

/// The relay page URL used in the vectors.
const LOCAL_RELAY: &str = "http://127.0.0.1:8080";
const PREFIXED_RELAY: &str = "https://relay.example/keypost";

pub fn pickup_vectors() -> Result<Vec<Vector>, TestkitError> {
    let mut vectors = Vec::new();
    open_vectors(&mut vectors)?;
    link_vectors(&mut vectors)?;
    pin_vectors(&mut vectors)?;
    Ok(vectors)
}

fn seed(label: &str) -> [u8; 32] {
    Sha256::digest(format!("keypost pickup test vector: {label}").as_bytes()).into()
}

fn nonce(label: &str) -> [u8; NONCE_LEN] {
    let mut nonce = [0u8; NONCE_LEN];
    nonce.copy_from_slice(&seed(&format!("{label} nonce"))[..NONCE_LEN]);
    nonce
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn page_url(relay: &str, secret: &LinkSecret) -> String {
    format!("{relay}{}{}", pickup::PAGE_PATH, b64::encode(&secret.id()))
}

fn web_link(relay: &str, secret: &LinkSecret) -> Result<String, TestkitError> {
    Ok(PickupLink::new(&page_url(relay, secret), secret.clone())?
        .to_web_link()
        .to_string())
}

/// A sealed fixture every open vector starts from.
struct Fixture {
    secret: LinkSecret,
    relay: &'static str,
    pin: &'static str,
    /// The passphrase as sealed (NFC) and the Argon2id cost.
    passphrase: Option<(&'static str, KdfParams)>,
    payload: Payload,
    sealed: Vec<u8>,
}

impl Fixture {
    fn new(
        label: &str,
        relay: &'static str,
        pin: &'static str,
        passphrase: Option<(&'static str, KdfParams)>,
        payload: Payload,
    ) -> Result<Self, TestkitError> {
        let secret = LinkSecret::from_bytes(seed(label));
        let plaintext = payload.to_canonical_json()?;
        let sealed = seal_bytes(&secret, pin, passphrase, label, &plaintext)?;
        Ok(Self {
            secret,
            relay,
            pin,
            passphrase,
            payload,
            sealed,
        })
    }

    fn link(&self) -> Result<String, TestkitError> {
        web_link(self.relay, &self.secret)
    }

    /// An `ok` vector with every intermediate value, so a new implementation can find the
    /// first step where it differs.
    fn ok_vector(
        &self,
        name: &str,
        description: &str,
        passphrase_input: Option<&str>,
    ) -> Result<Vector, TestkitError> {
        let keys = self.secret.keys();
        let pin = Pin::parse(self.pin)?;
        let passphrase = match (self.passphrase, passphrase_input) {
            (Some((_, kdf)), Some(text)) => Some((text, kdf)),
            _ => None,
        };
        let trace = pickup_trace(&self.secret, &pin, passphrase)?;
        let challenge = seed(&format!("{name} challenge"));
        let derived = json!({
            "id": hex(trace.id.as_bytes()),
            "auth_key": hex(&trace.auth_key),
            "delete_key": hex(&trace.delete_key),
            "payload_key_material": hex(&trace.payload_key_material),
            "pin_verifier": hex(&trace.pin_verifier),
            "delete_verifier": hex(&trace.delete_verifier),
            "passphrase_key": trace.passphrase_key.as_ref().map(|key| hex(key)),
            "payload_key": hex(&trace.payload_key),
            "challenge": hex(&challenge),
            "proof": hex(&keys.proof(&pin, &challenge)),
        });
        let mut contents = open_contents(
            name,
            description,
            &self.link()?,
            self.pin,
            passphrase_input,
            &self.sealed,
            "ok",
        );
        contents["derived"] = derived;
        contents["payload"] = serde_json::to_value(&self.payload)
            .map_err(|_| TestkitError::Unsuitable("payload to JSON"))?;
        Ok(Vector {
            name: name.to_owned(),
            contents,
        })
    }

    /// A vector that opens this fixture's link with other inputs or altered bytes.
    fn failing(
        &self,
        name: &str,
        description: &str,
        pin: &str,
        passphrase: Option<&str>,
        sealed: &[u8],
        expect: &str,
    ) -> Result<Vector, TestkitError> {
        Ok(Vector {
            name: name.to_owned(),
            contents: open_contents(
                name,
                description,
                &self.link()?,
                pin,
                passphrase,
                sealed,
                expect,
            ),
        })
    }

    fn altered(&self, index: usize, change: impl Fn(u8) -> u8) -> Vec<u8> {
        let mut copy = self.sealed.clone();
        copy[index] = change(copy[index]);
        copy
    }
}

fn open_contents(
    name: &str,
    description: &str,
    link: &str,
    pin: &str,
    passphrase: Option<&str>,
    sealed: &[u8],
    expect: &str,
) -> Value {
    open_contents_b64(
        name,
        description,
        link,
        pin,
        passphrase,
        &b64::encode(sealed),
        expect,
    )
}

fn open_contents_b64(
    name: &str,
    description: &str,
    link: &str,
    pin: &str,
    passphrase: Option<&str>,
    sealed: &str,
    expect: &str,
) -> Value {
    json!({
        "kind": "open",
        "name": name,
        "description": description,
        "link": link,
        "pin": pin,
        "passphrase": passphrase,
        "sealed": sealed,
        "expect": expect,
    })
}

fn seal_bytes(
    secret: &LinkSecret,
    pin: &str,
    passphrase: Option<(&str, KdfParams)>,
    label: &str,
    plaintext: &[u8],
) -> Result<Vec<u8>, TestkitError> {
    let pin = Pin::parse(pin)?;
    let kdf = passphrase.map_or(FAST_KDF, |(_, kdf)| kdf);
    Ok(seal_plaintext(
        secret,
        &pin,
        passphrase.map(|(text, _)| text),
        kdf,
        nonce(label),
        plaintext,
    )?
    .ciphertext)
}

fn entry(title: &str, username: &str, password: &str) -> EntrySnapshot {
    let mut entry = EntrySnapshot::default();
    entry.title = title.into();
    entry.username = username.into();
    entry.password = password.into();
    entry
}

fn one_entry_payload() -> Payload {
    let mut router = entry("Home router", "admin", "c0rrect-h0rse-battery");
    router.urls = vec!["http://192.168.1.1/".into()];
    Payload::new(
        "Ana Lima",
        "The router login, as promised.",
        datetime!(2026-11-20 10:00:00 UTC),
        vec![router],
    )
}

/// Strings that exercise every JSON escape and non-ASCII text.
fn many_entries_payload() -> Payload {
    let mut email = entry("Email", "zoe@example.com", "p@ss\"w0rd\\😀");
    email.urls = vec![
        "https://mail.example.com/login?x=1&y=2".into(),
        "https://example.com/".into(),
    ];
    email.notes = "Recovery codes:\n1111-2222\n3333-4444".into();
    email.custom_fields = vec![
        SnapshotField {
            name: "Backup PIN".into(),
            value: "0000".into(),
            hidden: true,
        },
        SnapshotField {
            name: "Security question".into(),
            value: "Blue".into(),
            hidden: false,
        },
    ];
    email.totp = "otpauth://totp/Example:zoe?secret=JBSWY3DPEHPK3PXP&issuer=Example".into();
    let control = entry("Wi-Fi\tguest", "", "\u{0}\u{1f}\u{7f}\u{2028}</script>");
    let mut japanese = entry("日本語のタイトル", "ユーザー", "パスワード");
    japanese.urls = vec!["https://例え.テスト/".into()];
    Payload::new(
        "Zoë O'Brien 🙂",
        "Line 1\nLine 2\t\"quoted\" \\ back/slash — עברית",
        datetime!(2026-11-20 23:59:59 UTC),
        vec![email, control, japanese],
    )
}

/// A vector that opens a fixture's link with other inputs or altered bytes: the fixture, the
/// name, the description, the PIN, the passphrase, the sealed bytes and the expected error.
type FailingOpen<'a> = (
    &'a Fixture,
    &'a str,
    &'a str,
    &'a str,
    Option<&'a str>,
    Vec<u8>,
    &'a str,
);

fn open_vectors(out: &mut Vec<Vector>) -> Result<(), TestkitError> {
    let passphrase = "correct horse battery staple";
    let a = Fixture::new("pickup A", LOCAL_RELAY, "40917", None, one_entry_payload())?;
    let b = Fixture::new(
        "pickup B",
        PREFIXED_RELAY,
        "40917",
        None,
        many_entries_payload(),
    )?;
    let c = Fixture::new(
        "pickup C",
        LOCAL_RELAY,
        "27384",
        Some((passphrase, FAST_KDF)),
        one_entry_payload(),
    )?;
    let d = Fixture::new(
        "pickup D",
        LOCAL_RELAY,
        "00417",
        Some(("Ångström café", FAST_KDF)),
        one_entry_payload(),
    )?;
    let nfd = "A\u{30a}ngstro\u{308}m cafe\u{301}";

    out.push(a.ok_vector("open_ok_one_entry", "One entry, no passphrase.", None)?);
    out.push(b.ok_vector(
        "open_ok_many_entries",
        "Three entries with every JSON escape, non-ASCII text, custom fields, notes and TOTP; \
         relay under a path prefix.",
        None,
    )?);
    out.push(c.ok_vector(
        "open_ok_passphrase",
        "With a passphrase (Argon2id at the minimum cost).",
        Some(passphrase),
    )?);
    out.push(d.ok_vector(
        "open_ok_passphrase_nfd_leading_zero_pin",
        "Sealed with the NFC passphrase, opened with its NFD spelling (openers normalise to \
         NFC); the PIN starts with zeros.",
        Some(nfd),
    )?);

    let sealed_a = &a.sealed;
    let last = sealed_a.len() - 1;
    let mut low_memory = c.sealed.clone();
    low_memory[10..14].copy_from_slice(&4_096u32.to_be_bytes());
    let mut high_memory = c.sealed.clone();
    high_memory[10..14].copy_from_slice(&u32::MAX.to_be_bytes());
    let failing: Vec<FailingOpen> = vec![
        (
            &a,
            "open_wrong_pin",
            "The PIN is off by one.",
            "40918",
            None,
            sealed_a.to_vec(),
            "decryption_failed",
        ),
        (
            &c,
            "open_wrong_passphrase",
            "The passphrase has an extra letter.",
            c.pin,
            Some("correct horse battery stapler"),
            c.sealed.clone(),
            "decryption_failed",
        ),
        (
            &c,
            "open_missing_passphrase",
            "The header asks for a passphrase and none is given.",
            c.pin,
            None,
            c.sealed.clone(),
            "passphrase_required",
        ),
        (
            &a,
            "open_unexpected_passphrase",
            "A passphrase is given for a pickup that has none.",
            a.pin,
            Some(passphrase),
            sealed_a.to_vec(),
            "passphrase_not_expected",
        ),
        (
            &a,
            "open_tampered_ciphertext",
            "One bit of the encrypted payload is flipped.",
            a.pin,
            None,
            a.altered(HEADER_LEN + 5, |byte| byte ^ 0x01),
            "decryption_failed",
        ),
        (
            &a,
            "open_tampered_tag",
            "One bit of the Poly1305 tag is flipped.",
            a.pin,
            None,
            a.altered(last, |byte| byte ^ 0x80),
            "decryption_failed",
        ),
        (
            &a,
            "open_tampered_header_nonce",
            "One bit of the nonce in the header is flipped.",
            a.pin,
            None,
            a.altered(20, |byte| byte ^ 0x01),
            "decryption_failed",
        ),
        (
            &c,
            "open_tampered_header_kdf",
            "The header's Argon2id iterations are raised from 1 to 2 (still in range): the header \
             is authenticated, so this fails like any other change.",
            c.pin,
            Some(passphrase),
            c.altered(17, |_| 2),
            "decryption_failed",
        ),
        (
            &c,
            "open_tampered_header_flag_cleared",
            "The passphrase flag is cleared but the Argon2id fields are not zero.",
            c.pin,
            None,
            c.altered(9, |_| 0),
            "malformed_header",
        ),
        (
            &a,
            "open_reserved_flag_bit",
            "A reserved flag bit is set.",
            a.pin,
            None,
            a.altered(9, |_| 0x02),
            "malformed_header",
        ),
        (
            &a,
            "open_bad_magic",
            "The magic is \"KPPICKUQ\".",
            a.pin,
            None,
            a.altered(7, |_| b'Q'),
            "malformed_header",
        ),
        (
            &a,
            "open_unsupported_version",
            "Format version 2.",
            a.pin,
            None,
            a.altered(8, |_| 2),
            "unsupported_version",
        ),
        (
            &a,
            "open_truncated",
            "Shorter than a header and a tag.",
            a.pin,
            None,
            sealed_a[..HEADER_LEN + 15].to_vec(),
            "malformed_header",
        ),
        (
            &a,
            "open_no_passphrase_but_kdf_fields",
            "No passphrase flag, yet an Argon2id memory value.",
            a.pin,
            None,
            a.altered(12, |_| 0x20),
            "malformed_header",
        ),
        (
            &c,
            "open_kdf_memory_too_low",
            "Argon2id memory 4,096 KiB, below the 8,192 KiB floor.",
            c.pin,
            Some(passphrase),
            low_memory,
            "kdf_params_out_of_range",
        ),
        (
            &c,
            "open_kdf_memory_too_high",
            "Argon2id memory 4 TiB: MUST be refused before any Argon2id work.",
            c.pin,
            Some(passphrase),
            high_memory,
            "kdf_params_out_of_range",
        ),
        (
            &c,
            "open_kdf_iterations_too_high",
            "Argon2id iterations 5, above the ceiling of 4.",
            c.pin,
            Some(passphrase),
            c.altered(17, |_| 5),
            "kdf_params_out_of_range",
        ),
        (
            &b,
            "open_swapped_payload",
            "Pickup A's sealed payload served for pickup B's link (same PIN).",
            b.pin,
            None,
            sealed_a.to_vec(),
            "decryption_failed",
        ),
        (
            &a,
            "open_bad_pin_four_digits",
            "A 4-digit PIN is not a PIN.",
            "4091",
            None,
            sealed_a.to_vec(),
            "bad_pin",
        ),
        (
            &a,
            "open_bad_pin_non_ascii_digits",
            "Arabic-Indic digits are not ASCII digits.",
            "٤٠٩١٧",
            None,
            sealed_a.to_vec(),
            "bad_pin",
        ),
    ];
    for (fixture, name, description, pin, passphrase, sealed, expect) in failing {
        out.push(fixture.failing(name, description, pin, passphrase, &sealed, expect)?);
    }
    // Only an encoding whose length is not a multiple of 4 has unused bits to set.
    let with_unused_bits = [&a, &b, &c, &d]
        .into_iter()
        .find(|fixture| !b64::encode(&fixture.sealed).len().is_multiple_of(4))
        .ok_or(TestkitError::Unsuitable("open_sealed_non_canonical_base64"))?;
    let sealed_text = b64::encode(&with_unused_bits.sealed);
    out.push(Vector {
        name: "open_sealed_non_canonical_base64".into(),
        contents: open_contents_b64(
            "open_sealed_non_canonical_base64",
            "The sealed payload's base64url has a non-zero unused bit in its last character.",
            &with_unused_bits.link()?,
            with_unused_bits.pin,
            with_unused_bits.passphrase.map(|(text, _)| text),
            &set_trailing_bit(&sealed_text),
            "non_canonical",
        ),
    });
    invalid_payload_vectors(out)
}

/// Plaintexts that decrypt fine but are not a canonical payload within the limits.
fn invalid_payload_vectors(out: &mut Vec<Vector>) -> Result<(), TestkitError> {
    let canonical = String::from_utf8(one_entry_payload().to_canonical_json()?.to_vec())
        .map_err(|_| TestkitError::Unsuitable("payload is UTF-8"))?;
    let replaced = |from: &str, to: &str| -> Result<String, TestkitError> {
        if canonical.contains(from) {
            Ok(canonical.replacen(from, to, 1))
        } else {
            Err(TestkitError::Unsuitable("replacement target"))
        }
    };
    let empty_entry = r#"{"title":"","username":"","password":"","urls":[],"notes":"","custom_fields":[],"totp":""}"#;
    let (head, _) = canonical
        .split_once(r#""entries":["#)
        .ok_or(TestkitError::Unsuitable("entries"))?;
    let with_entries = |entries: &str| format!(r#"{head}"entries":[{entries}]}}"#);
    let cases = [
        (
            "payload_not_canonical_whitespace",
            "A space after a comma.",
            replaced(r#""v":1,"#, r#""v":1, "#)?,
        ),
        (
            "payload_not_canonical_escape",
            "\"A\" written as \\u0041.",
            replaced("Ana", r"\u0041na")?,
        ),
        (
            "payload_unknown_field",
            "An entry carries \"tags\", which a payload never has.",
            replaced(r#""totp":"""#, r#""totp":"","tags":["work"]"#)?,
        ),
        (
            "payload_missing_field",
            "An entry without \"totp\".",
            replaced(r#","totp":"""#, "")?,
        ),
        (
            "payload_duplicate_field",
            "\"sender_name\" twice.",
            replaced(r#""message""#, r#""sender_name":"Eve","message""#)?,
        ),
        (
            "payload_version_2",
            "\"v\":2.",
            replaced(r#""v":1"#, r#""v":2"#)?,
        ),
        (
            "payload_version_float",
            "\"v\":1.0.",
            replaced(r#""v":1"#, r#""v":1.0"#)?,
        ),
        (
            "payload_bad_sent_at_fraction",
            "sent_at has a fraction of a second.",
            replaced("10:00:00Z", "10:00:00.5Z")?,
        ),
        (
            "payload_bad_sent_at_date",
            "sent_at on 31 November.",
            replaced("2026-11-20T", "2026-11-31T")?,
        ),
        (
            "payload_lone_surrogate",
            "The sender's name is an unpaired UTF-16 surrogate escape.",
            replaced("Ana Lima", r"\ud800")?,
        ),
        (
            "payload_no_entries",
            "An empty entries list.",
            with_entries(""),
        ),
        (
            "payload_too_many_entries",
            "1,001 entries.",
            with_entries(&vec![empty_entry; 1_001].join(",")),
        ),
        ("payload_not_json", "Plain text.", "not json".to_owned()),
    ];
    let mut not_utf8 = canonical.clone().into_bytes();
    let name_at = canonical
        .find("Ana")
        .ok_or(TestkitError::Unsuitable("payload_invalid_utf8"))?;
    not_utf8[name_at + 1] = 0xff;
    let cases = cases
        .into_iter()
        .map(|(name, description, text)| (name, description, text.into_bytes()))
        .chain([(
            "payload_invalid_utf8",
            "A byte that is not UTF-8 inside a string.",
            not_utf8,
        )]);
    for (name, description, bytes) in cases {
        let secret = LinkSecret::from_bytes(seed(name));
        let sealed = seal_bytes(&secret, "40917", None, name, &bytes)?;
        out.push(Vector {
            name: format!("open_{name}"),
            contents: open_contents(
                &format!("open_{name}"),
                &format!("Decrypts, but the payload is invalid: {description}"),
                &web_link(LOCAL_RELAY, &secret)?,
                "40917",
                None,
                &sealed,
                "invalid_payload",
            ),
        });
    }
    Ok(())
}

/// Sets one of the unused low bits of the last base64url character.
fn set_trailing_bit(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let (head, last) = text.split_at(text.len() - 1);
    let index = ALPHABET
        .iter()
        .position(|&c| last.as_bytes().first() == Some(&c))
        .unwrap_or(0);
    format!("{head}{}", char::from(ALPHABET[index ^ 1]))
}

fn ok_link_vector(
    name: &str,
    description: &str,
    input: String,
    relay: &str,
    secret: &LinkSecret,
) -> Result<Vector, TestkitError> {
    let parsed = PickupLink::new(&page_url(relay, secret), secret.clone())?;
    Ok(Vector {
        name: name.to_owned(),
        contents: json!({
            "kind": "link",
            "name": name,
            "description": description,
            "link": input,
            "expect": "ok",
            "secret": secret.to_fragment().as_str(),
            "id": b64::encode(&secret.id()),
            "page_url": parsed.page_url(),
            "relay_url": parsed.relay_url(),
            "web_link": parsed.to_web_link().as_str(),
            "deep_link": parsed.to_deep_link().as_str(),
        }),
    })
}

fn link_vectors(out: &mut Vec<Vector>) -> Result<(), TestkitError> {
    let secret = LinkSecret::from_bytes(seed("link"));
    let fragment = secret.to_fragment().to_string();
    let page = page_url(LOCAL_RELAY, &secret);
    let bad_link = |name: &str, description: &str, input: String, expect: &str| Vector {
        name: name.to_owned(),
        contents: json!({
            "kind": "link",
            "name": name,
            "description": description,
            "link": input,
            "expect": expect,
        }),
    };
    let alphabet_secret = LinkSecret::from_bytes([0xfb; 32]);
    let alphabet_fragment = alphabet_secret.to_fragment().to_string();
    let deep = PickupLink::new(&page, secret.clone())?
        .to_deep_link()
        .to_string();
    out.push(ok_link_vector(
        "link_ok_web",
        "The web form.",
        format!("{page}#{fragment}"),
        LOCAL_RELAY,
        &secret,
    )?);
    out.push(ok_link_vector(
        "link_ok_deep",
        "The keypost:// form.",
        deep.clone(),
        LOCAL_RELAY,
        &secret,
    )?);
    out.push(ok_link_vector(
        "link_ok_deep_lower_case_hex",
        "The keypost:// form with lower-case percent escapes.",
        deep.replace("%3A", "%3a").replace("%2F", "%2f"),
        LOCAL_RELAY,
        &secret,
    )?);
    out.push(ok_link_vector(
        "link_ok_path_prefix",
        "A relay under a path prefix.",
        format!("{}#{fragment}", page_url(PREFIXED_RELAY, &secret)),
        PREFIXED_RELAY,
        &secret,
    )?);
    out.push(ok_link_vector(
        "link_ok_surrounding_whitespace",
        "Pasted with a space before and a newline after.",
        format!(" {page}#{fragment}\n"),
        LOCAL_RELAY,
        &secret,
    )?);
    out.push(ok_link_vector(
        "link_ok_url_alphabet",
        "A secret whose encoding uses '-' and '_'.",
        format!(
            "{}#{alphabet_fragment}",
            page_url(LOCAL_RELAY, &alphabet_secret)
        ),
        LOCAL_RELAY,
        &alphabet_secret,
    )?);
    let other_id = b64::encode(&LinkSecret::from_bytes(seed("other link")).id());
    let id = b64::encode(&secret.id());
    let bad = [
        ("link_missing_fragment", "No '#'.", page.clone(), "bad_link"),
        (
            "link_empty_fragment",
            "Nothing after '#'.",
            format!("{page}#"),
            "bad_link",
        ),
        (
            "link_secret_too_short",
            "30 bytes.",
            format!("{page}#{}", &fragment[..40]),
            "bad_link",
        ),
        (
            "link_secret_too_long",
            "33 bytes.",
            format!("{page}#{}", b64::encode(&[7; 33])),
            "bad_link",
        ),
        (
            "link_secret_trailing_bits",
            "The last character has a non-zero unused bit.",
            format!("{page}#{}", set_trailing_bit(&fragment)),
            "non_canonical",
        ),
        (
            "link_secret_padded",
            "The secret ends with '='.",
            format!("{page}#{fragment}="),
            "non_canonical",
        ),
        (
            "link_secret_standard_alphabet",
            "'+' and '/' instead of '-' and '_'.",
            format!(
                "{}#{}",
                page_url(LOCAL_RELAY, &alphabet_secret),
                alphabet_fragment.replace('-', "+").replace('_', "/")
            ),
            "non_canonical",
        ),
        (
            "link_id_mismatch",
            "The page URL names another pickup.",
            format!("{LOCAL_RELAY}/p/{other_id}#{fragment}"),
            "bad_link",
        ),
        (
            "link_not_http",
            "An ftp:// page URL.",
            format!("ftp://127.0.0.1/p/{id}#{fragment}"),
            "bad_link",
        ),
        (
            "link_upper_case_scheme",
            "HTTP:// is not produced by any relay.",
            format!("HTTP://127.0.0.1:8080/p/{id}#{fragment}"),
            "bad_link",
        ),
        (
            "link_query",
            "A query string in the page URL.",
            format!("{page}?utm=x#{fragment}"),
            "bad_link",
        ),
        (
            "link_no_host",
            "No host.",
            format!("http:///p/{id}#{fragment}"),
            "bad_link",
        ),
        (
            "link_deep_raw_reserved",
            "Unescaped ':' and '/' in the keypost:// parameter.",
            format!("keypost://pickup?u={page}#{fragment}"),
            "bad_link",
        ),
        (
            "link_deep_bad_escape",
            "A '%' not followed by two hex digits.",
            format!("keypost://pickup?u=http%3A%2F%2F127.0.0.1%2#{fragment}"),
            "bad_link",
        ),
        (
            "link_deep_not_utf8",
            "A percent escape that decodes to invalid UTF-8.",
            format!("keypost://pickup?u=%FF#{fragment}"),
            "bad_link",
        ),
    ];
    for (name, description, input, expect) in bad {
        out.push(bad_link(name, description, input, expect));
    }
    Ok(())
}

fn pin_vectors(out: &mut Vec<Vector>) -> Result<(), TestkitError> {
    let cases = [
        ("pin_ok", "A PIN nobody would guess first.", "40917"),
        (
            "pin_ok_leading_zeros",
            "Leading zeros are digits like any other.",
            "00417",
        ),
        (
            "pin_ok_step_breaks",
            "24680 is not a progression (0 after 8).",
            "24680",
        ),
        ("pin_weak_repeated", "One digit five times.", "00000"),
        ("pin_weak_two_digits", "Only two distinct digits.", "12121"),
        ("pin_weak_ascending", "An ascending run.", "12345"),
        ("pin_weak_descending", "A descending run.", "54321"),
        ("pin_weak_step_two", "Odd digits in order.", "13579"),
        ("pin_bad_short", "Four digits.", "1234"),
        ("pin_bad_long", "Six digits.", "123456"),
        ("pin_bad_space", "A leading space.", " 1234"),
        ("pin_bad_letter", "A letter.", "1234a"),
        ("pin_bad_full_width", "Full-width digits.", "１２３４５"),
        ("pin_bad_sign", "A sign.", "+1234"),
    ];
    for (name, description, input) in cases {
        let parsed = Pin::parse(input);
        out.push(Vector {
            name: name.to_owned(),
            contents: json!({
                "kind": "pin",
                "name": name,
                "description": description,
                "pin": input,
                "expect": if parsed.is_ok() { "ok" } else { "bad_pin" },
                "weak": parsed.ok().map(|pin| pin.is_weak()),
            }),
        });
    }
    Ok(())
}
