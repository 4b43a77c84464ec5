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
}

export interface Sent {
  link: string;
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
  const out = JSON.parse(cli.ok([...args, ...options.ids])) as { link: string; pin: string; owner_token: string };
  return { link: out.link, pin: out.pin, ownerToken: out.owner_token };
}
