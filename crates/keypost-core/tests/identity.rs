//! The vault's inbox identity (docs/spec/inbox.md, "Identity"): made once, kept in the
//! encrypted database, the same keys after lock, unlock and a master-password change.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use keypost_core::identity::IdentityError;
use keypost_core::vault::{KdfParams, Vault};
use keypost_protocol::inbox::KeyBundle;
use tempfile::TempDir;
use time::OffsetDateTime;

const PASSWORD: &str = "correct horse battery staple";

#[test]
fn the_identity_is_made_once_and_survives_lock_unlock_and_a_password_change() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("v");
    let mut vault = Vault::create(&path, PASSWORD, KdfParams::FLOOR).unwrap();
    assert!(vault.identity().card().unwrap().is_none());
    assert!(matches!(
        vault.identity().bundle(),
        Err(IdentityError::Missing)
    ));

    let card = vault
        .identity_mut()
        .ensure("  Ana  ", OffsetDateTime::now_utc())
        .unwrap();
    assert_eq!(card.name, "Ana");
    assert_eq!(card.words.len(), 7);
    let bundle = vault.identity().bundle().unwrap();
    assert_eq!(bundle.fingerprint(), card.fingerprint);
    assert_eq!(
        KeyBundle::from_bytes(bundle.as_bytes()).unwrap(),
        bundle,
        "the stored identity makes a bundle that verifies"
    );

    // Asking again keeps the keys and takes the new name.
    let renamed = vault
        .identity_mut()
        .ensure("Ana Lima", OffsetDateTime::now_utc())
        .unwrap();
    assert_eq!(renamed.fingerprint, card.fingerprint);
    assert_eq!(renamed.name, "Ana Lima");
    drop(vault);

    let mut vault = Vault::unlock(&path, PASSWORD).unwrap();
    assert_eq!(vault.identity().bundle().unwrap(), bundle);
    vault
        .change_master_password(PASSWORD, "a new master password")
        .unwrap();
    drop(vault);

    let vault = Vault::unlock(&path, "a new master password").unwrap();
    let card_after = vault.identity().card().unwrap().unwrap();
    assert_eq!(card_after.fingerprint, card.fingerprint);
    assert_eq!(card_after.words, card.words);
    assert_eq!(vault.identity().bundle().unwrap(), bundle);
}

#[test]
fn names_are_checked_and_nothing_is_made_for_a_bad_one() {
    let dir = TempDir::new().unwrap();
    let mut vault = Vault::create(&dir.path().join("v"), PASSWORD, KdfParams::FLOOR).unwrap();
    let now = OffsetDateTime::now_utc();
    for bad in ["", "   ", "Ana\u{7}", "Ana\nLima", &"x".repeat(101)] {
        assert!(
            matches!(
                vault.identity_mut().ensure(bad, now),
                Err(IdentityError::InvalidName)
            ),
            "{bad:?}"
        );
    }
    assert!(vault.identity().card().unwrap().is_none());
    assert!(matches!(
        vault.identity_mut().rename("Ana"),
        Err(IdentityError::Missing)
    ));
    vault.identity_mut().ensure(&"é".repeat(100), now).unwrap();
    assert_eq!(vault.identity_mut().rename("Bo").unwrap().name, "Bo");
}

#[test]
fn two_vaults_have_different_identities() {
    let dir = TempDir::new().unwrap();
    let now = OffsetDateTime::now_utc();
    let mut first = Vault::create(&dir.path().join("a"), PASSWORD, KdfParams::FLOOR).unwrap();
    let mut second = Vault::create(&dir.path().join("b"), PASSWORD, KdfParams::FLOOR).unwrap();
    let a = first.identity_mut().ensure("Ana", now).unwrap();
    let b = second.identity_mut().ensure("Ana", now).unwrap();
    assert_ne!(a.fingerprint, b.fingerprint);
    assert_ne!(a.words, b.words);
}
