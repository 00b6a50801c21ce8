/**
 * The contract between a topic's message browser webview and the extension host.
 *
 * The webview asks for a browse (`messageBrowser/browse`: start, partitions, filters); the host
 * reads the topic and streams what matches in pages (`messageBrowser/didAppendMessages`), each
 * with the browse's id so that pages of a browse the user has since replaced are dropped. Rows
 * carry a preview of the value; the full message comes on request (`messageBrowser/getMessage`).
 * Keys, values and headers are text here: the webview renders them as text, never as HTML.
 */

/** Where a browse starts: per partition, the same rule. */
export type BrowseStartDto =
  { kind: 'earliest' } | { kind: 'latest' } | { kind: 'offset'; offset: number } | { kind: 'timestamp'; timestamp: number };

export interface BrowseRequestDto {
  start: BrowseStartDto;
  /** Empty: all partitions. */
  partitions: number[];
  /** Case-insensitive text in the key, the value or a header. */
  text: string;
  /** `$.city == "Paris"`, `$.temp > 30`, `$.alert`; empty for none. */
  jsonPath: string;
}

export interface MessageHeaderDto {
  key: string;
  value: string;
}

/** One row of the table. */
export interface MessageRowDto {
  partition: number;
  offset: number;
  timestamp: number;
  /** Null when the message has no key. */
  key: string | null;
  /** The value's first characters (one line); null for a tombstone. */
  valuePreview: string | null;
  /** Size of the value in bytes. */
  valueBytes: number;
  headers: MessageHeaderDto[];
}

/** A whole message, for the detail pane. */
export interface MessageDetailDto extends MessageRowDto {
  /** The value as UTF-8 text, cut at `MAX_DETAIL_CHARS`. */
  value: string | null;
  /** The value pretty-printed, when it is JSON. */
  prettyJson: string | null;
  truncated: boolean;
}

export interface PartitionInfoDto {
  partition: number;
  low: number;
  high: number;
}

export const PREVIEW_CHARS = 200;
export const MAX_DETAIL_CHARS = 1_000_000;
/** How many rows one browse loads before it stops (memory bound of the table). */
export const MAX_LOADED_MESSAGES = 200_000;

/** Webview -> host: loaded; wants the topic's partitions (and a first browse, from saved state). */
export interface MessageBrowserReadyCommand {
  type: 'messageBrowser/ready';
}

/** Webview -> host: (re)start reading with these settings; replaces any browse under way. */
export interface BrowseCommand {
  type: 'messageBrowser/browse';
  browseId: number;
  request: BrowseRequestDto;
}

/** Webview -> host: hold the live tail / go on. */
export interface SetPausedCommand {
  type: 'messageBrowser/setPaused';
  browseId: number;
  paused: boolean;
}

/** Webview -> host: the full message for the detail pane. */
export interface GetMessageRequest {
  type: 'messageBrowser/getMessage';
  requestId: number;
  partition: number;
  offset: number;
}

export type MessageBrowserCommand = MessageBrowserReadyCommand | BrowseCommand | SetPausedCommand | GetMessageRequest;

/** Host -> webview: which topic and cluster, and its partitions. */
export interface DidLoadTopicNotification {
  type: 'messageBrowser/didLoadTopic';
  profileName: string;
  brokers: string;
  topic: string;
  partitions: PartitionInfoDto[];
}

export type BrowseStatus = 'starting' | 'reading' | 'live' | 'paused' | 'full' | 'failed';

/** Host -> webview: a page of matched messages and where the browse stands. */
export interface DidAppendMessagesNotification {
  type: 'messageBrowser/didAppendMessages';
  browseId: number;
  messages: MessageRowDto[];
  /** Messages read so far, matched or not; null when only the status changed. */
  scanned: number | null;
  status: BrowseStatus;
}

/** Host -> webview: a browse could not start or stopped; `message` says why and what to do. */
export interface DidFailNotification {
  type: 'messageBrowser/didFail';
  browseId: number | null;
  message: string;
}

export type DidGetMessageResponse =
  | { type: 'messageBrowser/didGetMessage'; requestId: number; ok: true; message: MessageDetailDto }
  | { type: 'messageBrowser/didGetMessage'; requestId: number; ok: false; reason: string };

export type MessageBrowserNotification =
  DidLoadTopicNotification | DidAppendMessagesNotification | DidFailNotification | DidGetMessageResponse;

function hasType(value: unknown): value is { type: string } & Record<string, unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

const nonNegativeInteger = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

function isBrowseStart(value: unknown): value is BrowseStartDto {
  if (typeof value !== 'object' || value === null) return false;
  const start = value as Record<string, unknown>;
  switch (start.kind) {
    case 'earliest':
    case 'latest':
      return true;
    case 'offset':
      return nonNegativeInteger(start.offset);
    case 'timestamp':
      return nonNegativeInteger(start.timestamp);
    default:
      return false;
  }
}

function isBrowseRequest(value: unknown): value is BrowseRequestDto {
  if (typeof value !== 'object' || value === null) return false;
  const request = value as Record<string, unknown>;
  return (
    isBrowseStart(request.start) &&
    Array.isArray(request.partitions) &&
    request.partitions.every(nonNegativeInteger) &&
    typeof request.text === 'string' &&
    typeof request.jsonPath === 'string'
  );
}

/** Narrows a message from the webview; anything else is ignored by the host. */
export function isMessageBrowserCommand(value: unknown): value is MessageBrowserCommand {
  if (!hasType(value)) return false;
  switch (value.type) {
    case 'messageBrowser/ready':
      return true;
    case 'messageBrowser/browse':
      return nonNegativeInteger(value.browseId) && isBrowseRequest(value.request);
    case 'messageBrowser/setPaused':
      return nonNegativeInteger(value.browseId) && typeof value.paused === 'boolean';
    case 'messageBrowser/getMessage':
      return nonNegativeInteger(value.requestId) && nonNegativeInteger(value.partition) && nonNegativeInteger(value.offset);
    default:
      return false;
  }
}

const NOTIFICATION_TYPES: ReadonlySet<string> = new Set<MessageBrowserNotification['type']>([
  'messageBrowser/didLoadTopic',
  'messageBrowser/didAppendMessages',
  'messageBrowser/didFail',
  'messageBrowser/didGetMessage',
]);

/** Narrows a message from the host. */
export function isMessageBrowserNotification(value: unknown): value is MessageBrowserNotification {
  return hasType(value) && NOTIFICATION_TYPES.has(value.type);
}
