import type { KafkaHeader, KafkaMessage } from '../kafka/KafkaClient';

/**
 * Messages of one partition as one ArrayBuffer, for handing a sink's batch to the database
 * thread as a transfer: the caller's thread copies the raw bytes once and allocates nothing per
 * message that lives on, and the database thread receives them without a structured clone.
 *
 * Layout (little-endian, as the platform's typed arrays; both ends are the same process):
 * - 8 bytes: message count n, header count h (uint32 each)
 * - 16 n bytes: offset, timestamp per message (float64; exact below 2^53, as KafkaClient says)
 * - 4 (3 n + 2 h) bytes: key length, value length (-1 for null), header count per message, then
 *   key length, value length per header, in message order (int32)
 * - the bytes: each message's key, value, then its headers' keys (UTF-8) and values
 */
const HEAD_BYTES = 8;
const NO_HEADERS: readonly KafkaHeader[] = [];

export function packSinkMessages(messages: readonly KafkaMessage[]): ArrayBuffer {
  const n = messages.length;
  let headers = 0;
  let bytes = 0;
  for (const message of messages) {
    if (message.key !== null) bytes += message.key.length;
    if (message.value !== null) bytes += message.value.length;
    for (const header of message.headers) bytes += Buffer.byteLength(header.key) + header.value.length;
    headers += message.headers.length;
  }
  const numbersAt = HEAD_BYTES;
  const lengthsAt = numbersAt + 16 * n;
  const bytesAt = lengthsAt + 4 * (3 * n + 2 * headers);
  const buffer = new ArrayBuffer(bytesAt + bytes);
  const head = new Uint32Array(buffer, 0, 2);
  head[0] = n;
  head[1] = headers;
  const numbers = new Float64Array(buffer, numbersAt, 2 * n);
  const lengths = new Int32Array(buffer, lengthsAt, 3 * n + 2 * headers);
  const out = Buffer.from(buffer);
  let at = bytesAt;
  let headerLengthAt = 3 * n;
  for (let i = 0; i < n; i++) {
    const message = messages[i]!;
    numbers[2 * i] = message.offset;
    numbers[2 * i + 1] = message.timestamp;
    const { key, value } = message;
    lengths[3 * i] = key === null ? -1 : key.length;
    lengths[3 * i + 1] = value === null ? -1 : value.length;
    lengths[3 * i + 2] = message.headers.length;
    if (key !== null) at += key.copy(out, at);
    if (value !== null) at += value.copy(out, at);
    for (const header of message.headers) {
      const keyBytes = out.write(header.key, at, 'utf8');
      at += keyBytes;
      at += header.value.copy(out, at);
      lengths[headerLengthAt++] = keyBytes;
      lengths[headerLengthAt++] = header.value.length;
    }
  }
  return buffer;
}

/**
 * The messages again, for `topic` and `partition` (a packed batch holds one partition's). Keys,
 * values and header values are views into `buffer`, not copies.
 */
export function unpackSinkMessages(buffer: ArrayBuffer, topic: string, partition: number): KafkaMessage[] {
  const head = new Uint32Array(buffer, 0, 2);
  const n = head[0]!;
  const headerTotal = head[1]!;
  const numbersAt = HEAD_BYTES;
  const lengthsAt = numbersAt + 16 * n;
  const numbers = new Float64Array(buffer, numbersAt, 2 * n);
  const lengths = new Int32Array(buffer, lengthsAt, 3 * n + 2 * headerTotal);
  const bytes = Buffer.from(buffer);
  let at = lengthsAt + 4 * (3 * n + 2 * headerTotal);
  let headerLengthAt = 3 * n;
  const view = (length: number): Buffer | null => {
    if (length < 0) return null;
    const slice = bytes.subarray(at, at + length);
    at += length;
    return slice;
  };
  const messages: KafkaMessage[] = new Array<KafkaMessage>(n);
  for (let i = 0; i < n; i++) {
    const key = view(lengths[3 * i]!);
    const value = view(lengths[3 * i + 1]!);
    const count = lengths[3 * i + 2]!;
    let headers = NO_HEADERS;
    if (count > 0) {
      const list: KafkaHeader[] = [];
      headers = list;
      for (let h = 0; h < count; h++) {
        const keyLength = lengths[headerLengthAt++]!;
        const valueLength = lengths[headerLengthAt++]!;
        const headerKey = bytes.toString('utf8', at, at + keyLength);
        at += keyLength;
        list.push({ key: headerKey, value: view(valueLength)! });
      }
    }
    messages[i] = { topic, partition, offset: numbers[2 * i]!, timestamp: numbers[2 * i + 1]!, key, value, headers };
  }
  return messages;
}
