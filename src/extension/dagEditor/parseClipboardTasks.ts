import { parse, type ParseError } from 'jsonc-parser';
import { isJsonObject, type JsonObject } from '../../protocol/jsonValue';

/**
 * The tasks in pasted text: a task object, a list of them (what the canvas copies), or a whole DAG
 * file's object (its `tasks`). Tolerant of comments and trailing commas, as text copied from an
 * editor may have them. Returns a reason in words when the text holds no task.
 */
export function parseClipboardTasks(text: string): { tasks: JsonObject[] } | { problem: string } {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const nothing = {
    problem: "The clipboard holds no tasks to paste: copy nodes on a canvas (Ctrl+C), or task objects from a DAG file's text.",
  };
  if (errors.length > 0 || value === undefined) return nothing;
  const candidates: unknown[] = Array.isArray(value) ? value : isJsonObject(value) && Array.isArray(value.tasks) ? value.tasks : [value];
  const tasks = candidates.filter((item): item is JsonObject => isJsonObject(item) && typeof item.operator === 'string');
  return tasks.length > 0 ? { tasks } : nothing;
}
