import type { ErrorObject, ValidateFunction } from 'ajv';
import { getNodeValue, parseTree, printParseErrorCode, type JSONPath, type Node, type ParseError } from 'jsonc-parser';
import schemaJson from '../../../schemas/dashboard.schema.json';
import { createSchemaAjv } from '../dag/createSchemaAjv';
import { describeSchemaError, formatValue, type SchemaErrorLocation } from '../dag/describeSchemaError';
import { findValue } from '../dag/findJsonNode';
import { ProblemCollector } from '../dag/ProblemCollector';
import { reportSchemaErrors } from '../dag/reportSchemaErrors';
import { LineIndex, type TextRange } from '../dag/textRange';
import { CHART_TYPES, DASHBOARD_FILE_VERSION, type ChartSpec, type ChartType, type DashboardPanel } from './dashboardFile';
import { describeInvalidRefreshInterval, parseRefreshIntervalMs } from './parseRefreshInterval';

/** One thing wrong with a dashboard file, located in its text. */
export interface DashboardProblem {
  severity: 'error' | 'warning';
  /**
   * `invalid-json`, `not-an-object`, `missing-version`, `unsupported-version`, `missing-title`,
   * `missing-panels`, `invalid-refresh-interval`, or `schema-<keyword>` for other violations of
   * `schemas/dashboard.schema.json`.
   */
  code: string;
  message: string;
  range: TextRange;
  /** The panel the problem belongs to. */
  panelIndex?: number;
  path?: JSONPath;
}

/** A panel as the editor shows it: usable when its database, query and chart are all there. */
export interface ParsedPanel {
  index: number;
  title: string;
  /** Undefined when the panel lacks something it needs to run (its problems say what). */
  panel: DashboardPanel | undefined;
  range: TextRange;
}

export interface ParsedDashboard {
  /** Undefined when the text is not a JSON object. */
  title: string | undefined;
  /** Undefined when absent, null or invalid. */
  refreshIntervalMs: number | undefined;
  panels: ParsedPanel[];
  problems: DashboardProblem[];
}

let validator: ValidateFunction | undefined;

function dashboardValidator(): ValidateFunction {
  validator ??= createSchemaAjv('strict').compile(schemaJson);
  return validator;
}

/**
 * Parses and checks the text of a `*.dashboard.json` file. Never throws: a stray comma, a missing
 * chart or a bad refresh interval each come back as a problem at the offending value, and every
 * panel that is complete stays usable however broken its neighbours are.
 */
export function parseDashboardText(text: string): ParsedDashboard {
  const lines = new LineIndex(text);
  const problems = new ProblemCollector(lines);
  const result = (title: string | undefined, refreshIntervalMs: number | undefined, panels: ParsedPanel[]): ParsedDashboard => ({
    title,
    refreshIntervalMs,
    panels,
    problems: problems.problems
      .map(({ taskId: _unused, ...problem }) => {
        const [first, second] = problem.path ?? [];
        return first === 'panels' && typeof second === 'number' ? { ...problem, panelIndex: second } : problem;
      })
      .sort((a, b) => a.range.offset - b.range.offset),
  });

  const parseErrors: ParseError[] = [];
  const root = parseTree(text, parseErrors, { disallowComments: true, allowTrailingComma: false });
  for (const error of parseErrors) {
    const words = printParseErrorCode(error.error)
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase();
    problems.report('invalid-json', `Invalid JSON: ${words}.`, { offset: error.offset, length: error.length });
  }
  if (!root) return result(undefined, undefined, []);
  if (root.type !== 'object') {
    problems.report('not-an-object', 'A dashboard file must be a JSON object with "version", "title" and "panels".', root);
    return result(undefined, undefined, []);
  }
  const document = getNodeValue(root) as Record<string, unknown>;

  const intervalNode = findValue(root, 'refresh_interval');
  const intervalProblem = describeInvalidRefreshInterval(document.refresh_interval);
  if (intervalNode && intervalProblem !== undefined)
    problems.report('invalid-refresh-interval', intervalProblem, intervalNode, { path: ['refresh_interval'] });

  const validate = dashboardValidator();
  if (!validate(document)) {
    reportSchemaErrors(validate.errors ?? [], { node: root, path: [] }, document, problems, (error, path) =>
      classify(error, path, document),
    );
  }

  const title = typeof document.title === 'string' ? document.title : undefined;
  return result(title, parseRefreshIntervalMs(document.refresh_interval), collectPanels(root, document, lines));
}

function collectPanels(root: Node, document: Record<string, unknown>, lines: LineIndex): ParsedPanel[] {
  const panelsNode = findValue(root, 'panels');
  if (panelsNode?.type !== 'array' || !Array.isArray(document.panels)) return [];
  const values: unknown[] = document.panels;
  return (panelsNode.children ?? []).map((node, index) => {
    const value = asRecord(values[index]);
    const title = typeof value.title === 'string' && value.title.trim() !== '' ? value.title : `Panel ${index + 1}`;
    return { index, title, panel: usablePanel(value, title), range: lines.rangeAt(node.offset, node.length) };
  });
}

/** The panel when it has all it needs to run and draw; extra or odd keys do not stop it. */
function usablePanel(value: Record<string, unknown>, title: string): DashboardPanel | undefined {
  const { database, sql } = value;
  const chart = asRecord(value.chart);
  if (!isNonEmpty(database) || !isNonEmpty(sql)) return undefined;
  if (!CHART_TYPES.includes(chart.type as ChartType) || !isNonEmpty(chart.x)) return undefined;
  const y = chart.y;
  const yOk = isNonEmpty(y) || (Array.isArray(y) && y.length > 0 && y.every(isNonEmpty));
  if (!yOk) return undefined;
  const spec: ChartSpec = { type: chart.type as ChartType, x: chart.x, y: y as string | string[] };
  if (isNonEmpty(chart.series)) spec.series = chart.series;
  const size = asRecord(value.size);
  const panel: DashboardPanel = { title, database, sql, chart: spec };
  if (size.width === 'half' || size.width === 'full' || typeof size.height === 'number') {
    panel.size = {
      ...(size.width === 'half' || size.width === 'full' ? { width: size.width } : {}),
      ...(typeof size.height === 'number' ? { height: size.height } : {}),
    };
  }
  return panel;
}

function classify(error: ErrorObject, path: JSONPath, document: Record<string, unknown>): { code: string; message: string } | undefined {
  const location = locate(path, document);
  const message = describeSchemaError(error, location);
  const missing = error.keyword === 'required' ? String(error.params.missingProperty) : undefined;
  if (path.length === 0) {
    if (missing === 'version') return { code: 'missing-version', message: `Missing "version": add "version": ${DASHBOARD_FILE_VERSION}.` };
    if (missing === 'title') return { code: 'missing-title', message: 'Missing "title": give the dashboard a title.' };
    if (missing === 'panels') return { code: 'missing-panels', message: 'Missing "panels": add a list of panels (it may be empty).' };
    if (error.keyword === 'type')
      return { code: 'not-an-object', message: 'A dashboard file must be a JSON object with "version", "title" and "panels".' };
  }
  if (path.length === 1 && path[0] === 'version') {
    return {
      code: 'unsupported-version',
      message: `Unsupported dashboard file version ${formatValue(error.data)}: this build of Dagstream reads version ${DASHBOARD_FILE_VERSION}. Update Dagstream or change the file's version.`,
    };
  }
  // The hand-written check words refresh intervals better (and reports each once).
  if (path[0] === 'refresh_interval') return undefined;
  if (path[0] === 'panels' && path.length === 4 && path[2] === 'chart' && path[3] === 'type' && error.keyword === 'enum') {
    return {
      code: 'schema-enum',
      message: `${location.owner ?? 'Panel'}: chart "type" must be one of ${CHART_TYPES.join(', ')} (got ${formatValue(error.data)}).`,
    };
  }
  return { code: `schema-${error.keyword}`, message };
}

/** Names a panel by its title, as the user sees it on the dashboard. */
function locate(path: JSONPath, document: Record<string, unknown>): SchemaErrorLocation {
  const [first, second, ...rest] = path;
  const none = { taskId: undefined, operator: undefined };
  if (first === 'panels' && typeof second === 'number') {
    const panel = asRecord(Array.isArray(document.panels) ? (document.panels as unknown[])[second] : undefined);
    const owner = typeof panel.title === 'string' && panel.title.trim() !== '' ? `Panel "${panel.title}"` : `Panel #${second + 1}`;
    return { owner, key: keyPath(rest), ...none };
  }
  return { owner: undefined, key: keyPath(path), ...none };
}

function keyPath(path: JSONPath): string | undefined {
  if (path.length === 0) return undefined;
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('');
}

function isNonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
