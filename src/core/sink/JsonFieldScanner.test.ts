import { describe, expect, it } from 'vitest';
import { JsonFieldScanner } from './JsonFieldScanner';

const NAMES = ['id', 'station', 'temperature_c', 'ok', 'note', 'température'];

/** What JSON.parse makes of the text: the names' values, or undefined when it is no JSON object. */
function parsed(bytes: Buffer): unknown[] | undefined {
  let event: unknown;
  try {
    event = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return undefined;
  return NAMES.map((name) => (Object.hasOwn(event, name) ? (event as Record<string, unknown>)[name] : undefined));
}

/** The scanner may decline anything, but what it accepts JSON.parse accepts, with the same values. */
function expectAgreement(scanner: JsonFieldScanner, bytes: Buffer): boolean {
  const out: unknown[] = [];
  const scanned = scanner.scan(bytes, 0, bytes.length, out);
  if (scanned) {
    const expected = parsed(bytes);
    expect(expected, bytes.toString('utf8')).toBeDefined();
    expected!.forEach((value, k) =>
      expect(Object.is(out[k], value), `${NAMES[k]} of ${bytes.toString('utf8')}: ${String(out[k])}`).toBe(true),
    );
  }
  return scanned;
}

describe('JsonFieldScanner', () => {
  const scanner = new JsonFieldScanner(NAMES);

  it('reads top-level strings, numbers, booleans and null as JSON.parse does, skipping everything else', () => {
    const accepted = [
      '{"id":1,"station":"station-3","temperature_c":23.4,"ts":1764000000000,"pad":"xxxx"}',
      ' {\t"id" : -0 ,\r\n"temperature_c": -12.125e0 } \n',
      '{"id": 123456789012345678, "temperature_c": 0.1, "ok": true, "note": null}',
      '{"id": 9007199254740993, "temperature_c": 1E+2, "ok": false}',
      '{"temperature_c": 3.14159265358979, "id": 0.000001, "station": "a\\"b\\u00e9\\n\\\\"}',
      '{"nested": {"id": 5, "list": [1, [2, {"x": [] }], {}, "s\\u0041", true, null, -1.5e-3]}, "id": 7}',
      '{"id": 1, "id": 2, "station": "first", "station": "last"}',
      '{"station": "ünïcode ✓", "température": 31.5, "emoji": "🙂"}',
      '{}',
      '{"id": 12.50, "temperature_c": 999999999999999, "note": 1234567890123456}',
    ];
    for (const text of accepted) expect(expectAgreement(scanner, Buffer.from(text)), text).toBe(true);
  });

  it('leaves what it does not read exactly to JSON.parse, and never accepts invalid JSON', () => {
    const declined = [
      '',
      'null',
      '[1, 2]',
      '"id"',
      '{"id": {"deep": 1}}',
      '{"id": [1]}',
      '{"i\\u0064": 1}',
      '{"id": 1,}',
      '{"id": 01}',
      '{"id": 1.}',
      '{"id": .5}',
      '{"id": +1}',
      '{"id": 1e}',
      '{"id": tru}',
      '{"id": NaN}',
      '{"id": "a\tb"}',
      '{"id": "\\x"}',
      '{"id": "\\u12g4"}',
      '{"id": 1} x',
      '{"id": 1}{}',
      "{'id': 1}",
      '{"id" 1}',
      '{"pad": [1 2]}',
      '{"pad": {"a" 1}}',
      '{"pad": {"a": 1,}}',
      '{"pad": [}',
      '\ufeff{"id": 1}',
      `{"pad": ${'['.repeat(100)}${']'.repeat(100)}}`,
    ];
    for (const text of declined) expect(expectAgreement(scanner, Buffer.from(text)), text).toBe(false);
  });

  it('agrees with JSON.parse on invalid UTF-8 inside strings', () => {
    const bytes = Buffer.concat([Buffer.from('{"station": "a'), Buffer.from([0xe2, 0xff, 0xc0]), Buffer.from('", "id": 2}')]);
    expect(expectAgreement(scanner, bytes)).toBe(true);
    const outside = Buffer.concat([Buffer.from('{"id": 2'), Buffer.from([0xff]), Buffer.from('}')]);
    expect(expectAgreement(scanner, outside)).toBe(false);
  });

  it('finds a quote, an escape or a control character at any place of a long string', () => {
    for (const special of ['"', '\\n', '\\u00e9', '\t', '\u0001', '\\"', 'é']) {
      for (let at = 0; at < 13; at++) {
        const text = `${'x'.repeat(at)}${special}${'y'.repeat(13 - at)}`;
        for (const window of [0, 1, 2, 3]) {
          const json = `${' '.repeat(window)}{"station": "${text}", "pad": "${text}", "id": ${at}}`;
          const bytes = Buffer.from(json);
          const out: unknown[] = [];
          const scanned = scanner.scan(bytes, window, bytes.length, out);
          expect(expectAgreement(scanner, bytes), json).toBe(scanned);
        }
      }
    }
  });

  it('reads a window of a larger buffer', () => {
    const bytes = Buffer.from('xx{"id": 3, "station": "s"}yy');
    const out: unknown[] = [];
    expect(scanner.scan(bytes, 2, bytes.length - 2, out)).toBe(true);
    expect(out.slice(0, 2)).toEqual([3, 's']);
  });

  it('never disagrees with JSON.parse on thousands of mutated events', () => {
    // A small deterministic generator (xorshift), so that a failure is repeatable.
    let seed = 0x2545f491;
    const random = (n: number): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const alphabet = Buffer.from('{}[]":,.-+eE0123456789 \t\\utrfalsn\u00e9x');
    const seeds = [
      '{"id":17,"station":"station-3","temperature_c":-23.45,"ok":true,"note":null,"pad":[1,{"a":"b"}]}',
      '{"temperature_c":1e-7,"id":"12","station":"\\u00e9\\"","nested":{"id":{"id":1}}}',
      `{"id":3,"pad":"${'x'.repeat(37)}","station":"${'abcd'.repeat(9)}","note":"${'q'.repeat(21)}"}`,
    ].map((text) => Buffer.from(text));
    let accepted = 0;
    for (let round = 0; round < 5000; round++) {
      const bytes = Buffer.from(seeds[random(seeds.length)]!);
      const mutated: number[] = [...bytes];
      for (let edits = 1 + random(3); edits > 0; edits--) {
        const at = random(mutated.length);
        const kind = random(3);
        if (kind === 0) mutated.splice(at, 1);
        else if (kind === 1) mutated.splice(at, 0, alphabet[random(alphabet.length)]!);
        else mutated[at] = alphabet[random(alphabet.length)]!;
      }
      if (expectAgreement(scanner, Buffer.from(mutated))) accepted++;
    }
    // Some mutations stay valid JSON (a digit for a digit): the comparison covered accepted events too.
    expect(accepted).toBeGreaterThan(100);
  });
});
