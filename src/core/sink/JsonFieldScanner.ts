const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
/** Deeper values than this are left to JSON.parse. */
const MAX_DEPTH = 64;
/** Numbers with at most this many digits are read digit by digit (exact below 2^53). */
const EXACT_DIGITS = 15;
const POWERS_OF_TEN = Array.from({ length: EXACT_DIGITS + 1 }, (_, k) => 10 ** k);

/**
 * Reads chosen top-level fields of a JSON object straight from its UTF-8 bytes, without
 * building the object or its other values: what a sink needs of an event that carries far
 * more than the mapped fields (a 256-byte event with four mapped numbers and a short string is
 * mostly skipped, not copied into strings).
 *
 * It only ever accepts what JSON.parse accepts, and then reads the same values: every byte is
 * checked against the JSON grammar (strings, escapes, numbers, literals, nesting, whitespace,
 * nothing after the object). Whatever it does not read exactly itself (not an object, a
 * mapped field holding an object or a list, a key written with escapes, nesting deeper than
 * 64) makes scan() return false, and the caller parses the text with JSON.parse, which also
 * gives the reason of a dead letter. A repeated key keeps its last value, as in JSON.parse.
 */
export class JsonFieldScanner {
  private readonly names: readonly Uint8Array[];
  private readonly stack = new Uint8Array(MAX_DEPTH);

  /** `names`: the top-level keys to read; scan() writes the value of names[k] to out[k]. */
  constructor(names: readonly string[]) {
    this.names = names.map((name) => Buffer.from(name, 'utf8'));
  }

  get size(): number {
    return this.names.length;
  }

  /**
   * Reads bytes[start, end): true when it is a JSON object whose mapped fields hold strings,
   * numbers, booleans or null (out[k] is undefined for an absent field); false when JSON.parse
   * has to decide (out is then left partly written).
   */
  scan(bytes: Buffer, start: number, end: number, out: unknown[]): boolean {
    const names = this.names;
    for (let k = 0; k < names.length; k++) out[k] = undefined;
    let i = skipSpace(bytes, start, end);
    if (i >= end || bytes[i] !== OPEN_OBJECT) return false;
    i = skipSpace(bytes, i + 1, end);
    if (i < end && bytes[i] === CLOSE_OBJECT) return skipSpace(bytes, i + 1, end) === end;
    for (;;) {
      // A key: found among the names by its bytes (a key written with escapes is left to JSON.parse).
      if (i >= end || bytes[i] !== QUOTE) return false;
      const keyStart = i + 1;
      let c: number;
      i = keyStart;
      while (i < end && (c = bytes[i]!) !== QUOTE) {
        if (c < 0x20 || c === BACKSLASH) return false;
        i++;
      }
      if (i >= end) return false;
      const field = findName(names, bytes, keyStart, i);
      i = skipSpace(bytes, i + 1, end);
      if (i >= end || bytes[i] !== COLON) return false;
      i = skipSpace(bytes, i + 1, end);
      if (i >= end) return false;
      c = bytes[i]!;
      if (c === QUOTE) {
        const valueStart = i;
        let escaped = false;
        i++;
        while (i < end && (c = bytes[i]!) !== QUOTE) {
          if (c < 0x20) return false;
          if (c === BACKSLASH) {
            const after = skipEscape(bytes, i, end);
            if (after < 0) return false;
            escaped = true;
            i = after;
          } else i++;
        }
        if (i >= end) return false;
        i++;
        if (field >= 0) {
          out[field] = escaped
            ? (JSON.parse(bytes.toString('utf8', valueStart, i)) as string)
            : bytes.toString('utf8', valueStart + 1, i - 1);
        }
      } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
        const numberStart = i;
        const negative = c === MINUS;
        if (negative) i++;
        let digits = 0;
        let value = 0;
        if (i < end && bytes[i] === ZERO) {
          i++;
          digits = 1;
        } else {
          while (i < end && (c = bytes[i]!) >= ZERO && c <= NINE) {
            value = value * 10 + (c - ZERO);
            digits++;
            i++;
          }
          if (digits === 0) return false;
        }
        let fraction = 0;
        if (i < end && bytes[i] === DOT) {
          const from = ++i;
          while (i < end && (c = bytes[i]!) >= ZERO && c <= NINE) {
            value = value * 10 + (c - ZERO);
            i++;
          }
          fraction = i - from;
          if (fraction === 0) return false;
        }
        let exponent = false;
        if (i < end && ((c = bytes[i]!) === 0x65 || c === 0x45)) {
          exponent = true;
          i++;
          if (i < end && ((c = bytes[i]!) === PLUS || c === MINUS)) i++;
          const from = i;
          while (i < end && (c = bytes[i]!) >= ZERO && c <= NINE) i++;
          if (i === from) return false;
        }
        if (field >= 0) {
          // Up to 15 digits are an exact integer, and dividing it by an exact power of ten is
          // one correctly rounded operation: the double JSON.parse reads (the fast path of
          // every correct decimal reader). Longer numbers and exponents are read by Number().
          if (!exponent && digits + fraction <= EXACT_DIGITS) {
            const magnitude = fraction === 0 ? value : value / POWERS_OF_TEN[fraction]!;
            out[field] = negative ? -magnitude : magnitude;
          } else out[field] = Number(bytes.toString('latin1', numberStart, i));
        }
      } else if (c === 0x74) {
        if (!literal(bytes, i, end, TRUE)) return false;
        i += 4;
        if (field >= 0) out[field] = true;
      } else if (c === 0x66) {
        if (!literal(bytes, i, end, FALSE)) return false;
        i += 5;
        if (field >= 0) out[field] = false;
      } else if (c === 0x6e) {
        if (!literal(bytes, i, end, NULL)) return false;
        i += 4;
        if (field >= 0) out[field] = null;
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        // A mapped field that holds an object or a list is JSON.parse's to build.
        if (field >= 0) return false;
        i = this.skipNested(bytes, i, end);
        if (i < 0) return false;
      } else return false;
      i = skipSpace(bytes, i, end);
      if (i >= end) return false;
      c = bytes[i]!;
      if (c === COMMA) {
        i = skipSpace(bytes, i + 1, end);
        continue;
      }
      if (c === CLOSE_OBJECT) return skipSpace(bytes, i + 1, end) === end;
      return false;
    }
  }

  /** Checks the object or list at bytes[i] and returns the index after it, or -1. */
  private skipNested(bytes: Buffer, i: number, end: number): number {
    const stack = this.stack;
    let depth = 0;
    // Each turn starts at a value (or, right after an opening bracket, possibly its closing one).
    for (;;) {
      if (i >= end) return -1;
      let c = bytes[i]!;
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (depth === MAX_DEPTH) return -1;
        stack[depth++] = c;
        i = skipSpace(bytes, i + 1, end);
        if (i >= end) return -1;
        if (bytes[i] === (c === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY)) {
          depth--;
          i++;
        } else if (c === OPEN_OBJECT) {
          i = skipKey(bytes, i, end);
          if (i < 0) return -1;
          continue;
        } else continue;
      } else if (c === QUOTE) {
        i = skipString(bytes, i, end);
      } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
        i = skipNumber(bytes, i, end);
      } else if (c === 0x74) {
        i = literal(bytes, i, end, TRUE) ? i + 4 : -1;
      } else if (c === 0x66) {
        i = literal(bytes, i, end, FALSE) ? i + 5 : -1;
      } else if (c === 0x6e) {
        i = literal(bytes, i, end, NULL) ? i + 4 : -1;
      } else return -1;
      if (i < 0) return -1;
      // After a value: a comma and the next one, or closing brackets.
      for (;;) {
        if (depth === 0) return i;
        i = skipSpace(bytes, i, end);
        if (i >= end) return -1;
        c = bytes[i]!;
        const open = stack[depth - 1];
        if (c === COMMA) {
          i = skipSpace(bytes, i + 1, end);
          if (open === OPEN_OBJECT) {
            i = skipKey(bytes, i, end);
            if (i < 0) return -1;
          }
          break;
        }
        if (c !== (open === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY)) return -1;
        depth--;
        i++;
      }
    }
  }
}

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

function skipSpace(bytes: Buffer, i: number, end: number): number {
  let c: number;
  while (i < end && ((c = bytes[i]!) === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) i++;
  return i;
}

function findName(names: readonly Uint8Array[], bytes: Buffer, start: number, end: number): number {
  const length = end - start;
  for (let k = 0; k < names.length; k++) {
    const name = names[k]!;
    if (name.length !== length) continue;
    let j = 0;
    while (j < length && bytes[start + j] === name[j]) j++;
    if (j === length) return k;
  }
  return -1;
}

function literal(bytes: Buffer, i: number, end: number, word: Uint8Array): boolean {
  if (i + word.length > end) return false;
  for (let j = 0; j < word.length; j++) if (bytes[i + j] !== word[j]) return false;
  return true;
}

function isHex(c: number): boolean {
  return (c >= ZERO && c <= NINE) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** bytes[i] is a backslash: the index after its escape, or -1. */
function skipEscape(bytes: Buffer, i: number, end: number): number {
  if (i + 1 >= end) return -1;
  const c = bytes[i + 1]!;
  if (c === QUOTE || c === BACKSLASH || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74) return i + 2;
  if (c !== 0x75 || i + 5 >= end) return -1;
  for (let j = i + 2; j < i + 6; j++) if (!isHex(bytes[j]!)) return -1;
  return i + 6;
}

/** bytes[i] is a quote: the index after the string, or -1. */
function skipString(bytes: Buffer, i: number, end: number): number {
  i++;
  let c: number;
  while (i < end && (c = bytes[i]!) !== QUOTE) {
    if (c < 0x20) return -1;
    if (c === BACKSLASH) {
      i = skipEscape(bytes, i, end);
      if (i < 0) return -1;
    } else i++;
  }
  return i < end ? i + 1 : -1;
}

/** A key and its colon: the index of the value after them, or -1. */
function skipKey(bytes: Buffer, i: number, end: number): number {
  if (i >= end || bytes[i] !== QUOTE) return -1;
  i = skipString(bytes, i, end);
  if (i < 0) return -1;
  i = skipSpace(bytes, i, end);
  if (i >= end || bytes[i] !== COLON) return -1;
  return skipSpace(bytes, i + 1, end);
}

/** bytes[i] starts a number: the index after it, or -1 when it is not one by JSON's grammar. */
function skipNumber(bytes: Buffer, i: number, end: number): number {
  let c: number;
  if (bytes[i] === MINUS) i++;
  if (i < end && bytes[i] === ZERO) i++;
  else {
    const from = i;
    while (i < end && (c = bytes[i]!) >= ZERO && c <= NINE) i++;
    if (i === from) return -1;
  }
  if (i < end && bytes[i] === DOT) {
    const from = ++i;
    while (i < end && (c = bytes[i]!) >= ZERO && c <= NINE) i++;
    if (i === from) return -1;
  }
  if (i < end && ((c = bytes[i]!) === 0x65 || c === 0x45)) {
    i++;
    if (i < end && ((c = bytes[i]!) === PLUS || c === MINUS)) i++;
    const from = i;
    while (i < end && (c = bytes[i]!) >= ZERO && c <= NINE) i++;
    if (i === from) return -1;
  }
  return i;
}
