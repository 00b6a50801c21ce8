/**
 * Replaces every occurrence of each secret in `text` with `***`. Applied to every line a client
 * library logs, as a last guard: libraries are not supposed to log credentials, but a profile's
 * password must never reach a log file even if one does.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  // Longest first, so that a secret containing another is replaced whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length === 0) continue;
    result = result.split(secret).join('***');
  }
  return result;
}
