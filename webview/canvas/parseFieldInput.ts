import type { FormFieldDto } from '../../src/protocol/dagFormSchemaDto';
import type { JsonValue } from '../../src/protocol/jsonValue';

/** What a form field's text means: a value to write, nothing (remove the key), or why it is not valid. */
export type ParsedFieldInput = { ok: true; value: JsonValue | undefined } | { ok: false; message: string };

const DURATION =
  /^(?=\d)(?:\d+(?:\.\d+)?\s*w\s*)?(?:\d+(?:\.\d+)?\s*d\s*)?(?:\d+(?:\.\d+)?\s*h\s*)?(?:\d+(?:\.\d+)?\s*m(?!s)\s*)?(?:\d+(?:\.\d+)?\s*s\s*)?(?:\d+(?:\.\d+)?\s*ms\s*)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Turns what the user typed into the JSON value to write. Only the checks a field can make on its
 * own happen here (a number is a number, JSON parses); the schema's rules are the host's
 * validation's, whose problems come back beside the field. An empty field removes the key.
 */
export function parseFieldInput(field: FormFieldDto, text: string): ParsedFieldInput {
  const trimmed = text.trim();
  // An emptied schedule means "no schedule", which the file says with null.
  if (field.kind === 'schedule' && trimmed === '') return { ok: true, value: null };
  if (field.kind !== 'code' && trimmed === '') return { ok: true, value: undefined };
  switch (field.kind) {
    case 'integer':
    case 'number': {
      const number = Number(trimmed);
      if (!Number.isFinite(number)) return { ok: false, message: `Enter a number${field.kind === 'integer' ? ' without decimals' : ''}.` };
      if (field.kind === 'integer' && !Number.isInteger(number)) return { ok: false, message: 'Enter a whole number.' };
      return { ok: true, value: number };
    }
    case 'duration':
      if (/^\d+(\.\d+)?$/.test(trimmed)) return { ok: true, value: Number(trimmed) };
      if (!DURATION.test(trimmed)) return { ok: false, message: 'Enter seconds (90) or a duration such as 30s, 5m, 1h30m, 2d or 250ms.' };
      return { ok: true, value: trimmed };
    case 'date':
      if (!DATE.test(trimmed))
        return { ok: false, message: 'Enter a date such as 2026-11-01 or a date-time such as 2026-11-01T06:00:00Z.' };
      return { ok: true, value: trimmed };
    case 'list': {
      const items = trimmed
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
      return { ok: true, value: field.listOrString && items.length === 1 ? items[0]! : items };
    }
    case 'json':
      try {
        return { ok: true, value: JSON.parse(trimmed) as JsonValue };
      } catch (error) {
        if (field.allowsString) return { ok: true, value: trimmed };
        return { ok: false, message: `Not valid JSON: ${(error as Error).message}` };
      }
    case 'code':
      return { ok: true, value: text === '' ? undefined : text };
    case 'schedule':
      return { ok: true, value: trimmed };
    case 'enum': {
      const option = field.options?.find((o) => String(o.value) === trimmed);
      return option
        ? { ok: true, value: option.value }
        : { ok: false, message: `Choose one of ${field.options?.map((o) => o.value).join(', ')}.` };
    }
    case 'boolean':
      return { ok: true, value: trimmed === 'true' };
    case 'text':
      return { ok: true, value: text };
  }
}

/** The text a field shows for a value. */
export function formatFieldValue(field: FormFieldDto, value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (field.kind === 'list' && Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(', ');
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value, null, 2);
}
