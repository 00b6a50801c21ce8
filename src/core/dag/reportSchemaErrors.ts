import type { ErrorObject } from 'ajv';
import type { JSONPath, Node } from 'jsonc-parser';
import { describeSchemaErrorLocation, requiredKeys, type SchemaErrorLocation } from './describeSchemaError';
import { findJsonNode, findProperty, pointerToPath } from './findJsonNode';
import { keyOf, openingBrace, type ProblemCollector, type TextSpan } from './ProblemCollector';

/** Gives a schema error its problem code and message, or undefined to leave it out. */
export type ClassifySchemaError = (
  error: ErrorObject,
  path: JSONPath,
  location: SchemaErrorLocation,
) => { code: string; message: string } | undefined;

/**
 * Reports Ajv errors of a value of the document as problems located in its text.
 *
 * @param base the node and path of the validated value (the root, or a param's schema), which
 *   Ajv's instance paths are relative to
 */
export function reportSchemaErrors(
  errors: readonly ErrorObject[],
  base: { node: Node; path: JSONPath },
  document: unknown,
  problems: ProblemCollector,
  classify: ClassifySchemaError,
): void {
  for (const error of selectErrors(errors)) {
    const relative = pointerToPath(base.node, error.instancePath);
    const path = [...base.path, ...relative];
    const node = findJsonNode(base.node, relative) ?? base.node;
    const location = describeSchemaErrorLocation(path, document);
    const verdict = classify(error, path, location);
    if (verdict === undefined) continue;
    const at = locate(error, node);
    problems.report(verdict.code, verdict.message, at.span, {
      taskId: location.taskId,
      path: at.key === undefined ? path : [...path, at.key],
      subject: error.keyword === 'required' ? String(error.params.missingProperty) : undefined,
    });
  }
}

/**
 * Keeps the errors worth showing. `if` errors only say that a `then` failed, whose own errors
 * follow. A `oneOf`/`anyOf` that the schema words itself (its branches each require one key, or
 * it carries an `errorMessage`) replaces its branches' errors; any other keeps its branches' errors
 * and is dropped, since "must match a schema in anyOf" helps nobody.
 */
function selectErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  for (const error of errors) {
    if (error.keyword === 'if' || error.keyword === 'propertyNames') dropped.add(error);
    if (error.keyword !== 'oneOf' && error.keyword !== 'anyOf') continue;
    const parent: Record<string, unknown> = error.parentSchema ?? {};
    const branches = Array.isArray(parent[error.keyword]) ? (parent[error.keyword] as unknown[]) : [];
    const wordedBySchema =
      typeof parent.errorMessage === 'string' || (branches.length > 1 && branches.every((b) => requiredKeys(asRecord(b)).length === 1));
    if (!wordedBySchema) {
      dropped.add(error);
      continue;
    }
    for (const other of errors) {
      const inside = other.instancePath === error.instancePath || other.instancePath.startsWith(`${error.instancePath}/`);
      if (other !== error && inside && other.schemaPath.startsWith(`${error.schemaPath}/`)) dropped.add(other);
    }
  }
  return errors.filter((error) => !dropped.has(error));
}

/** Where a problem points: the value, or a key when the error is about a key. */
function locate(error: ErrorObject, node: Node): { span: Node | TextSpan; key?: string } {
  const params = error.params as Record<string, unknown>;
  if (error.propertyName !== undefined) return { span: keyOf(findProperty(node, error.propertyName)) ?? node, key: error.propertyName };
  if (error.keyword === 'additionalProperties') {
    const key = String(params.additionalProperty);
    return { span: keyOf(findProperty(node, key)) ?? node, key };
  }
  if (error.keyword === 'not' || error.keyword === 'oneOf' || error.keyword === 'anyOf') {
    // "Not both" points at the second of the clashing keys, the one most likely just added.
    const parent: Record<string, unknown> = error.parentSchema ?? {};
    const keys =
      error.keyword === 'not'
        ? requiredKeys(asRecord(parent.not))
        : asArray(parent[error.keyword]).flatMap((b) => requiredKeys(asRecord(b)));
    const present = keys.filter((key) => findProperty(node, key) !== undefined);
    const last = present[present.length - 1];
    if (present.length > 1 && last !== undefined) return { span: keyOf(findProperty(node, last)) ?? node, key: last };
  }
  if (node.type === 'object' && OBJECT_LEVEL_KEYWORDS.has(error.keyword)) return { span: openingBrace(node) };
  return { span: node };
}

const OBJECT_LEVEL_KEYWORDS: ReadonlySet<string> = new Set([
  'required',
  'oneOf',
  'anyOf',
  'not',
  'minProperties',
  'maxProperties',
  'dependencies',
  'dependentRequired',
]);

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}
