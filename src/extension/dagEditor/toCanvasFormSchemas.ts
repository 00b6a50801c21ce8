import { OPERATORS } from '../../core/dag/dagFile';
import {
  dagPropertySchemas,
  defaultArgsPropertySchemas,
  durationKeysOf,
  operatorArgumentSchema,
  taskPropertySchemas,
  type JsonSchema,
} from '../../core/dag/dagSchema';
import type {
  CanvasFormSchemasDto,
  CodeLanguage,
  FormFieldDto,
  FormFieldKind,
  OperatorFormDto,
  OperatorGroupDto,
  OperatorGroupId,
} from '../../protocol/dagFormSchemaDto';
import { isJsonValue } from '../../protocol/jsonValue';

/** The palette's groups, in order, and where each operator goes. */
const GROUPS: OperatorGroupDto[] = [
  { id: 'core', label: 'Core' },
  { id: 'code', label: 'Code' },
  { id: 'data', label: 'Data' },
  { id: 'kafka', label: 'Kafka' },
  { id: 'sensors', label: 'Sensors' },
];

function groupOf(operator: string): OperatorGroupId {
  if (operator === 'bash' || operator === 'python' || operator === 'node') return 'code';
  if (operator === 'http' || operator === 'sql') return 'data';
  if (operator.startsWith('kafka.')) return 'kafka';
  if (operator.startsWith('sensor.')) return 'sensors';
  return 'core';
}

/**
 * Fields that hold a program, and the language VS Code should edit it in. `node`'s inline code is
 * JavaScript unless the task says `"language": "typescript"`; the host decides that when it opens
 * the code (see taskCodeLanguage.ts).
 */
const CODE_LANGUAGES: Readonly<Record<string, Readonly<Record<string, CodeLanguage>>>> = {
  bash: { bash_command: 'shellscript' },
  python: { code: 'python', code_file: 'python' },
  node: { code: 'javascript', code_file: 'javascript' },
  sql: { sql: 'sql' },
  'sensor.sql': { sql: 'sql' },
  http: { response_check: 'javascript' },
};
/** Text fields that are usually several lines long. */
const MULTILINE_KEYS = new Set(['doc_md', 'description', 'bash_command', 'code', 'sql', 'response_check']);
/** Keys a form never shows: the canvas edits them by other gestures. */
const TASK_KEYS_NOT_IN_FORMS = new Set(['task_id', 'operator', 'upstream', 'position']);
const DAG_KEYS_NOT_IN_FORMS = new Set(['$schema', 'version', 'tasks']);
const DATE_KEYS = new Set(['start_date', 'end_date']);

/**
 * The palette and every form of the canvas, generated from the DAG JSON schema: one field per key
 * with the input that edits it. Pure, so the generated forms are unit-tested without a webview.
 */
export function toCanvasFormSchemas(): CanvasFormSchemasDto {
  const operators: OperatorFormDto[] = [];
  for (const operator of OPERATORS) {
    const schema = operatorArgumentSchema(operator);
    if (!schema) continue;
    const required = new Set(schema.required);
    const durations = durationKeysOf(operator);
    const keys = Object.keys(schema.properties).sort((a, b) => Number(required.has(b)) - Number(required.has(a)));
    operators.push({
      operator,
      title: schema.title,
      description: schema.description,
      group: groupOf(operator),
      fields: keys.map((key) => toField(key, schema.properties[key] ?? {}, required.has(key), durations, CODE_LANGUAGES[operator]?.[key])),
      exactlyOneOf: schema.exactlyOneOf.map((group) => [...group]),
    });
  }
  const taskDurations = durationKeysOf('');
  const taskFields = Object.entries(taskPropertySchemas())
    .filter(([key]) => !TASK_KEYS_NOT_IN_FORMS.has(key))
    .map(([key, schema]) => toField(key, schema, false, taskDurations));
  const dagRequired = new Set(['dag_id']);
  const dagFields = Object.entries(dagPropertySchemas())
    .filter(([key]) => !DAG_KEYS_NOT_IN_FORMS.has(key))
    .map(([key, schema]) => toField(key, schema, dagRequired.has(key), taskDurations));
  const defaultArgsFields = Object.entries(defaultArgsPropertySchemas()).map(([key, schema]) => toField(key, schema, false, taskDurations));
  return { groups: GROUPS, operators, taskFields, dagFields, defaultArgsFields };
}

function toField(
  key: string,
  schema: JsonSchema,
  required: boolean,
  durations: ReadonlySet<string>,
  language?: CodeLanguage,
): FormFieldDto {
  const kind = kindOf(key, schema, durations);
  const types = typesOf(schema);
  const field: FormFieldDto = {
    key,
    kind,
    description: typeof schema.description === 'string' ? schema.description : '',
    required,
  };
  if (isJsonValue(schema.default)) field.default = schema.default;
  const examples = Array.isArray(schema.examples) ? (schema.examples as unknown[]).filter(isJsonValue) : [];
  if (examples.length > 0) field.examples = examples;
  if (language) field.language = language;
  if (kind === 'enum') field.options = optionsOf(schema);
  if (kind === 'list' && types.includes('string')) field.listOrString = true;
  if (kind === 'json' && (types.length === 0 || types.includes('string'))) field.allowsString = true;
  return field;
}

function kindOf(key: string, schema: JsonSchema, durations: ReadonlySet<string>): FormFieldKind {
  const types = typesOf(schema);
  if (key === 'schedule') return 'schedule';
  if (durations.has(key)) return 'duration';
  if (DATE_KEYS.has(key)) return 'date';
  if (Array.isArray(schema.enum) && (schema.enum as unknown[]).every((v) => typeof v === 'string' || typeof v === 'number')) return 'enum';
  // SQL may also be a list of statements; the form edits the usual single script (a list shows as JSON).
  if (MULTILINE_KEYS.has(key) && types.includes('string')) return 'code';
  if (types.length === 1) {
    const [type] = types;
    if (type === 'boolean') return 'boolean';
    if (type === 'integer') return 'integer';
    if (type === 'number') return 'number';
    if (type === 'string') return 'text';
  }
  const items = schema.items as JsonSchema | undefined;
  const listOfStrings = types.includes('array') && typesOf(items ?? {}).join() === 'string';
  if (listOfStrings && types.every((t) => t === 'array' || t === 'string')) return 'list';
  return 'json';
}

function optionsOf(schema: JsonSchema): { value: string | number; description?: string }[] {
  const values = (schema.enum as (string | number)[]) ?? [];
  const descriptions = Array.isArray(schema.enumDescriptions) ? (schema.enumDescriptions as unknown[]) : [];
  return values.map((value, i) => {
    const description = descriptions[i];
    return typeof description === 'string' ? { value, description } : { value };
  });
}

function typesOf(schema: JsonSchema): string[] {
  const type: unknown = schema.type;
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string' && t !== 'null');
  return [];
}
