import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from '../../core/kafka/KafkaClient';
import { PREVIEW_CHARS } from '../../protocol/messageBrowserProtocol';
import { toMessageDetailDto, toMessageRowDto } from './toMessageDto';

const base: KafkaMessage = {
  topic: 't',
  partition: 2,
  offset: 41,
  timestamp: 1_700_000_000_000,
  key: Buffer.from('k'),
  value: Buffer.from('{"a":{"b":[1,2]},\n"text":"<b>x</b>"}'),
  headers: [{ key: 'origin', value: Buffer.from('kcat') }],
};

describe('toMessageRowDto / toMessageDetailDto', () => {
  it('makes a one-line preview and keeps keys and headers as text', () => {
    const row = toMessageRowDto(base);
    expect(row).toMatchObject({ partition: 2, offset: 41, key: 'k', headers: [{ key: 'origin', value: 'kcat' }] });
    expect(row.valuePreview).toBe('{"a":{"b":[1,2]}, "text":"<b>x</b>"}');
    expect(row.valueBytes).toBe(base.value!.length);
  });

  it('cuts long values in the preview, not in the detail', () => {
    const long = { ...base, value: Buffer.from('é'.repeat(5_000)) };
    expect(toMessageRowDto(long).valuePreview).toHaveLength(PREVIEW_CHARS);
    expect(toMessageDetailDto(long).value).toHaveLength(5_000);
  });

  it('pretty-prints JSON values and leaves text as it is; tombstones and missing keys are null', () => {
    expect(toMessageDetailDto(base).prettyJson).toBe('{\n  "a": {\n    "b": [\n      1,\n      2\n    ]\n  },\n  "text": "<b>x</b>"\n}');
    const text = toMessageDetailDto({ ...base, value: Buffer.from('plain text') });
    expect(text.prettyJson).toBeNull();
    expect(text.value).toBe('plain text');
    const tombstone = toMessageDetailDto({ ...base, key: null, value: null });
    expect(tombstone).toMatchObject({ key: null, value: null, valuePreview: null, prettyJson: null, valueBytes: 0 });
  });
});
