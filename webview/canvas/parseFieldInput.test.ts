import { describe, expect, it } from 'vitest';
import type { FormFieldDto, FormFieldKind } from '../../src/protocol/dagFormSchemaDto';
import { formatFieldValue, parseFieldInput } from './parseFieldInput';

const field = (kind: FormFieldKind, extra: Partial<FormFieldDto> = {}): FormFieldDto => ({
  key: 'k',
  kind,
  description: '',
  required: false,
  ...extra,
});

describe('parseFieldInput', () => {
  it('reads numbers, durations and dates, and says what is wrong', () => {
    expect(parseFieldInput(field('integer'), ' 3 ')).toEqual({ ok: true, value: 3 });
    expect(parseFieldInput(field('integer'), '2.5')).toMatchObject({ ok: false });
    expect(parseFieldInput(field('number'), '2.5')).toEqual({ ok: true, value: 2.5 });
    expect(parseFieldInput(field('duration'), '90')).toEqual({ ok: true, value: 90 });
    expect(parseFieldInput(field('duration'), '1h30m')).toEqual({ ok: true, value: '1h30m' });
    expect(parseFieldInput(field('duration'), 'soon')).toMatchObject({ ok: false });
    expect(parseFieldInput(field('date'), '2026-11-01')).toEqual({ ok: true, value: '2026-11-01' });
    expect(parseFieldInput(field('date'), '1/11/2026')).toMatchObject({ ok: false });
  });

  it('removes the key when a field is emptied, but keeps code as typed', () => {
    expect(parseFieldInput(field('text'), '  ')).toEqual({ ok: true, value: undefined });
    expect(parseFieldInput(field('code'), '  echo\n')).toEqual({ ok: true, value: '  echo\n' });
    expect(parseFieldInput(field('schedule'), ' ')).toEqual({ ok: true, value: null });
  });

  it('reads lists and JSON, falling back to a string where the schema allows one', () => {
    expect(parseFieldInput(field('list'), 'a, b ,')).toEqual({ ok: true, value: ['a', 'b'] });
    expect(parseFieldInput(field('list', { listOrString: true }), 'a')).toEqual({ ok: true, value: 'a' });
    expect(parseFieldInput(field('json'), '{"A": 1}')).toEqual({ ok: true, value: { A: 1 } });
    expect(parseFieldInput(field('json'), '{A')).toMatchObject({ ok: false });
    expect(parseFieldInput(field('json', { allowsString: true }), "{{ ti.xcom_pull('a') }}")).toEqual({
      ok: true,
      value: "{{ ti.xcom_pull('a') }}",
    });
    expect(parseFieldInput(field('enum', { options: [{ value: -1 }, { value: 0 }] }), '-1')).toEqual({ ok: true, value: -1 });
  });

  it('formats values back into text', () => {
    expect(formatFieldValue(field('list'), ['a', 'b'])).toBe('a, b');
    expect(formatFieldValue(field('json'), { A: 1 })).toBe('{\n  "A": 1\n}');
    expect(formatFieldValue(field('integer'), 3)).toBe('3');
    expect(formatFieldValue(field('text'), undefined)).toBe('');
  });
});
