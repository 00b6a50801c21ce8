import { dagPropertySchemas, operatorArgumentSchema, type JsonSchema } from '../../core/dag/dagSchema';
import type { CanvasPoint } from '../../protocol/dagEditDto';
import { isJsonObject, isJsonValue, type JsonObject, type JsonValue } from '../../protocol/jsonValue';

/**
 * The object of a task dropped from the palette: the starter the JSON schema offers as a
 * completion snippet for this operator (so the canvas and text completion agree), or else its
 * required arguments filled from their examples; then `upstream` and the node's position.
 */
export function newTaskFor(operator: string, taskId: string, position: CanvasPoint): JsonObject {
  const starter = snippetBodyFor(operator) ?? requiredArgumentsOf(operator);
  const task: JsonObject = { task_id: taskId, operator };
  for (const [key, value] of Object.entries(starter)) if (key !== 'task_id' && key !== 'operator' && key !== 'position') task[key] = value;
  task.upstream = Array.isArray(task.upstream) ? task.upstream : [];
  task.position = { x: Math.round(position.x), y: Math.round(position.y) };
  return task;
}

function snippetBodyFor(operator: string): JsonObject | undefined {
  const items = dagPropertySchemas().tasks?.items as JsonSchema | undefined;
  const snippets = Array.isArray(items?.defaultSnippets) ? (items.defaultSnippets as unknown[]) : [];
  for (const snippet of snippets) {
    const body = (snippet as { body?: unknown }).body;
    if (isJsonObject(body) && body.operator === operator) return withoutPlaceholders(body) as JsonObject;
  }
  return undefined;
}

function requiredArgumentsOf(operator: string): JsonObject {
  const schema = operatorArgumentSchema(operator);
  const args: JsonObject = {};
  for (const key of schema?.required ?? []) {
    const property = schema?.properties[key] ?? {};
    const example = Array.isArray(property.examples) ? (property.examples as unknown[])[0] : undefined;
    args[key] = isJsonValue(example) ? example : isJsonValue(property.default) ? property.default : emptyValueOf(property);
  }
  return args;
}

function emptyValueOf(schema: JsonSchema): JsonValue {
  const types = Array.isArray(schema.type) ? (schema.type as unknown[]) : [schema.type];
  if (types.includes('string')) return '';
  if (types.includes('array')) return [];
  if (types.includes('object')) return {};
  return null;
}

/** Turns VS Code snippet syntax (`${1:task}`, `$1`, `\\$`) into the text it stands for. */
function withoutPlaceholders(value: JsonValue): JsonValue {
  if (typeof value === 'string') {
    return value
      .replace(/\$\{\d+:([^}]*)\}/g, '$1')
      .replace(/\$\{\d+\}|\$\d+/g, '')
      .replace(/\\\$/g, '$');
  }
  if (Array.isArray(value)) return value.map(withoutPlaceholders);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutPlaceholders(item)]));
  }
  return value;
}
