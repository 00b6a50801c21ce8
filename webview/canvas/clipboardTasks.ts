import type { DagGraphDto } from '../../src/protocol/dagGraphDto';

/**
 * The selected tasks as the clipboard holds them: a JSON list of the task objects exactly as the
 * file has them, so that they paste into another canvas (the host gives them fresh ids) or into a
 * DAG file's text. Undefined when nothing is selected.
 */
export function copiedTasksText(graph: DagGraphDto, taskIds: readonly string[]): string | undefined {
  const selected = new Set(taskIds);
  const tasks = graph.tasks.filter((task) => selected.has(task.taskId)).map((task) => task.values);
  return tasks.length === 0 ? undefined : JSON.stringify(tasks, null, 2);
}

/**
 * Whether a keyboard or clipboard event belongs to a text field (the inspector's or the palette's
 * search, inside web components' shadow roots): there, copy, paste and Delete edit text.
 */
export function isEditableTarget(event: Event): boolean {
  const target = event.composedPath()[0];
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT';
}
