import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from '../kafka/KafkaClient';
import { packSinkMessages, unpackSinkMessages } from './packSinkMessages';

describe('packSinkMessages', () => {
  it('round-trips keys, values, nulls, headers (repeated keys, UTF-8 names) and offsets beyond 32 bits', () => {
    const messages: KafkaMessage[] = [
      {
        topic: 'weather',
        partition: 4,
        offset: 7,
        timestamp: 1_764_000_000_123,
        key: Buffer.from('lisbon'),
        value: Buffer.from('{"temp":31.5}'),
        headers: [
          { key: 'source', value: Buffer.from('api') },
          { key: 'source', value: Buffer.from('replay') },
          { key: 'ünïcode ✓', value: Buffer.from([0, 255, 1]) },
        ],
      },
      { topic: 'weather', partition: 4, offset: 8, timestamp: 1, key: null, value: null, headers: [] },
      {
        topic: 'weather',
        partition: 4,
        offset: 2 ** 40 + 3,
        timestamp: 2,
        key: Buffer.alloc(0),
        value: Buffer.from([0xff, 0xfe, 0x00]),
        headers: [{ key: '', value: Buffer.alloc(0) }],
      },
    ];
    const unpacked = unpackSinkMessages(packSinkMessages(messages), 'weather', 4);
    expect(unpacked).toEqual(messages);
    expect(unpacked.map((m) => m.value?.toString('hex') ?? null)).toEqual(['7b2274656d70223a33312e357d', null, 'fffe00']);
  });

  it('packs an empty batch', () => {
    expect(unpackSinkMessages(packSinkMessages([]), 't', 0)).toEqual([]);
  });

  it('is one buffer that can be transferred to another thread and still be read there', () => {
    const packed = packSinkMessages([
      { topic: 't', partition: 0, offset: 1, timestamp: 2, key: Buffer.from('k'), value: Buffer.from('v'), headers: [] },
    ]);
    const { port1, port2 } = new MessageChannel();
    const received = new Promise<ArrayBuffer>((resolve) => port2.once('message', (data: ArrayBuffer) => resolve(data)));
    port1.postMessage(packed, [packed]);
    expect(packed.byteLength).toBe(0); // transferred, not copied
    return received.then((data) => {
      port1.close();
      port2.close();
      expect(unpackSinkMessages(data, 't', 0)[0]).toMatchObject({
        offset: 1,
        timestamp: 2,
        key: Buffer.from('k'),
        value: Buffer.from('v'),
      });
    });
  });
});
