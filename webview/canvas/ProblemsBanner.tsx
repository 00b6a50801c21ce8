import type { ProblemDto } from '../../src/protocol/dagGraphDto';
import { postCommand } from './vscodeApi';

const SHOWN = 5;

export interface ProblemsBannerProps {
  problems: readonly ProblemDto[];
  /** False when the text cannot be drawn: the problems are then all there is to show, always open. */
  drawable: boolean;
  open: boolean;
  onToggle(): void;
}

/** The file's problems above the canvas, so a broken file never looks like an empty one; each links to its place in the text. */
export function ProblemsBanner({ problems, drawable, open, onToggle }: ProblemsBannerProps) {
  if (problems.length === 0) return null;
  const errors = problems.filter((p) => p.severity === 'error').length;
  const summary = `${problems.length} problem${problems.length === 1 ? '' : 's'}${errors > 0 && errors < problems.length ? ` (${errors} error${errors === 1 ? '' : 's'})` : ''}`;
  const expanded = open || !drawable;
  return (
    <section className="problems-banner" aria-label={`${summary} in this DAG file`}>
      <div className="problems-summary">
        {drawable ? (
          <button type="button" className="canvas-link" aria-expanded={expanded} onClick={onToggle}>
            {expanded ? '▾' : '▸'} {summary}
          </button>
        ) : (
          <span role="alert">{summary}: the file cannot be drawn</span>
        )}
      </div>
      {expanded && (
        <ul>
          {problems.slice(0, SHOWN).map((problem, index) => (
            <li key={index} className={problem.severity === 'warning' ? 'problem-warning' : 'problem-error'}>
              <button
                type="button"
                className="canvas-link problems-location"
                onClick={() => postCommand({ type: 'canvas/revealRange', range: problem.range })}
              >
                {problem.range.startLine + 1}:{problem.range.startCharacter + 1}
              </button>{' '}
              {problem.message}
            </li>
          ))}
        </ul>
      )}
      {expanded && problems.length > SHOWN && (
        <div className="problems-more">and {problems.length - SHOWN} more in the Problems panel.</div>
      )}
    </section>
  );
}
