/**
 * The failure names of docs/spec/pickup.md (the `expect` values of the test vectors).
 * The page switches on `code`, never on the message.
 */
export type PickupErrorCode =
  | 'bad_link'
  | 'non_canonical'
  | 'bad_pin'
  | 'too_large'
  | 'malformed_header'
  | 'unsupported_version'
  | 'kdf_params_out_of_range'
  | 'passphrase_required'
  | 'passphrase_not_expected'
  | 'bad_passphrase'
  | 'decryption_failed'
  | 'invalid_payload';

export class PickupError extends Error {
  readonly code: PickupErrorCode;

  constructor(code: PickupErrorCode, message: string) {
    super(message);
    this.name = 'PickupError';
    this.code = code;
  }
}
