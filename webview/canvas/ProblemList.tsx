import type { ProblemDto } from '../../src/protocol/dagGraphDto';
import { postCommand } from './vscodeApi';

/** Problems that belong to no single field, each with a link to its place in the text. */
export function ProblemList({ problems }: { problems: readonly ProblemDto[] }) {
  if (problems.length === 0) return null;
  return (
    <ul className="problem-list" aria-label="Problems">
      {problems.map((problem, index) => (
        <li key={index} className={problem.severity === 'error' ? 'form-error' : 'form-warning'}>
          {problem.message}{' '}
          <button type="button" className="canvas-link" onClick={() => postCommand({ type: 'canvas/revealRange', range: problem.range })}>
            {problem.range.startLine + 1}:{problem.range.startCharacter + 1}
          </button>
        </li>
      ))}
    </ul>
  );
}
