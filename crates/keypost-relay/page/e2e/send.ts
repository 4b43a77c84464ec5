/**
 * Creating pickups for the browser test the way a Keypost user does: `keypost send`.
 */
import type { Cli } from './harness';

export interface SendOptions {
  relayUrl: string;
  ids: string[];
  to: string;
  name: string;
  message: string;
  pin: string;
  retrievalStep?: boolean;
  views?: number;
  /** Also protect the copy with this passphrase (`--passphrase`, read from the environment). */
  passphrase?: string;
}

export interface Sent {
  link: string;
  /** The `keypost://` form of the link, as the CLI prints it. */
  deepLink: string;
  pin: string;
  ownerToken: string;
}

export function send(cli: Cli, options: SendOptions): Sent {
  const args = [
    'send',
    '--relay', options.relayUrl,
    '--to', options.to,
    '--name', options.name,
    '--message', options.message,
    '--pin', options.pin,
    '--json',
  ];
  if (options.retrievalStep === false) {
    args.push('--no-retrieval-step');
  }
  if (options.views !== undefined) {
    args.push('--views', String(options.views));
  }
  const env: Record<string, string> = {};
  if (options.passphrase !== undefined) {
    args.push('--passphrase');
    env.KEYPOST_SEND_PASSPHRASE = options.passphrase;
  }
  const out = JSON.parse(cli.ok([...args, ...options.ids], env)) as { link: string; deep_link: string; pin: string; owner_token: string };
  return { link: out.link, deepLink: out.deep_link, pin: out.pin, ownerToken: out.owner_token };
}
