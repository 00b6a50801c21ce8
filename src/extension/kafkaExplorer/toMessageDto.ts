import type { ConsumeStart, KafkaMessage } from '../../core/kafka/KafkaClient';
import {
  MAX_DETAIL_CHARS,
  PREVIEW_CHARS,
  type BrowseStartDto,
  type MessageDetailDto,
  type MessageRowDto,
} from '../../protocol/messageBrowserProtocol';

/** A table row: the value cut to a one-line preview so that 100,000 rows stay light. */
export function toMessageRowDto(message: KafkaMessage): MessageRowDto {
  let valuePreview: string | null = null;
  if (message.value !== null) {
    // Decode only what the preview shows (UTF-8 is at most 4 bytes a character).
    const head = message.value.subarray(0, PREVIEW_CHARS * 4).toString('utf8');
    valuePreview = head.slice(0, PREVIEW_CHARS).replace(/\s+/g, ' ');
  }
  return {
    partition: message.partition,
    offset: message.offset,
    timestamp: message.timestamp,
    key: message.key === null ? null : message.key.toString('utf8'),
    valuePreview,
    valueBytes: message.value?.length ?? 0,
    headers: message.headers.map((h) => ({ key: h.key, value: h.value.toString('utf8') })),
  };
}

export function toMessageDetailDto(message: KafkaMessage): MessageDetailDto {
  const text = message.value === null ? null : message.value.toString('utf8');
  let prettyJson: string | null = null;
  if (text !== null) {
    try {
      prettyJson = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      prettyJson = null;
    }
  }
  const truncated = text !== null && text.length > MAX_DETAIL_CHARS;
  return {
    ...toMessageRowDto(message),
    value: text === null ? null : text.slice(0, MAX_DETAIL_CHARS),
    prettyJson: prettyJson === null || prettyJson.length > MAX_DETAIL_CHARS ? null : prettyJson,
    truncated,
  };
}

export function toConsumeStart(start: BrowseStartDto): ConsumeStart {
  switch (start.kind) {
    case 'earliest':
    case 'latest':
      return start.kind;
    case 'offset':
      return { offset: start.offset };
    case 'timestamp':
      return { timestamp: start.timestamp };
  }
}
