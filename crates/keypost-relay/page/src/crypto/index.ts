/**
 * The pickup format in the recipient's browser (docs/spec/pickup.md): the JavaScript twin of
 * the Rust crate keypost-protocol, checked against the same test vectors.
 */
export { b64urlDecode, b64urlEncode } from './b64';
export { PickupError, type PickupErrorCode } from './errors';
export {
  accessKeyHash,
  deleteVerifier,
  deriveKeys,
  ID_LEN,
  isWeakPin,
  makeProof,
  parsePin,
  pinProof,
  pinVerifier,
  SECRET_LEN,
  type PickupKeys,
} from './keys';
export { deepLink, parseLink, parseLinkSecret, webLink, type PickupLink } from './link';
export {
  MAX_ENTRIES,
  MAX_MESSAGE_CHARS,
  MAX_SENDER_NAME_CHARS,
  type EntrySnapshot,
  type Payload,
  type SnapshotField,
} from './payload';
export {
  decodeSealed,
  HEADER_LEN,
  KDF_LIMITS,
  MAX_PLAINTEXT_LEN,
  MAX_SEALED_LEN,
  MAX_SEALED_TEXT_LEN,
  openSealed,
  parseSealedHeader,
  passphraseKey,
  payloadKey,
  type KdfParams,
  type OpenOptions,
  type SealedHeader,
} from './sealed';
