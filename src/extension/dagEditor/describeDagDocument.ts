import { parseDagText } from '../../core/dag/parseDagText';
import type { DagGraphDto, ProblemDto } from '../../protocol/dagGraphDto';
import { parseDagTree, toDagGraphDto, toProblemDto } from './toDagGraphDto';

/** What the canvas shows of a DAG file's text: its graph (when drawable) and every problem, located. */
export function describeDagDocument(text: string): { graph: DagGraphDto | undefined; problems: ProblemDto[] } {
  const parsed = parseDagText(text);
  const root = parseDagTree(text);
  return { graph: toDagGraphDto(parsed, root), problems: parsed.problems.map((problem) => toProblemDto(problem, root)) };
}
