import type { CodeLanguage } from '../../protocol/dagFormSchemaDto';
import type { JsonObject } from '../../protocol/jsonValue';

/** The URI scheme of the documents that hold a task's inline code (see TaskCodeFileSystem.ts). */
export const TASK_CODE_SCHEME = 'dagstream-task';

/** Which value of which task of which DAG file a task code document stands for. */
export interface TaskCodeLocation {
  /** The DAG document's URI, as a string. */
  dagUri: string;
  taskId: string;
  field: string;
}

/** The language an inline code field is edited in, and the file extension that makes VS Code pick it. */
export interface TaskCodeLanguage {
  language: CodeLanguage;
  extension: string;
}

/**
 * The editor language of a task's inline code, or undefined for a field that is not code.
 * `node` runs TypeScript when the task says `"language": "typescript"`.
 */
export function taskCodeLanguage(operator: string, field: string, task: JsonObject): TaskCodeLanguage | undefined {
  if (operator === 'bash' && field === 'bash_command') return { language: 'shellscript', extension: '.sh' };
  if (operator === 'python' && field === 'code') return { language: 'python', extension: '.py' };
  if (operator === 'node' && field === 'code') {
    return task.language === 'typescript' ? { language: 'typescript', extension: '.ts' } : { language: 'javascript', extension: '.mjs' };
  }
  if ((operator === 'sql' || operator === 'sensor.sql') && field === 'sql') return { language: 'sql', extension: '.sql' };
  if (operator === 'http' && field === 'response_check') return { language: 'javascript', extension: '.js' };
  return undefined;
}

/**
 * The path and query of a task code document's URI. The path ends in `<task>.<field><ext>` so that
 * the tab reads `load.sql.sql` and VS Code picks the language from the extension; the query says
 * exactly which DAG, task and field it is (ids may contain dots, so the path is not parsed back).
 */
export function toTaskCodeUriParts(location: TaskCodeLocation, dagFileName: string, extension: string): { path: string; query: string } {
  const segment = (text: string): string => text.replace(/[/\\?#%]/g, '_');
  return {
    path: `/${segment(dagFileName)}/${segment(location.taskId)}.${segment(location.field)}${extension}`,
    query: new URLSearchParams({ dag: location.dagUri, task: location.taskId, field: location.field }).toString(),
  };
}

/** Reads back what `toTaskCodeUriParts` wrote into the query; undefined for a query that is not one of ours. */
export function parseTaskCodeQuery(query: string): TaskCodeLocation | undefined {
  const params = new URLSearchParams(query);
  const dagUri = params.get('dag');
  const taskId = params.get('task');
  const field = params.get('field');
  if (!dagUri || !taskId || !field) return undefined;
  return { dagUri, taskId, field };
}
