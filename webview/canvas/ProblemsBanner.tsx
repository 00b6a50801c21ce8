import type { ProblemDto } from '../../src/protocol/dagGraphDto';
import { postCommand } from './vscodeApi';

const SHOWN = 5;

/** The file's problems above the canvas, so a broken file never looks like an empty one. */
export function ProblemsBanner({ problems }: { problems: readonly ProblemDto[] }) {
  if (problems.length === 0) return null;
  return (
    <section className="problems-banner" role="alert" aria-label={`${problems.length} problem(s) in this DAG file`}>
      <ul>
        {problems.slice(0, SHOWN).map((problem, index) => (
          <li key={index}>
            <span className="problems-location">
              {problem.range.startLine + 1}:{problem.range.startCharacter + 1}
            </span>{' '}
            {problem.message}
            {problem.taskId && (
              <button type="button" className="canvas-link" onClick={() => postCommand({ type: 'canvas/revealTask', taskId: problem.taskId ?? '' })}>
                Show
              </button>
            )}
          </li>
        ))}
      </ul>
      {problems.length > SHOWN && <div className="problems-more">and {problems.length - SHOWN} more; open the Problems panel or the text.</div>}
    </section>
  );
}
