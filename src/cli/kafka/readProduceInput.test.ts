import { describe, expect, it } from 'vitest';
import { parseIntegerOption, parseKeyValueArgs } from './parseKeyValueArgs';
import { readProduceInput } from './readProduceInput';

describe('readProduceInput', () => {
  it('sends --value as written, with --key and headers', () => {
    expect(readProduceInput({ value: 'hello', key: 'k', headers: [['source', 'cli']], partition: 1 })).toEqual([
      { key: 'k', value: 'hello', headers: [{ key: 'source', value: 'cli' }], partition: 1 },
    ]);
  });

  it('sends each non-empty line of a JSON Lines file, keyed by --key-field', () => {
    const messages = readProduceInput({
      fileText: '{"id":1,"s":"x"}\n\n{"id":"b"}\r\n',
      fileName: 'events.jsonl',
      keyField: 'id',
      headers: [],
    });
    expect(messages).toEqual([
      { key: '1', value: '{"id":1,"s":"x"}' },
      { key: 'b', value: '{"id":"b"}' },
    ]);
  });

  it('names the line that is not JSON, or lacks the key field, and sends nothing', () => {
    expect(() => readProduceInput({ fileText: '{"id":1}\n{"id":2', fileName: 'e.jsonl', headers: [] })).toThrow(
      /^e\.jsonl:2: not JSON .* Nothing was sent\.$/,
    );
    expect(() => readProduceInput({ fileText: '{"id":1}\n{"x":2}', fileName: 'e.jsonl', keyField: 'id', headers: [] })).toThrow(
      'e.jsonl:2: has no field "id" for --key-field. Nothing was sent.',
    );
    expect(() => readProduceInput({ fileText: '\n\n', fileName: 'e.jsonl', headers: [] })).toThrow('e.jsonl has no messages');
  });

  it('wants exactly one of --value and --file', () => {
    expect(() => readProduceInput({ headers: [] })).toThrow(
      'Give the message with --value <text>, or a JSON Lines file with --file <path>',
    );
    expect(() => readProduceInput({ value: 'a', fileText: 'b', headers: [] })).toThrow('not both');
    expect(() => readProduceInput({ value: 'a', keyField: 'id', headers: [] })).toThrow(
      '--key-field reads the key from each line of --file',
    );
  });
});

describe('parseKeyValueArgs', () => {
  it('splits at the first = and keeps repeats in order', () => {
    expect(parseKeyValueArgs('--header', ['a=1', 'b=x=y', 'a=2'])).toEqual([
      ['a', '1'],
      ['b', 'x=y'],
      ['a', '2'],
    ]);
    expect(() => parseKeyValueArgs('--config', ['retention.ms'])).toThrow('Invalid --config "retention.ms": write it as name=value');
  });

  it('parses whole numbers with a floor', () => {
    expect(parseIntegerOption('--partitions', 1)('3')).toBe(3);
    expect(() => parseIntegerOption('--partitions', 1)('0')).toThrow('Invalid --partitions "0": expected a whole number of at least 1.');
    expect(() => parseIntegerOption('--max', 1)('1.5')).toThrow('Invalid --max "1.5"');
  });
});
