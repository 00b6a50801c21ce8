import { useEffect, useLayoutEffect, useRef } from 'react';
import type { RunState } from './useRunState';

const TITLES = { log: 'Log', xcom: 'XCom', why: 'Why is this not running?' } as const;

/**
 * The bottom panel: a try's log (following the running try, with a switch between tries), a
 * task's XComs, or the scheduler's explanation. Text only: a log line with markup shows as text.
 */
export function RunDetailPanel({ run }: { run: RunState }) {
  const detail = run.detail;
  const body = useRef<HTMLPreElement>(null);
  const pinnedToEnd = useRef(true);
  useLayoutEffect(() => {
    const element = body.current;
    if (element && pinnedToEnd.current) element.scrollTop = element.scrollHeight;
  }, [detail?.revision, detail?.text]);
  useEffect(() => {
    pinnedToEnd.current = true;
  }, [detail?.taskId, detail?.tryNumber, detail?.kind]);
  if (!detail) return null;
  const tries = detail.tries ?? [];
  return (
    <section
      className="run-detail"
      data-testid="run-detail"
      data-kind={detail.kind}
      data-task-id={detail.taskId}
      data-try={detail.tryNumber ?? ''}
      aria-label={`${TITLES[detail.kind]} of ${detail.taskId}`}
    >
      <header className="run-detail-header">
        <span className="run-detail-title">
          {TITLES[detail.kind]} · {detail.taskId}
        </span>
        <span className="run-detail-run">{detail.runId}</span>
        {detail.kind === 'log' && tries.length > 0 && (
          <select
            aria-label="Try"
            data-testid="log-try"
            value={detail.tryNumber ?? ''}
            onChange={(e) => run.send({ type: 'run/taskAction', action: 'log', taskId: detail.taskId, tryNumber: Number(e.target.value) })}
          >
            {tries.map((t) => (
              <option key={t} value={t}>
                Try {t}
              </option>
            ))}
          </select>
        )}
        {detail.kind === 'log' && detail.following && <span className="run-detail-following">following</span>}
        <span className="canvas-spacer" />
        <button type="button" className="panel-close" aria-label="Close the panel" onClick={run.closeDetail}>
          ×
        </button>
      </header>
      <pre
        ref={body}
        className="run-detail-body"
        data-testid="run-detail-body"
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          pinnedToEnd.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {detail.text || (detail.kind === 'log' ? '(the log is empty so far)' : '')}
      </pre>
    </section>
  );
}
