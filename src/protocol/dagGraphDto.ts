/**
 * What the DAG canvas needs to draw a DAG file: serialisable, with no `vscode` and no DOM, so
 * that the extension host and the webview agree on it through this file alone.
 */
import type { JsonObject, JsonPath } from './jsonValue';

/** A zero-based line/character span of the DAG file's text. */
export interface RangeDto {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

/** An upstream link: `target` lists `source` in its `upstream`, so `source` runs first. */
export interface LinkDto {
  source: string;
  target: string;
}

export interface ProblemDto {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  range: RangeDto;
  taskId?: string;
  /**
   * The JSON path of the offending value, e.g. `["tasks", 2, "retry_delay"]` or `["schedule"]`,
   * so that a form shows the message beside the field it is about.
   */
  path?: JsonPath;
  /** Set when the offending value is an entry of a task's `upstream`: the edge to mark. */
  link?: LinkDto;
}

export interface TaskNodeDto {
  taskId: string;
  operator: string;
  upstream: string[];
  /** Saved canvas position; absent when the file does not say where the node goes. */
  position?: { x: number; y: number };
  /** A one-line preview of the task's command or code, for the node's body. */
  preview?: string;
  /** The task's whole object as written in the file (every key, in file order), for the inspector and copy. */
  values: JsonObject;
}

export interface DagGraphDto {
  dagId: string;
  description?: string;
  schedule: string | null;
  /** Every top-level key but `tasks`, as written in the file, for the DAG settings form. */
  settings: JsonObject;
  tasks: TaskNodeDto[];
}
