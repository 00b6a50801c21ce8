import { randomBytes } from 'node:crypto';

/** A fresh CSP nonce for one webview document: 128 bits from the OS's CSPRNG. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}
