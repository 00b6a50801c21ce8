import { applyEdits, modify, parseTree, type FormattingOptions, type JSONPath } from 'jsonc-parser';
import { findJsonNode } from '../dag/findJsonNode';
import type { ChartType, DashboardPanel } from './dashboardFile';

/** A change to a dashboard made from its editor: the file's text is changed, never a copy of it. */
export type DashboardEdit =
  | {
      kind: 'setChart';
      panelIndex: number;
      /** The keys to change; `series: null` removes the series column. */
      chart: { type?: ChartType; x?: string; y?: string | string[]; series?: string | null };
    }
  | { kind: 'addPanel'; panel: DashboardPanel }
  | { kind: 'setPanel'; panelIndex: number; panel: { title?: string; database?: string; sql?: string } }
  | { kind: 'removePanel'; panelIndex: number }
  | { kind: 'setRefreshInterval'; value: number | string | null };

/** One replacement of the text: what changed between the old text and the new, as one span. */
export interface TextReplacement {
  offset: number;
  length: number;
  newText: string;
}

export type DashboardEditResult = { ok: true; replacements: TextReplacement[] } | { ok: false; reason: string };

export interface JsonLayout {
  insertSpaces: boolean;
  tabSize: number;
  eol: string;
}

/**
 * Applies an edit to a dashboard's text with jsonc-parser's `modify`, which touches only the
 * values it changes and keeps the user's layout and key order. The result is one replacement of
 * the span that differs, so the edit is one step of undo and a small diff.
 */
export function editDashboardText(text: string, edit: DashboardEdit, layout: JsonLayout): DashboardEditResult {
  const root = parseTree(text);
  if (root?.type !== 'object') return { ok: false, reason: 'The dashboard file is not a JSON object; fix it in the text editor first.' };
  const options: FormattingOptions = { insertSpaces: layout.insertSpaces, tabSize: layout.tabSize, eol: layout.eol };
  const changes: Array<[JSONPath, unknown]> = [];
  const panelCount = findJsonNode(root, ['panels'])?.children?.length ?? 0;
  const panelExists = (index: number): boolean => findJsonNode(root, ['panels', index])?.type === 'object';
  switch (edit.kind) {
    case 'setChart': {
      if (!panelExists(edit.panelIndex)) return missingPanel(edit.panelIndex);
      if (findJsonNode(root, ['panels', edit.panelIndex, 'chart'])?.type !== 'object') {
        changes.push([['panels', edit.panelIndex, 'chart'], {}]);
      }
      for (const key of ['type', 'x', 'y', 'series'] as const) {
        if (!(key in edit.chart)) continue;
        const value = edit.chart[key];
        changes.push([['panels', edit.panelIndex, 'chart', key], value === null ? undefined : value]);
      }
      break;
    }
    case 'setPanel':
      if (!panelExists(edit.panelIndex)) return missingPanel(edit.panelIndex);
      for (const key of ['title', 'database', 'sql'] as const) {
        const value = edit.panel[key];
        if (value !== undefined) changes.push([['panels', edit.panelIndex, key], value]);
      }
      break;
    case 'addPanel':
      if (findJsonNode(root, ['panels'])?.type !== 'array') changes.push([['panels'], []]);
      changes.push([['panels', panelCount], edit.panel]);
      break;
    case 'removePanel':
      if (!panelExists(edit.panelIndex)) return missingPanel(edit.panelIndex);
      changes.push([['panels', edit.panelIndex], undefined]);
      break;
    case 'setRefreshInterval':
      changes.push([['refresh_interval'], edit.value]);
      break;
  }
  let next = text;
  for (const [path, value] of changes) {
    const isArrayInsertion = edit.kind === 'addPanel' && path.length === 2;
    next = applyEdits(next, modify(next, path, value, { formattingOptions: options, ...(isArrayInsertion ? { isArrayInsertion } : {}) }));
  }
  return { ok: true, replacements: next === text ? [] : [difference(text, next)] };
}

function missingPanel(index: number): DashboardEditResult {
  return { ok: false, reason: `The dashboard has no panel #${index + 1} any more (the file changed); look again and retry.` };
}

/** The one span that differs between two texts. */
function difference(before: string, after: string): TextReplacement {
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (end < shorter - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  return { offset: start, length: before.length - start - end, newText: after.slice(start, after.length - end) };
}

/** Applies replacements to a text (for tests and for callers without a document). */
export function applyReplacements(text: string, replacements: readonly TextReplacement[]): string {
  let result = text;
  for (const r of [...replacements].sort((a, b) => b.offset - a.offset))
    result = result.slice(0, r.offset) + r.newText + result.slice(r.offset + r.length);
  return result;
}
