import Ajv, { type Options } from 'ajv';

/**
 * Keywords of VS Code's JSON language service that the DAG schema uses for hover text, error
 * messages and completion snippets. Ajv must know them, or strict mode rejects the schema.
 */
const VSCODE_SCHEMA_KEYWORDS = [
  'enumDescriptions',
  'markdownDescription',
  'markdownEnumDescriptions',
  'patternErrorMessage',
  'errorMessage',
  'defaultSnippets',
  'deprecationMessage',
];

// RFC 3339 shapes, for params that declare `"format": "date"` and friends (Airflow's trigger
// form offers date pickers for them). Other formats are not checked rather than rejected.
const FORMATS: Readonly<Record<string, RegExp>> = {
  date: /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/,
  time: /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/i,
  'date-time': /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/i,
};

/**
 * An Ajv instance for DAG files: `strict` checks the DAG schema itself (unknown keywords are
 * typos there); params are users' schemas, checked leniently like Airflow's jsonschema does.
 * Ajv prints warnings through its logger; a validator running on every keystroke must not.
 */
export function createSchemaAjv(mode: 'strict' | 'lenient'): Ajv {
  const options: Options = {
    allErrors: true,
    verbose: true,
    logger: false,
    strictSchema: mode === 'strict',
    // Union types and `required` beside `if`/`oneOf` are deliberate in the DAG schema.
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
  };
  const ajv = new Ajv(options);
  for (const keyword of VSCODE_SCHEMA_KEYWORDS) ajv.addKeyword({ keyword, schemaType: ['string', 'array', 'object', 'boolean'] });
  for (const [name, pattern] of Object.entries(FORMATS)) ajv.addFormat(name, pattern);
  return ajv;
}
