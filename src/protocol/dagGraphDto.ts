/**
 * What the DAG canvas needs to draw a DAG file: serialisable, with no `vscode` and no DOM, so
 * that the extension host and the webview agree on it through this file alone.
 */

/** A zero-based line/character span of the DAG file's text. */
export interface RangeDto {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

export interface ProblemDto {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  range: RangeDto;
  taskId?: string;
}

export interface TaskNodeDto {
  taskId: string;
  operator: string;
  upstream: string[];
  /** Saved canvas position; absent when the file does not say where the node goes. */
  position?: { x: number; y: number };
  /** A one-line preview of the task's command or code, for the node's body. */
  preview?: string;
}

export interface DagGraphDto {
  dagId: string;
  description?: string;
  schedule: string | null;
  tasks: TaskNodeDto[];
}
