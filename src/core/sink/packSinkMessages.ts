import type { KafkaHeader, KafkaMessage } from '../kafka/KafkaClient';
import type { JsonFieldScanner } from './JsonFieldScanner';

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
 * Reads a packed batch message by message without building them: one cursor over the buffer,
 * whose fields are the current message's and whose keys, values and headers are decoded only
 * when asked for. The database thread maps a batch's events straight from it, so a good event
 * costs no objects beyond the row's values.
 */
export class PackedSinkMessages {
  readonly count: number;
  /** The current message (after next()). */
  index = -1;
  offset = 0;
  timestamp = 0;
  /** Byte lengths of the current key and value, -1 for null. */
  keyLength = -1;
  valueLength = -1;
  private readonly numbers: Float64Array;
  private readonly lengths: Int32Array;
  private readonly bytes: Buffer;
  /** Where the next message's bytes start, and its first header length. */
  private at: number;
  private headerLengthAt: number;
  private keyAt = 0;
  private valueAt = 0;
  private headersAt = 0;
  private headerCount = 0;
  private firstHeaderLength = 0;

  constructor(
    buffer: ArrayBuffer,
    readonly topic: string,
    readonly partition: number,
  ) {
    const head = new Uint32Array(buffer, 0, 2);
    const n = head[0]!;
    const headerTotal = head[1]!;
    const lengthsAt = HEAD_BYTES + 16 * n;
    this.count = n;
    this.numbers = new Float64Array(buffer, HEAD_BYTES, 2 * n);
    this.lengths = new Int32Array(buffer, lengthsAt, 3 * n + 2 * headerTotal);
    this.bytes = Buffer.from(buffer);
    this.at = lengthsAt + 4 * (3 * n + 2 * headerTotal);
    this.headerLengthAt = 3 * n;
  }

  /** Moves to the next message; false after the last one. */
  next(): boolean {
    const i = this.index + 1;
    if (i >= this.count) return false;
    this.index = i;
    const lengths = this.lengths;
    this.offset = this.numbers[2 * i]!;
    this.timestamp = this.numbers[2 * i + 1]!;
    const keyLength = lengths[3 * i]!;
    const valueLength = lengths[3 * i + 1]!;
    const headerCount = lengths[3 * i + 2]!;
    this.keyLength = keyLength;
    this.valueLength = valueLength;
    let at = this.at;
    this.keyAt = at;
    if (keyLength > 0) at += keyLength;
    this.valueAt = at;
    if (valueLength > 0) at += valueLength;
    this.headersAt = at;
    this.headerCount = headerCount;
    this.firstHeaderLength = this.headerLengthAt;
    for (let h = 0; h < headerCount; h++) {
      at += lengths[this.headerLengthAt]! + lengths[this.headerLengthAt + 1]!;
      this.headerLengthAt += 2;
    }
    this.at = at;
    return true;
  }

  /** The value as UTF-8 text (a tombstone's is empty). */
  valueText(): string {
    return this.valueLength <= 0 ? '' : this.bytes.toString('utf8', this.valueAt, this.valueAt + this.valueLength);
  }

  scanValue(scanner: JsonFieldScanner, out: unknown[]): boolean {
    return this.valueLength >= 0 && scanner.scan(this.bytes, this.valueAt, this.valueAt + this.valueLength, out);
  }

  keyText(): string | null {
    return this.keyLength < 0 ? null : this.bytes.toString('utf8', this.keyAt, this.keyAt + this.keyLength);
  }

  /** Views into the batch's buffer, not copies. */
  key(): Buffer | null {
    return this.keyLength < 0 ? null : this.bytes.subarray(this.keyAt, this.keyAt + this.keyLength);
  }

  value(): Buffer | null {
    return this.valueLength < 0 ? null : this.bytes.subarray(this.valueAt, this.valueAt + this.valueLength);
  }

  headers(): readonly KafkaHeader[] {
    if (this.headerCount === 0) return NO_HEADERS;
    const list: KafkaHeader[] = [];
    let at = this.headersAt;
    for (let h = 0; h < this.headerCount; h++) {
      const keyLength = this.lengths[this.firstHeaderLength + 2 * h]!;
      const valueLength = this.lengths[this.firstHeaderLength + 2 * h + 1]!;
      const key = this.bytes.toString('utf8', at, at + keyLength);
      at += keyLength;
      list.push({ key, value: this.bytes.subarray(at, at + valueLength) });
      at += valueLength;
    }
    return list;
  }

  /** The current message as a KafkaMessage. */
  message(): KafkaMessage {
    const { topic, partition, offset, timestamp } = this;
    return { topic, partition, offset, timestamp, key: this.key(), value: this.value(), headers: this.headers() };
  }
}

/**
 * The messages again, for `topic` and `partition` (a packed batch holds one partition's). Keys,
 * values and header values are views into `buffer`, not copies.
 */
export function unpackSinkMessages(buffer: ArrayBuffer, topic: string, partition: number): KafkaMessage[] {
  const cursor = new PackedSinkMessages(buffer, topic, partition);
  const messages: KafkaMessage[] = [];
  while (cursor.next()) messages.push(cursor.message());
  return messages;
}
