/**
 * The parts of `schemas/dag.schema.json` the canvas needs to generate its palette and forms,
 * flattened by the host (src/extension/dagEditor/toCanvasFormSchemas.ts) because a webview cannot
 * import the core. One field per key, with the kind of input that edits it.
 */
import type { JsonValue } from './jsonValue';

/**
 * How a value is edited:
 * - `text`: one line; `code`: several lines in a monospace font, with "Edit code" when `language` is set;
 * - `integer`, `number`: numeric input; `boolean`: a checkbox; `enum`: a select of `options`;
 * - `duration`: seconds or "5m"-style text; `date`: "2026-11-01" or a date-time;
 * - `schedule`: a cron expression, a preset or none, with its description;
 * - `list`: comma-separated strings (a single item is written as a plain string when `listOrString`);
 * - `json`: any JSON, edited as JSON text (plain text is written as a string when `allowsString`).
 */
export type FormFieldKind =
  'text' | 'code' | 'integer' | 'number' | 'boolean' | 'enum' | 'duration' | 'date' | 'schedule' | 'list' | 'json';

/** The languages of code fields, as VS Code names them. */
export type CodeLanguage = 'python' | 'javascript' | 'typescript' | 'shellscript' | 'sql';

export interface FormOptionDto {
  value: string | number;
  description?: string;
}

export interface FormFieldDto {
  key: string;
  kind: FormFieldKind;
  description: string;
  required: boolean;
  default?: JsonValue;
  options?: FormOptionDto[];
  examples?: JsonValue[];
  /** For `code` fields that hold a program: the language of the editor tab "Edit code" opens. */
  language?: CodeLanguage;
  allowsString?: boolean;
  listOrString?: boolean;
}

export type OperatorGroupId = 'core' | 'code' | 'data' | 'kafka' | 'sensors';

export interface OperatorGroupDto {
  id: OperatorGroupId;
  label: string;
}

export interface OperatorFormDto {
  operator: string;
  /** A short human name, e.g. "Kafka sink to SQLite". */
  title: string;
  description: string;
  group: OperatorGroupId;
  /** The operator's own arguments, required ones first. */
  fields: FormFieldDto[];
  /** Groups of arguments of which exactly one must be set (`code` or `code_file`). */
  exactlyOneOf: string[][];
}

export interface CanvasFormSchemasDto {
  /** Palette order. */
  groups: OperatorGroupDto[];
  operators: OperatorFormDto[];
  /** Keys every task takes whatever its operator (`trigger_rule`, `retries`, `pool`...), without `task_id`, `operator`, `upstream` and `position`. */
  taskFields: FormFieldDto[];
  /** Top-level keys but `version` and `tasks`. */
  dagFields: FormFieldDto[];
  /** `default_args`' documented keys. */
  defaultArgsFields: FormFieldDto[];
}
