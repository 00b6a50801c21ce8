import type { JSONPath, Node } from 'jsonc-parser';
import type { DagProblem } from './parseDagText';
import type { LineIndex } from './textRange';

/** Where a problem points when it is not about a value: a key, or an object's opening brace. */
export interface TextSpan {
  offset: number;
  length: number;
}

export interface ReportOptions {
  severity?: 'error' | 'warning';
  taskId?: string | undefined;
  /** The JSON path of the offending value, for forms that show a problem beside its field. */
  path?: JSONPath | undefined;
  /**
   * What about the located node is wrong when several things can be (the name of a missing key),
   * so that two missing keys of one object are two problems but one defect is reported once.
   */
  subject?: string | undefined;
}

/**
 * Collects the problems of one DAG file. The first report of a defect wins: the hand-written
 * checks run before the schema's, so a bad duration gets the duration message rather than the
 * schema's generic "must match pattern", and never both.
 */
export class ProblemCollector {
  readonly problems: DagProblem[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly lines: LineIndex) {}

  report(code: string, message: string, at: Node | TextSpan | undefined, options: ReportOptions = {}): void {
    const offset = at?.offset ?? 0;
    const length = at?.length ?? 0;
    const severity = options.severity ?? 'error';
    const key = `${severity}:${offset}:${length}:${options.subject ?? ''}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.problems.push({
      severity,
      code,
      message,
      range: this.lines.rangeAt(offset, length),
      ...(options.taskId === undefined ? {} : { taskId: options.taskId }),
      ...(options.path === undefined ? {} : { path: options.path }),
    });
  }

  /** True when an error has been reported at exactly this node (for this subject). */
  hasErrorAt(at: Node | TextSpan, subject = ''): boolean {
    return this.seen.has(`error:${at.offset}:${at.length}:${subject}`);
  }
}

/** An object's opening brace: where a problem about a missing key points, as VS Code does. */
export function openingBrace(node: Node): TextSpan {
  return { offset: node.offset, length: 1 };
}

/** The key of a property node (`"retries"` in `"retries": 3`), or the node itself. */
export function keyOf(property: Node | undefined): Node | undefined {
  return property?.type === 'property' ? property.children?.[0] : property;
}
