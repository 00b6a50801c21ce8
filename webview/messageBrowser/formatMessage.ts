import type { MessageHeaderDto } from '../../src/protocol/messageBrowserProtocol';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Local time with milliseconds, sortable: `2026-11-25 15:04:05.123`. */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  if (!Number.isFinite(d.getTime())) return String(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function formatHeaders(headers: readonly MessageHeaderDto[]): string {
  return headers.map((h) => `${h.key}=${h.value}`).join(', ');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
