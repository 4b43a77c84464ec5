//! Getting entries in and out of the vault in other people's formats: CSV for other password
//! managers ([`csv`]) and a printable PDF ([`print`]). Nothing here touches the store; the
//! vault passes entries in and takes previews out.

pub mod csv;
pub mod print;
