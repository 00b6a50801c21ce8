import type { TaskSpec } from '../dag/dagFile';

/**
 * Typed access to a task's operator arguments (already rendered), with errors that name the task,
 * the argument and what was expected. The DAG file's schema catches most of these at validation;
 * these checks keep the executor safe when a DAG is run without it.
 */
export class TaskArguments {
  constructor(private readonly task: TaskSpec) {}

  has(name: string): boolean {
    return this.task[name] !== undefined && this.task[name] !== null;
  }

  requiredString(name: string): string {
    const value = this.optionalString(name);
    if (value === undefined || value.trim() === '') throw this.error(name, 'is required and must be a non-empty string');
    return value;
  }

  optionalString(name: string): string | undefined {
    const value = this.task[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw this.error(name, `must be a string, got ${describe(value)}`);
    return value;
  }

  optionalBoolean(name: string): boolean | undefined {
    const value = this.task[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw this.error(name, `must be true or false, got ${describe(value)}`);
    return value;
  }

  optionalObject(name: string): Record<string, unknown> | undefined {
    const value = this.task[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw this.error(name, `must be an object, got ${describe(value)}`);
    return value as Record<string, unknown>;
  }

  /** Environment-like maps: numbers and booleans are accepted and turned into strings. */
  optionalStringMap(name: string): Record<string, string> | undefined {
    const value = this.optionalObject(name);
    if (value === undefined) return undefined;
    const result: Record<string, string> = {};
    for (const [key, item] of Object.entries(value)) {
      if (typeof item === 'string') result[key] = item;
      else if (typeof item === 'number' || typeof item === 'boolean') result[key] = String(item);
      else throw this.error(`${name}.${key}`, `must be a string, got ${describe(item)}`);
    }
    return result;
  }

  /** An error about this task's argument, for a failed outcome. */
  error(name: string, problem: string): Error {
    return new Error(`Task "${this.task.task_id}": argument "${name}" ${problem}.`);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}
